"""The blocks the model card and the datasheet are made of, each written as HTML and Markdown at
once: tables and lists of values from the data, and the boxes of questions only the author can
answer. Data values stay text in both (pipeline.text)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.data.features import FeaturesConfig
from pipeline.data.split import SplitConfig
from pipeline.models.config import ModelConfig, read_model
from pipeline.report.markup import Page
from pipeline.text import html_text, markdown_text

AUTHOR = "To be answered by the author:"
QUESTIONS_CSS = "summary questions"  # the summary's box, and a class of its own


@dataclass(frozen=True)
class Settings:
    """The parameters a card and a datasheet state besides the run's results: the model as
    trained, how the features were made and how the rows were split."""

    model: ModelConfig
    features: FeaturesConfig
    split: SplitConfig
    official_split: bool = False  # the source's own train/test partition (dataset.official_split)

    @classmethod
    def read(cls, config: Config) -> Settings:
        return cls(
            model=read_model(config),
            features=config.section(FeaturesConfig, "features"),
            split=config.section(SplitConfig, "split"),
            official_split=config.dataset.official_split,
        )


def shown(value: object) -> str:
    """A parameter's value as text: strings as they are, anything else as JSON (`true`, `null`,
    `[1, 2]`), so the card reads the same as params.yaml."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def entries(page: Page, items: Sequence[tuple[str, str]]) -> None:
    """A list of `label: text` entries, in their order."""
    html = "".join(f"<li><b>{html_text(k)}</b>: {html_text(v)}</li>" for k, v in items)
    markdown = "\n".join(f"- **{markdown_text(k)}**: {markdown_text(v)}" for k, v in items)
    page.add((f"<ul>{html}</ul>", markdown))


def questions(page: Page, asked: Sequence[str]) -> None:
    """A box of questions the run cannot answer, marked as left to the author."""
    html = "".join(f"<li>{html_text(q)}</li>" for q in asked)
    box = f'<div class="{QUESTIONS_CSS}"><p><b>{html_text(AUTHOR)}</b></p><ul>{html}</ul></div>'
    markdown = "\n".join(
        [f"> **{markdown_text(AUTHOR)}**", ">", *(f"> - {markdown_text(q)}" for q in asked)]
    )
    page.add((box, markdown))


NAMES_LISTED = 24  # names listed in full; a longer list shows its first and last ones


def names(values: Sequence[str], empty: str = "none") -> str:
    """`a, b, c`, or `empty` when there is none; a list longer than NAMES_LISTED (784 pixels) as
    `a, b, ..., y, z (784 in all)`."""
    if len(values) > NAMES_LISTED:
        head, tail = ", ".join(values[:10]), ", ".join(values[-2:])
        return f"{head}, ..., {tail} ({len(values)} in all)"
    return ", ".join(values) if values else empty
