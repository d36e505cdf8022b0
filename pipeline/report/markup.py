"""HTML and Markdown side by side: every block of the report is written to both at once.

Every string given to a block is text, never markup: it may come from the data (a column name, a
category value), so each writer escapes it and shows invisible characters (pipeline.text)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path

from pipeline.text import html_text, markdown_line, markdown_text

CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;
padding:.25em .6em;text-align:left}th{background:#f3f3f3}.fail{color:#b00020;font-weight:600}
.pass{color:#1b5e20}img{max-width:100%;border:1px solid #eee}footer{color:#666;font-size:.9em;
margin-top:3em}code{background:#f6f6f6;padding:0 .2em}.row img{width:32%;margin-right:1%}"""


def number(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def cell_class(value: object) -> str:
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


class Page:
    """The report being written: HTML blocks and Markdown lines, in the same order."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.html = [f"<h1>{html_text(title)}</h1>"]
        self.text = [f"# {markdown_text(title)}", ""]

    def section(self, heading: str, paragraph: str = "") -> None:
        self.html.append(f"<h2>{html_text(heading)}</h2>")
        self.text.extend([f"## {markdown_text(heading)}", ""])
        if paragraph:
            self.paragraph(paragraph)

    def subsection(self, heading: str) -> None:
        self.html.append(f"<h3>{html_text(heading)}</h3>")
        self.text.extend([f"### {markdown_text(heading)}", ""])

    def paragraph(self, text: str) -> None:
        self.html.append(f"<p>{html_text(text)}</p>")
        self.text.extend([markdown_line(text), ""])

    def add(self, pair: tuple[str, str]) -> None:
        """A block written both ways, such as `table(...)`."""
        self.html.append(pair[0])
        self.text.extend([pair[1], ""])

    def figure(self, path: Path) -> None:
        self.html.append(image(path))

    def figures(self, paths: Sequence[Path]) -> None:
        self.html.append(
            '<div class="row">' + "".join(image(p, inline=True) for p in paths) + "</div>"
        )

    def items(self, entries: Mapping[str, str]) -> None:
        """A list of `name: text` entries, sorted by name."""
        self.html.append(
            "<ul>"
            + "".join(
                f"<li><b>{html_text(k)}</b>: {html_text(v)}</li>"
                for k, v in sorted(entries.items())
            )
            + "</ul>"
        )
        self.text.extend(
            [f"- **{markdown_text(k)}**: {markdown_text(v)}" for k, v in sorted(entries.items())]
            + [""]
        )

    def footer(self, line: str) -> None:
        self.html.append(f"<footer>{html_text(line)}</footer>")
        self.text.extend(["---", markdown_line(line), ""])

    def documents(self) -> tuple[str, str]:
        """(the HTML document, the Markdown summary)."""
        document = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html_text(self.title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(self.html)
            + "\n</body></html>\n"
        )
        return document, "\n".join(self.text)
