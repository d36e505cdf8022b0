"""The report's HTML and Markdown primitives."""

from pathlib import Path

from pipeline.report.markup import Page, number, table


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
    assert document.index("<h2>A</h2>") < document.index("<h3>B</h3>") < document.index("<ul>")
    assert "<li><b>a</b>: &lt;first&gt;</li><li><b>z</b>: last</li>" in document
    assert summary.splitlines() == [
        "# t \\<1>", "", "## A", "", "first \\& only", "", "### B", "",
        "- **a**: \\<first>", "- **z**: last", "", "---", "Environment: x 1.",
    ]  # fmt: skip
