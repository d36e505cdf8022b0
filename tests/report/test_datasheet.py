"""The datasheet states the committed Adult run's data (provenance, validation and baselines as
oracles), says what Adult's vendored README says of its origin only for those very files, keeps
hostile column names as text, and is the same bytes twice."""

from __future__ import annotations

import re
from dataclasses import replace

import markdown_it
from helpers import ROOT

from pipeline.data.findings import ColumnSummary
from pipeline.io import read_json
from pipeline.report.card_blocks import AUTHOR, Settings
from pipeline.report.datasheet import datasheet_markdown, datasheet_section
from pipeline.report.markup import Page
from pipeline.report.run import Run

HOSTILE = "<script>alert(1)</script> $x$ | pipe | \u202eevil"
SHOWN = "&lt;script&gt;alert(1)&lt;/script&gt; $x$ | pipe | &lt;U+202E&gt;evil"  # as HTML text


def cells(markdown: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is `first`."""
    line = next(x for x in markdown.splitlines() if x.startswith(f"| {first} |"))
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def test_the_datasheet_states_the_runs_data(adult: tuple[Run, Settings]) -> None:
    run, settings = adult
    sheet = datasheet_markdown(run, settings)
    provenance = read_json(ROOT / "data/raw/provenance.json")
    assert f"- **License**: {provenance['license']}" in sheet
    assert provenance["license"].startswith("CC BY 4.0")
    for name, digest in provenance["source_sha256"].items():
        assert cells(sheet, name) == [name, digest]
    assert cells(sheet, "the raw table as read (Parquet)")[1] == provenance["data_sha256"]
    assert f"{provenance['rows']} rows x {provenance['columns']} columns" in sheet
    assert "48842 rows x 15 columns" in sheet
    columns = read_json(ROOT / "reports/validation.json")["columns"]
    missing = sheet[sheet.index("### Missing values") :]
    for name, found in columns.items():
        assert cells(missing, name)[2] == str(found["missing"])
    assert {n: cells(missing, n)[2] for n in ("workclass", "occupation", "native-country")} == {
        "workclass": "2799", "occupation": "2809", "native-country": "857"
    }  # fmt: skip
    assert "6465 missing values over 48842 rows" in sheet
    # the majority baseline's accuracy is the share of the larger class on the test rows
    baselines, metrics = (read_json(ROOT / f"reports/{n}.json") for n in ("baselines", "metrics"))
    n_test = metrics["test/n_rows"]
    majority = round(baselines["majority/accuracy"] * n_test)
    assert cells(sheet, "\\<=50K")[2] == str(majority) == "9289"
    assert cells(sheet, ">50K")[2] == str(n_test - majority)
    assert "| sex | Female | 4057 |" in sheet
    assert "Base rate (share of >50K) by sex on the test rows: Female 0.1117; Male 0.3028." in sheet
    assert "relationship for sex (cramers_v_corrected 0.6462)" in sheet
    assert "- **Split**: 0.25 of the rows to test (split.test_size), stratified" in sheet
    assert str(ROOT) not in sheet


def test_adults_origin_comes_from_its_readme_and_only_for_its_files(
    adult: tuple[Run, Settings],
) -> None:
    run, settings = adult
    readme = (ROOT / "data/adult/README.md").read_text(encoding="utf-8")
    assert "1994 US Census" in readme and "Barry Becker" in readme
    sheet = datasheet_markdown(run, settings)
    motivation = sheet[sheet.index("### Motivation") : sheet.index("### Source")]
    assert "Barry Becker from the 1994 US Census" in motivation and AUTHOR not in motivation
    assert "exceeds \\$50K a year" in motivation
    collection = sheet[sheet.index("### Collection process") : sheet.index("### Preprocessing")]
    assert "1994 US Census database by Barry Becker" in collection
    assert f"> **{AUTHOR}**" in collection  # consent is still the author's to answer
    # a user's table that is called adult is not Adult
    other = replace(run.provenance, source_sha256={"adult.csv": "0" * 64})
    sheet = datasheet_markdown(replace(run, provenance=other), settings)
    motivation = sheet[sheet.index("### Motivation") : sheet.index("### Source")]
    assert "Barry Becker" not in sheet and f"> **{AUTHOR}**" in motivation
    assert "> - For what purpose was the dataset created" in motivation
    questions = re.split(r"^### ", sheet, flags=re.M)
    asked = {p.splitlines()[0] for p in questions if f"> **{AUTHOR}**" in p}
    assert asked == {"Motivation", "Composition", "Collection process", "Known biases",
                     "Uses, distribution and maintenance"}  # fmt: skip


def test_hostile_column_names_stay_text(adult: tuple[Run, Settings]) -> None:
    run, settings = adult
    columns = {HOSTILE: ColumnSummary("str", 3, 2), **run.validation.columns}
    bad = replace(run, validation=replace(run.validation, columns=columns),
                  provenance=replace(run.provenance, dataset=HOSTILE))  # fmt: skip
    page = Page("t")
    datasheet_section(page, bad, settings)
    html = page.documents()[0]
    assert "<script>alert" not in html and "\u202e" not in html
    assert f"<td>{SHOWN}</td>" in html
    sheet = datasheet_markdown(bad, settings)
    assert "\u202e" not in sheet and re.search(r"(?<!\\)<script>", sheet) is None
    escaped = "\\<script>alert(1)\\</script> \\$x\\$ \\| pipe \\| \\<U+202E>evil"
    assert cells(sheet, escaped) == [escaped, "str", "3", "0.0001", "2"]
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(sheet)
    assert "<script>" not in rendered
    assert f"<td>{SHOWN}</td>" in rendered


def test_the_datasheet_is_the_same_bytes_twice(adult: tuple[Run, Settings]) -> None:
    run, settings = adult
    assert datasheet_markdown(run, settings) == datasheet_markdown(run, settings)
    pages = [Page("t"), Page("t")]
    for page in pages:
        datasheet_section(page, run, settings)
    assert pages[0].documents() == pages[1].documents()


def test_an_official_split_is_named_and_not_called_stratified(adult: tuple[Run, Settings]) -> None:
    run, settings = adult
    seeded = datasheet_markdown(run, settings)
    assert "(the split keeps the class proportions)" in seeded
    official = datasheet_markdown(run, replace(settings, official_split=True))
    assert "(the split keeps the class proportions)" not in official
    named = "- **Split**: the source's own train/test partition (dataset.official_split): "
    assert named in official
