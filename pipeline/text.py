"""Strings from the data (column names, category values) made safe for where they are written:
file names, HTML, Markdown and CSV cells. Each function keeps the text readable and inert."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from pathlib import Path

# Unicode categories that draw nothing or reorder what follows: controls (tab, newline, ...),
# format characters (the bidirectional overrides and isolates U+202A-U+202E and U+2066-U+2069,
# the marks U+200E, U+200F and U+061C, zero-width characters), line and paragraph separators,
# private-use, surrogate and unassigned code points.
INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
# Backslash-escaped in Markdown: emphasis, code, links, raw HTML and entities, tables, headings.
MARKDOWN_SPECIAL = frozenset("\\`*[]<&|#~$")  # `$`: renderers with math read $x$ as TeX
# What makes a block at the start of a line: a quote, a list item, a thematic break.
MARKDOWN_BLOCK = re.compile(r">|[-+](\s|$)|-[\s-]*$")
MARKDOWN_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)")
DRAWN_LIMIT = 60  # characters of a name or value drawn in a figure
NAME_LIMIT = 100  # characters of a file name made from data, suffix included
HASH_LENGTH = 8
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                      *(f"LPT{i}" for i in range(10))})  # fmt: skip
# OWASP's CSV injection guidance: a cell starting with one of these is read as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTED_FORMULA = re.compile(r"'+[=+\-@\t\r]")


def visible(text: str) -> str:
    """`text` with every invisible or reordering character shown as `<U+XXXX>`, so a value
    displays as what it is (`abc<U+202E>fed`, not a reversed `def`)."""
    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in INVISIBLE else c for c in text)


def drawn(text: str, limit: int = DRAWN_LIMIT) -> str:
    """A string from data as a figure draws it: invisible characters shown, cut to `limit`
    characters (ending in an ellipsis) so that a long name does not crowd out the plot."""
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "\u2026"


def html_text(text: str) -> str:
    """A string from data as HTML text: invisible characters shown, markup escaped."""
    return html.escape(visible(text))


def markdown_text(text: str) -> str:
    """A string from data as Markdown inline text: invisible characters shown, and every
    character that would make markup (emphasis, code, links, raw HTML, entities, table cells,
    headings) backslash-escaped. An underscore inside a word makes no emphasis and stays bare."""
    shown = visible(text)
    out = []
    for i, c in enumerate(shown):
        if c in MARKDOWN_SPECIAL:
            out.append("\\" + c)
        elif c == "_" and not (
            0 < i < len(shown) - 1 and shown[i - 1].isalnum() and shown[i + 1].isalnum()
        ):
            out.append("\\_")
        else:
            out.append(c)
    return "".join(out)


def markdown_line(text: str) -> str:
    """`markdown_text`, for text that starts a line: a leading quote, list item or thematic
    break marker is escaped too."""
    escaped = markdown_text(text)
    if MARKDOWN_BLOCK.match(escaped):
        return "\\" + escaped
    return MARKDOWN_ORDERED.sub(r"\1\\\2", escaped)


def safe_filename(name: str, suffix: str = "") -> str:
    """A file name made from `name`: ASCII letters, digits, `-`, `_` and `.`, no leading dot, no
    `..`, at most NAME_LIMIT characters with `suffix`. When it differs from `name`, a short
    stable hash of `name` is appended, so `a b` and `a_b` never share a file."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    safe = re.sub(r"\.{2,}", "_", safe).lstrip(".")
    reserved = safe.split(".")[0].upper() in RESERVED
    if safe == name and safe and not reserved and len(safe) + len(suffix) <= NAME_LIMIT:
        return safe + suffix
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_LENGTH]
    keep = NAME_LIMIT - len(suffix) - HASH_LENGTH - 1
    return f"{safe[:keep]}-{digest}{suffix}"


def inside(folder: str | Path, name: str) -> Path | None:
    """`folder / name` when it resolves inside `folder` (symbolic links followed), else None."""
    root = Path(folder).resolve()
    path = (root / name).resolve()
    return path if path != root and path.is_relative_to(root) else None


def csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
    tab or CR) gets a leading `'`; so does one already made of quotes then such a character, so
    `csv_text` undoes it exactly. Anything but text is returned as it is."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or _QUOTED_FORMULA.match(value)):
        return "'" + value
    return value


def csv_text(value: str) -> str:
    """The text `csv_cell` was given, back from the cell it wrote."""
    return value[1:] if _QUOTED_FORMULA.match(value) else value
