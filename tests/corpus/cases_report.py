"""Cases about the report's summary and table of contents: markup in a sensitive attribute's groups
stays text in the summary, section ids stay [a-z0-9-] and every link resolves, and a
sensitive attribute that is also a model input is said to be one."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.runner import EVERY_STAGE, Case, csv_case, csv_overrides, table

from pipeline.io import read_json
from pipeline.text import html_text

NAME = "Gender / self: described"  # MLflow takes no other punctuation in a column name
GROUPS = {"female": "<b>f</b>", "male": "m | [x](y)"}


def hostile_table():
    frame = table().rename(columns={"sex": NAME})
    frame[NAME] = frame[NAME].map(GROUPS)
    return frame


def summary_is_text(folder: Path) -> None:
    assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9
    page = (folder / "reports/index.html").read_text()
    summary = page[page.index('<section id="summary">') : page.index('<nav class="contents"')]
    assert "<b>f" not in page and "&lt;b&gt;f&lt;/b&gt;" in summary
    assert f"<li><b>Sensitive attributes</b>: {html_text(NAME)} is audited" in summary
    assert "is a model input too (features.include_sensitive: true)" in summary
    fairness = read_json(folder / "reports/fairness.json")
    rates = {
        g: v["metrics"]["base_rate"]["value"] for g, v in fairness["audits"][NAME]["groups"].items()
    }
    (low, first), (high, last) = sorted((v, g) for g, v in rates.items())
    assert html_text(f"{NAME}: {low:.4f} ({first}) to {high:.4f} ({last})") in summary
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids) and len(ids) == len(set(ids))
    assert set(re.findall(r'href="#([^"]*)"', page)) <= set(ids)
    assert '<section id="fairness-gender-self-described">' in page
    markdown = (folder / "reports/summary.md").read_text()
    assert f"- **Sensitive attributes**: {NAME} is audited" in markdown
    assert f"  - {NAME}\n" in markdown  # in the contents
    assert "\\<b>f\\</b>" in markdown and "m \\| \\[x\\](y)" in markdown


CASES = [
    Case(
        "report_summary_markup_and_sensitive_input",
        csv_case(hostile_table()),
        csv_overrides("case.csv", "y", f"['{NAME}']", "features.include_sensitive=true"),
        stages=EVERY_STAGE,
        check=summary_is_text,
    ),
]
