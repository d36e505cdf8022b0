"""HTML and Markdown side by side: every block of the report is written to both at once.

Every string given to a block is text, never markup: it may come from the data (a column name, a
category value), so each writer escapes it and shows invisible characters (pipeline.text).
Sections carry ids made of [a-z0-9-] only, whatever their heading, and a table of contents
links to them."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from pipeline.text import html_text, markdown_line, markdown_text

CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;
padding:.25em .6em;text-align:left}th{background:#f3f3f3}.fail{color:#b00020;font-weight:600}
.pass{color:#1b5e20}img{max-width:100%;border:1px solid #eee}footer{color:#666;font-size:.9em;
margin-top:3em}code{background:#f6f6f6;padding:0 .2em}.row img{width:32%;margin-right:1%}
.verdict.fail.conclusive{background:#b00020;color:#fff}
.verdict.fail.inconclusive{background:#fff4e5;color:#8a3b00;font-style:italic;font-weight:600;
border:2px dashed #b00020}.verdict.pass.conclusive{background:#e8f5e9;font-weight:600}
.verdict.pass.inconclusive{font-style:italic;border:2px dashed #1b5e20}
.verdict.undefined{color:#666}.overall{font-style:italic}
.summary{background:#f7f9fc;border:1px solid #d6e0f0;padding:.5em 1.5em;margin:1em 0}
.summary li{margin:.35em 0}nav.contents{margin:1em 0 2em}nav.contents ul{margin:.2em 0}
.summary.questions{background:#fffbe6;border:2px dashed #c77700}"""

ID_LIMIT = 60  # characters of a section id made from a heading


class Styled(NamedTuple):
    """A table cell shown as `text` with the CSS classes `css` (the report's own names)."""

    text: str
    css: str


class Heading(NamedTuple):
    level: int  # 2: a section, 3: a subsection
    anchor: str  # the id of its <section>
    text: str


def number(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, Styled):
        return value.text
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def cell_class(value: object) -> str:
    if isinstance(value, Styled):
        return f' class="{html_text(value.css)}"'
    return {"fail": ' class="fail"', "pass": ' class="pass"'}.get(str(value), "")


def table(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> tuple[str, str]:
    """The same rows as an HTML table and as a Markdown table."""
    head = "".join(f"<th>{html_text(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td{cell_class(r.get(c))}>{html_text(number(r.get(c)))}</td>" for c in columns)
        + "</tr>"
        for r in rows
    )
    markdown = "\n".join(
        ["| " + " | ".join(map(markdown_text, columns)) + " |", "|" + "---|" * len(columns)]
        + ["| " + " | ".join(markdown_text(number(r.get(c))) for c in columns) + " |" for r in rows]
    )
    return f"<table><tr>{head}</tr>{body}</table>", markdown


def image(path: Path, inline: bool = False) -> str:
    """A PNG embedded in the page (the page stays one self-contained file)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    tag = f'<img alt="{html_text(path.stem)}" src="data:image/png;base64,{data}">'
    return tag if inline else f"<p>{tag}</p>"


def slug(text: str) -> str:
    """An id made of [a-z0-9-] from a heading: `Cross-validation (training split)` ->
    `cross-validation-training-split`; `section` when nothing of it is left."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:ID_LIMIT].strip("-") or "section"


class Fact(NamedTuple):
    """A line of the summary: `label: text`, then links to the sections named in `see`."""

    label: str
    text: str
    see: tuple[str, ...] = ()


class Page:
    """The report being written: HTML blocks and Markdown lines, in the same order.

    What is written inside `opening()` goes before the table of contents, whatever the order of
    the calls: the summary is written last, once every section and its id is known."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.headings: list[Heading] = []  # of the body, in order: the table of contents
        self._used: set[str] = set()
        self._body: tuple[list[str], list[str]] = ([], [])
        self._opening: tuple[list[str], list[str]] = ([], [])
        self.html, self.text = self._body
        self._open: list[int] = []  # levels of the <section> elements not closed yet

    def _anchor(self, text: str, parent: str = "") -> str:
        base = slug(f"{parent} {text}" if parent else text)
        anchor, n = base, 1
        while anchor in self._used:
            n += 1
            anchor = f"{base}-{n}"
        self._used.add(anchor)
        return anchor

    def _close(self, level: int) -> None:
        """Close the open sections of `level` and deeper."""
        while self._open and self._open[-1] >= level:
            self._open.pop()
            self.html.append("</section>")

    def _heading(self, level: int, heading: str) -> None:
        self._close(level)
        parent = ""
        if level == 3:
            parent = next((h.anchor for h in reversed(self.headings) if h.level == 2), "")
        anchor = self._anchor(heading, parent)
        if self.html is self._body[0]:
            self.headings.append(Heading(level, anchor, heading))
        self._open.append(level)
        self.html.append(f'<section id="{anchor}"><h{level}>{html_text(heading)}</h{level}>')
        self.text.extend([f"{'#' * level} {markdown_text(heading)}", ""])

    def section(self, heading: str, paragraph: str = "") -> None:
        self._heading(2, heading)
        if paragraph:
            self.paragraph(paragraph)

    def subsection(self, heading: str) -> None:
        self._heading(3, heading)

    def anchor(self, heading: str) -> str | None:
        """The id of the first section or subsection headed `heading`; None without one."""
        return next((h.anchor for h in self.headings if h.text == heading), None)

    @contextmanager
    def opening(self) -> Iterator[None]:
        """Write the blocks of the `with` body before the table of contents."""
        body_open, self._open = self._open, []
        self.html, self.text = self._opening
        try:
            yield
        finally:
            self._close(2)
            self.html, self.text = self._body
            self._open = body_open

    def paragraph(self, text: str) -> None:
        self.html.append(f"<p>{html_text(text)}</p>")
        self.text.extend([markdown_line(text), ""])

    def add(self, pair: tuple[str, str]) -> None:
        """A block written both ways, such as `table(...)`."""
        self.html.append(pair[0])
        self.text.extend([pair[1], ""])

    def figure(self, path: Path) -> None:
        self.html.append(image(path))

    def linked_figure(self, path: Path, caption: str, href: str) -> None:
        """A figure embedded in the page with its caption, and linked from the Markdown by
        `href` (its path relative to the Markdown file)."""
        self.html.append(
            f"<figure>{image(path, inline=True)}<figcaption>{html_text(caption)}</figcaption>"
            "</figure>"
        )
        self.text.extend([f"![{markdown_text(caption)}]({quote(href)})", ""])

    def figures(self, paths: Sequence[Path]) -> None:
        self.html.append(
            '<div class="row">' + "".join(image(p, inline=True) for p in paths) + "</div>"
        )

    def items(self, entries: Mapping[str, str]) -> None:
        """A list of `name: text` entries, sorted by name."""
        self.facts([Fact(k, v) for k, v in sorted(entries.items())], css="")

    def facts(self, entries: Sequence[Fact], css: str = "summary") -> None:
        """A list of `label: text` entries in their order, each linked to the sections it names
        (a name without a section is left out)."""
        html, markdown = [], []
        for fact in entries:
            found = [(name, self.anchor(name)) for name in fact.see]
            links = [f'<a href="#{a}">{html_text(name)}</a>' for name, a in found if a]
            label = f"<b>{html_text(fact.label)}</b>: " if fact.label else ""
            see = f" (see {', '.join(links)})" if links else ""
            html.append(f"<li>{label}{html_text(fact.text)}{see}</li>")
            label = f"**{markdown_text(fact.label)}**: " if fact.label else ""
            names = ", ".join(markdown_text(name) for name, a in found if a)
            see = f" (see {names})" if names else ""
            markdown.append(f"- {label}{markdown_text(fact.text)}{see}")
        attribute = f' class="{css}"' if css else ""
        self.html.append(f"<ul{attribute}>" + "".join(html) + "</ul>")
        self.text.extend([*markdown, ""])

    def footer(self, line: str) -> None:
        self._close(2)
        self.html.append(f"<footer>{html_text(line)}</footer>")
        self.text.extend(["---", markdown_line(line), ""])

    def contents(self) -> tuple[str, str]:
        """The table of contents of the body's sections and subsections, in both forms."""
        html, markdown, depth = [], ["## Contents", ""], 0  # depth: lists open
        for heading in self.headings:
            level = heading.level - 1
            if level > depth:
                html.append("<ul>" * (level - depth))
            else:
                html.append("</li></ul>" * (depth - level) + "</li>")
            html.append(f'<li><a href="#{heading.anchor}">{html_text(heading.text)}</a>')
            markdown.append("  " * (level - 1) + f"- {markdown_text(heading.text)}")
            depth = level
        html.append("</li></ul>" * depth)
        nav = '<nav class="contents" id="contents"><h2>Contents</h2>' + "".join(html) + "</nav>"
        return nav, "\n".join([*markdown, ""])

    def documents(self) -> tuple[str, str]:
        """(the HTML document, the Markdown summary)."""
        self._close(2)
        nav, toc = self.contents() if self.headings else ("", "")
        blocks = [f"<h1>{html_text(self.title)}</h1>", *self._opening[0], nav, *self._body[0]]
        document = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html_text(self.title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(filter(None, blocks))
            + "\n</body></html>\n"
        )
        lines = [f"# {markdown_text(self.title)}", "", *self._opening[1], toc, *self._body[1]]
        return document, "\n".join(lines)
