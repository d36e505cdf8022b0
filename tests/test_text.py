"""Strings from the data made safe (pipeline/text.py): file names, display, Markdown, HTML, CSV.
A CommonMark renderer with GitHub's tables is the oracle that Markdown text stays literal."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline.io import write_csv
from pipeline.plots import plt, save_figure
from pipeline.report.markup import table
from pipeline.text import (
    NAME_LIMIT,
    csv_cell,
    csv_text,
    drawn,
    html_text,
    inside,
    markdown_line,
    markdown_text,
    safe_filename,
    visible,
)

HOSTILE = [
    "<b>bold</b> & <script>alert(1)</script>",
    "*star* _under_ __strong__ `code` ``two``",
    "[link](http://x) ![img](y.png) <http://auto>",
    "| pipes | in | cells |",
    "back\\slash \\* \\",
    "&amp; &#x202E; &lt;",
    "~~struck~~ # not a heading #",
    "$x^$ $\\frac{a}{$",
    '=HYPERLINK("http://x") +1 @SUM(A1)',
    "abc\u202edef\u2066x\u2069\u200e\u200f\u061c zero\u200bwidth",
    "line\nbreak\r\ttab",
    "snake_case_name and _x_ and x_",
]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def rendered(markdown: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def test_invisible_and_reordering_characters_are_shown_by_code_point() -> None:
    assert visible("abc\u202edef") == "abc<U+202E>def"
    assert visible(BIDI) == "".join(f"<U+{ord(c):04X}>" for c in BIDI)
    assert visible("a\nb\tc\u200b\ufeff") == "a<U+000A>b<U+0009>c<U+200B><U+FEFF>"
    assert visible("Crème brûlée, 東京, >50K") == "Crème brûlée, 東京, >50K"
    assert html_text("<b>\u202e") == "&lt;b&gt;&lt;U+202E&gt;"


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_renders_as_the_literal_text(text: str) -> None:
    out = rendered(markdown_line(text))
    assert out.startswith("<p>") and out.endswith("</p>\n"), out
    inner = out[3:-5]
    assert "<" not in inner, out  # no element: no emphasis, code, link, image or raw HTML
    assert html.unescape(inner) == visible(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_tables_keep_their_shape_with_any_cell(text: str) -> None:
    _, markdown = table([{"a": text, text: 1.5}, {"a": "plain"}], ["a", text])
    out = rendered(markdown)
    cells = re.findall(r"<t[dh]>(.*?)</t[dh]>", out, flags=re.S)
    assert [html.unescape(c) for c in cells] == [
        "a", visible(text), visible(text), "1.5000", "plain", "n/a"
    ]  # fmt: skip


def test_line_start_markers_and_intraword_underscores() -> None:
    assert markdown_line("> quote") == "\\> quote"
    assert markdown_line("- item") == "\\- item" and markdown_line("+ item") == "\\+ item"
    assert markdown_line("1. first") == "1\\. first" and markdown_line("12 x 3.") == "12 x 3."
    assert markdown_line("24.2% of -0.5") == "24.2% of -0.5" and markdown_line("---") == "\\---"
    assert markdown_line("-0.5") == "-0.5" and markdown_line("=== x") == "=== x"
    assert markdown_text("demographic_parity_ratio >= 0.8") == "demographic_parity_ratio >= 0.8"
    assert markdown_text("_x_ a_ _b") == "\\_x\\_ a\\_ \\_b"
    for text in ("> quote", "- item", "1. first", "2)", "---", "- - -", "-", "# title"):
        assert html.unescape(rendered(markdown_line(text))) == f"<p>{text}</p>\n"


def test_safe_file_names_are_stable_short_and_distinct() -> None:
    assert safe_filename("sex_x_race", ".png") == "sex_x_race.png"  # safe names stay as they are
    digest = hashlib.sha256(b"a b").hexdigest()[:8]
    assert safe_filename("a b", ".png") == f"a_b-{digest}.png"
    assert safe_filename("a_b", ".png") == "a_b.png" != safe_filename("a b", ".png")
    names = ["../../../../../tmp/x", ".hidden", "..", "/etc/passwd", "C:\\x", "CON", "a\u202eb",
             "x" * 60, "y" * 200, "", "東京", "a/b", "a:b", 'q"uote']  # fmt: skip
    made = [safe_filename(name, ".png") for name in names]
    assert len(set(made)) == len(made)
    for name, out in zip(names, made, strict=True):
        assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\.png", out), (name, out)
        assert ".." not in out and len(out) <= NAME_LIMIT
        assert safe_filename(name, ".png") == out  # stable
    assert made[names.index("x" * 60)] == "x" * 60 + ".png"
    assert len(made[names.index("y" * 200)]) == NAME_LIMIT


def test_inside_refuses_names_that_leave_the_folder(tmp_path: Path) -> None:
    (tmp_path / "plots" / "figures").mkdir(parents=True)
    (tmp_path / "plots" / "out.png").symlink_to(tmp_path / "elsewhere.png")
    root = (tmp_path / "plots").resolve()
    assert inside(tmp_path / "plots", "figures/a.png") == root / "figures" / "a.png"
    for name in ("../x.png", "figures/../../x.png", "/etc/passwd", ".", "", "out.png"):
        assert inside(tmp_path / "plots", name) is None, name


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted_and_read_back(tmp_path: Path) -> None:
    for text in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "'=1", "''+1"):
        assert csv_cell(text) == "'" + text and csv_text(csv_cell(text)) == text  # type: ignore[arg-type]
    for value in ("plain", "'quoted'", "a=b", "", -0.5, 3, None, True):
        assert csv_cell(value) == value
    frame = pd.DataFrame({
        "group": ['=HYPERLINK("http://x")', "+1", "@SUM(A1)", "ok"],
        "value": [-0.5, -1.25e-12, 2.0, float("nan")],
        "count": [-3, 0, 1, 2],
        "level": pd.Categorical(["-a", "b", "-a", "b"]),
    })  # fmt: skip
    write_csv(tmp_path / "t.csv", frame)
    assert (tmp_path / "t.csv").read_text().splitlines() == [
        "group,value,count,level",
        '"\'=HYPERLINK(""http://x"")",-0.5,-3,\'-a',
        "'+1,-1.25e-12,0,b",
        "'@SUM(A1),2,1,'-a",
        "ok,,2,b",
    ]
    back = pd.read_csv(tmp_path / "t.csv", dtype={"group": str, "level": str})
    assert back["group"].map(csv_text).tolist() == frame["group"].tolist()
    assert back["value"].tolist()[:3] == [-0.5, -1.25e-12, 2.0]


def test_figures_draw_math_like_and_invisible_labels_literally(tmp_path: Path) -> None:
    labels = ["$x^$", "$\\frac{a}{$", "a\u202eb", "z" * 200]
    figure, axes = plt.subplots()
    axes.plot([0, 1, 2, 3], [0, 1, 2, 3], label=labels[0])
    axes.set_yticks(range(4), [drawn(t) for t in labels])
    axes.set_title(labels[1])
    axes.set_xlabel(labels[0])
    axes.legend()
    figure.canvas.draw()
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "$x^$", "$\\frac{a}{$", "a<U+202E>b", "z" * 59 + "\u2026"
    ]  # fmt: skip
    save_figure(figure, tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000
    with plt.rc_context({"text.parse_math": True}):  # the setting is what makes it work
        figure, axes = plt.subplots()
        axes.set_title("$x^$")
        with pytest.raises(ValueError):
            figure.canvas.draw()
        plt.close(figure)
