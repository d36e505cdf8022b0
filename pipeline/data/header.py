"""Column names as the file writes them, checked before pandas renames or drops anything: a
duplicate name (pandas would read the second as `name.1`), an empty name, names that differ
only by surrounding whitespace."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from pipeline.data.sniff import open_bytes


def first_records(path: Path, encoding: str, delimiter: str, count: int = 2) -> list[list[str]]:
    """The first `count` non-blank records of the CSV file (the header first), split as the csv
    module does."""
    records: list[list[str]] = []
    with open_bytes(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        for record in csv.reader(text, delimiter=delimiter):
            if record:
                records.append(record)
            if len(records) == count:
                break
    return records


def unnamed_fields(records: list[list[str]], source: str) -> str | None:
    """A first row longer than the header: pandas would silently take its first fields as the
    row index and drop them."""
    if len(records) < 2 or len(records[1]) <= len(records[0]):
        return None
    return (
        f"the header of {source} names {len(records[0])} columns but its first row has "
        f"{len(records[1])} fields; name every column in the file's first line (or check "
        "dataset.delimiter)"
    )


DELIMITERS = (";", "\t", "|", ",")


def merged_delimiter(names: Sequence[str], delimiter: str) -> str | None:
    """Another delimiter that some column name holds (a `;` file read with `,` gives names such
    as `age;hours`), or None."""
    for other in DELIMITERS:
        if other != delimiter and any(other in name for name in names):
            return other
    return None


def delimiter_hint(names: Sequence[str], delimiter: str, target: str, source: str) -> str | None:
    """The error when the target is not among the names and a name holds another delimiter:
    the file was split by the wrong one, so the target is inside a merged name."""
    other = merged_delimiter(names, delimiter)
    if other is None or target in names:
        return None
    merged = [name for name in names if other in name]
    return (
        f"column '{target}' (dataset.target) is not in the header of {source}, whose names hold "
        f"{other!r} ({', '.join(repr(n[:40]) for n in merged[:3])}): the file is separated by "
        f"another delimiter than {delimiter!r}; set dataset.delimiter={other!r}"
    )


def delimiter_warning(names: Sequence[str], delimiter: str, source: str) -> str | None:
    """A warning when a name holds another delimiter but the target was found."""
    other = merged_delimiter(names, delimiter)
    if other is None:
        return None
    merged = next(name for name in names if other in name)
    return (
        f"column name {merged[:60]!r} in the header of {source} holds {other!r}: if the file is "
        f"separated by {other!r}, set dataset.delimiter={other!r}"
    )


def header_problem(names: Sequence[str], source: str) -> str | None:
    """What is wrong with the column names, with its fix; None when nothing is."""
    if len(names) == 1:
        found = [d for d in DELIMITERS if d in names[0]]
        if found:
            return (
                f"the header of {source} is one column, {names[0][:60]!r}, which holds "
                f"{found[0]!r}: the file is separated by another delimiter; set "
                f"dataset.delimiter={found[0]!r}"
            )
    for position, name in enumerate(names, start=1):
        if not name.strip():
            why = (
                " (a delimiter at the end of every line leaves the last one empty)"
                if position == len(names) > 1
                else " (a saved row index leaves the first one empty)"
                if position == 1 < len(names)
                else ""
            )
            return (
                f"column {position} of {len(names)} in the header of {source} has no name{why}; "
                "name it in the file's first line, or remove the column"
            )
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            return (
                f"column name {name!r} appears twice in the header of {source} (columns "
                f"{seen[name]} and {position}); rename one of them in the file's first line"
            )
        seen[name] = position
    stripped: dict[str, str] = {}
    for name in names:
        key = name.strip()
        if key in stripped:
            return (
                f"column names {stripped[key]!r} and {name!r} in the header of {source} differ "
                "only by surrounding whitespace; rename one of them in the file's first line"
            )
        stripped[key] = name
    return None
