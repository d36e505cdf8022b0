"""The report's HTML and Markdown primitives."""

import re
from pathlib import Path

from pipeline.report.markup import Fact, Page, Styled, number, table


def test_numbers_are_shown_at_four_decimals_and_missing_as_na() -> None:
    assert [number(0.123456), number(None), number(3), number("pass")] == [
        "0.1235", "n/a", "3", "pass",
    ]  # fmt: skip


def test_table_escapes_data_and_marks_verdicts() -> None:
    rows = [{"name": "<script>x</script>", "verdict": "fail"}, {"name": "a&b", "verdict": "pass"}]
    html, markdown = table(rows, ["name", "verdict"])
    assert "<script>" not in html and "&lt;script&gt;" in html and "a&amp;b" in html
    assert '<td class="fail">fail</td>' in html and '<td class="pass">pass</td>' in html
    assert markdown.splitlines() == [
        "| name | verdict |", "|---|---|", "| \\<script>x\\</script> | fail |", "| a\\&b | pass |",
    ]  # fmt: skip


def test_bidi_controls_show_as_code_points_in_both_documents() -> None:
    page = Page("x")
    page.subsection("abc\u202edef")
    page.add(table([{"group": "\u2066F\u2069 | M"}], ["group"]))
    document, summary = page.documents()
    assert "\u202e" not in document + summary and "\u2066" not in document + summary
    assert "<h3>abc&lt;U+202E&gt;def</h3>" in document
    assert "<td>&lt;U+2066&gt;F&lt;U+2069&gt; | M</td>" in document
    assert "### abc\\<U+202E>def" in summary
    assert "| \\<U+2066>F\\<U+2069> \\| M |" in summary


def test_page_writes_html_and_markdown_in_the_same_order(tmp_path: Path) -> None:
    page = Page("t <1>")
    page.section("A", "first & only")
    page.subsection("B")
    page.items({"z": "last", "a": "<first>"})
    page.footer("Environment: x 1.")
    document, summary = page.documents()
    assert "<title>t &lt;1&gt;</title>" in document and "<h1>t &lt;1&gt;</h1>" in document
    body = document[document.index("</nav>") :]
    assert body.index("<h2>A</h2>") < body.index("<h3>B</h3>") < body.index("<ul>")
    assert "<li><b>a</b>: &lt;first&gt;</li><li><b>z</b>: last</li>" in document
    assert summary.splitlines() == [
        "# t \\<1>", "", "## Contents", "", "- A", "  - B", "", "## A", "", "first \\& only", "",
        "### B", "", "- **a**: \\<first>", "- **z**: last", "", "---", "Environment: x 1.",
    ]  # fmt: skip


def test_sections_get_safe_unique_ids_and_a_table_of_contents() -> None:
    page = Page("t")
    for heading in ("Data", "<script>alert(1)</script>", "Data", "\u202e\u00e9\u4e2d"):
        page.section(heading)
        page.subsection("sex x race")
    document, summary = page.documents()
    ids = re.findall(r'<section id="([^"]*)">', document)
    assert ids == ["data", "data-sex-x-race", "script-alert-1-script",
                   "script-alert-1-script-sex-x-race", "data-2", "data-2-sex-x-race", "section",
                   "section-sex-x-race"]  # fmt: skip
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    links = re.findall(r'<a href="#([^"]*)">([^<]*)</a>', document)
    assert [a for a, _ in links] == ids
    assert links[2][1] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    nav = document[document.index("<nav") : document.index("</nav>")]
    assert nav.count("<ul>") == nav.count("</ul>") == 5 and nav.count("<li>") == 8
    assert document.count("<section") == document.count("</section>") == 8
    assert "- \\<script>alert(1)\\</script>" in summary and "  - sex x race" in summary


def test_the_opening_comes_first_and_links_to_sections_written_before_it() -> None:
    page = Page("t")
    page.section("Fairness", "body")
    with page.opening():
        page.section("Summary")
        page.facts([Fact("Verdicts", "2 fail <b>", ("Fairness", "Absent"))])
    page.section("Later")
    document, summary = page.documents()
    assert document.index("<h2>Summary</h2>") < document.index("<nav") < document.index("<p>body")
    assert '<li><b>Verdicts</b>: 2 fail &lt;b&gt; (see <a href="#fairness">Fairness</a>)</li>' in (
        document
    )
    assert [h.text for h in page.headings] == ["Fairness", "Later"]  # the summary is not listed
    assert summary.index("## Summary") < summary.index("## Contents") < summary.index("## Later")
    assert "- **Verdicts**: 2 fail \\<b> (see Fairness)" in summary


def test_styled_cells_carry_their_classes() -> None:
    html, markdown = table([{"v": Styled("fail? (x)", "verdict fail inconclusive")}], ["v"])
    assert '<td class="verdict fail inconclusive">fail? (x)</td>' in html
    assert markdown.endswith("| fail? (x) |")
