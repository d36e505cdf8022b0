"""The blocks the model card and the datasheet are made of, each written as HTML and Markdown at
once: tables and lists of values from the data, and the boxes of questions only the author can
answer. Data values stay text in both (pipeline.text); in Markdown a `$` is escaped too, so that
a name such as `$x$` is not rendered as mathematics."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.data.features import FeaturesConfig
from pipeline.data.split import SplitConfig
from pipeline.models.config import ModelConfig, read_model
from pipeline.report.markup import Page, number, table
from pipeline.text import html_text, markdown_line, markdown_text

AUTHOR = "To be answered by the author:"
QUESTIONS_CSS = "summary questions"  # the summary's box, and a class of its own


@dataclass(frozen=True)
class Settings:
    """The parameters a card and a datasheet state besides the run's results: the model as
    trained, how the features were made and how the rows were split."""

    model: ModelConfig
    features: FeaturesConfig
    split: SplitConfig

    @classmethod
    def read(cls, config: Config) -> Settings:
        return cls(
            model=read_model(config),
            features=config.section(FeaturesConfig, "features"),
            split=config.section(SplitConfig, "split"),
        )


def md(text: str) -> str:
    """Markdown inline text of `text` (pipeline.text.markdown_text), with `$` escaped."""
    return "\\$".join(markdown_text(part) for part in text.split("$"))


def md_line(text: str) -> str:
    """`md`, for text that starts a line (a leading list or quote marker escaped)."""
    parts = text.split("$")
    return "\\$".join([markdown_line(parts[0]), *(markdown_text(p) for p in parts[1:])])


def shown(value: object) -> str:
    """A parameter's value as text: strings as they are, anything else as JSON (`true`, `null`,
    `[1, 2]`), so the card reads the same as params.yaml."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def grid(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> tuple[str, str]:
    """The rows as an HTML table (pipeline.report.markup.table) and a Markdown table."""
    markdown = "\n".join(
        ["| " + " | ".join(md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
        + ["| " + " | ".join(md(number(r.get(c))) for c in columns) + " |" for r in rows]
    )
    return table(rows, columns)[0], markdown


def text(page: Page, words: str) -> None:
    """A paragraph."""
    page.add((f"<p>{html_text(words)}</p>", md_line(words)))


def entries(page: Page, items: Sequence[tuple[str, str]]) -> None:
    """A list of `label: text` entries, in their order."""
    html = "".join(f"<li><b>{html_text(k)}</b>: {html_text(v)}</li>" for k, v in items)
    markdown = "\n".join(f"- **{md(k)}**: {md(v)}" for k, v in items)
    page.add((f"<ul>{html}</ul>", markdown))


def questions(page: Page, asked: Sequence[str]) -> None:
    """A box of questions the run cannot answer, marked as left to the author."""
    html = "".join(f"<li>{html_text(q)}</li>" for q in asked)
    box = f'<div class="{QUESTIONS_CSS}"><p><b>{html_text(AUTHOR)}</b></p><ul>{html}</ul></div>'
    markdown = "\n".join([f"> **{md(AUTHOR)}**", ">", *(f"> - {md(q)}" for q in asked)])
    page.add((box, markdown))


def names(values: Sequence[str], empty: str = "none") -> str:
    """`a, b, c`, or `empty` when there is none."""
    return ", ".join(values) if values else empty
