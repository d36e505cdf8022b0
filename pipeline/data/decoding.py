"""Why a file cannot be decoded: the first bad line and byte, and whether the whole file is in
another encoding (a Windows/Latin-1 export) or mixes encodings (needs re-saving as UTF-8)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.data.sniff import NOT_IN_CP1252, codec_name, open_bytes
from pipeline.errors import DataValidationError


@dataclass(frozen=True)
class BadLine:
    line: int  # 1-based, the header is line 1
    column: int  # 1-based byte position within the line
    byte: int


@dataclass(frozen=True)
class Scan:
    """What a pass over the file's lines found."""

    first_bad: BadLine | None
    bad_lines: int
    utf8_lines: int  # lines with non-ASCII bytes that are valid UTF-8
    bad_bytes: frozenset[int]  # the non-ASCII bytes of the lines that failed


def scan(path: Path, encoding: str) -> Scan:
    """Decode `path` line by line with `encoding` (an ASCII-compatible one)."""
    first_bad: BadLine | None = None
    bad_lines, utf8_lines, bad_bytes = 0, 0, set[int]()
    with open_bytes(path) as file:
        for number, line in enumerate(file, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8 = True
            except UnicodeDecodeError:
                utf8 = False
            try:
                line.decode(encoding)
            except UnicodeDecodeError as error:
                bad_lines += 1
                bad_bytes.update(b for b in line if b > 127)
                if first_bad is None:
                    first_bad = BadLine(number, error.start + 1, line[error.start])
                continue
            utf8_lines += utf8
    return Scan(first_bad, bad_lines, utf8_lines, frozenset(bad_bytes))


def decoding_error(path: Path, encoding: str, error: UnicodeDecodeError) -> DataValidationError:
    """The error to raise after `error`, naming where the file breaks and the fix that applies."""
    name = codec_name(encoding)
    if name.startswith(("utf-16", "utf-32")):
        return DataValidationError(
            f"{path} cannot be decoded as {encoding!r}: {error.reason} at byte {error.start} of "
            "the content; the file is damaged or in another encoding: re-save it as UTF-8 and "
            "set dataset.encoding=utf-8"
        )
    found = scan(path, encoding)
    if found.first_bad is None:  # the decoder's state spans lines: report what it said
        return DataValidationError(
            f"{path} cannot be decoded as {encoding!r} ({error.reason}); re-save it as UTF-8 "
            "and set dataset.encoding=utf-8"
        )
    bad = found.first_bad
    where = f"line {bad.line} has byte 0x{bad.byte:02X} at position {bad.column}"
    if name.startswith("utf-8"):
        if found.utf8_lines == 0:
            single = "latin-1" if found.bad_bytes & NOT_IN_CP1252 else "cp1252 (or latin-1)"
            return DataValidationError(
                f"{path} is not UTF-8: {where}, and no line holds UTF-8 text; it looks like a "
                f"Windows/Latin-1 export throughout: set dataset.encoding={single}"
            )
        return DataValidationError(
            f"{path} mixes encodings: {_lines(found.utf8_lines)} UTF-8 but "
            f"{_lines(found.bad_lines)} not (first: {where}); no single dataset.encoding "
            "reads it: re-save the file as UTF-8 (convert the bad lines)"
        )
    return DataValidationError(
        f"{path} cannot be decoded as {encoding!r}: {where}; {_fitting_encoding(path)}"
    )


def _fitting_encoding(path: Path) -> str:
    """The first common encoding that decodes every line, as a fix."""
    for candidate in ("utf-8", "cp1252"):
        if scan(path, candidate).bad_lines == 0:
            return f"set dataset.encoding={candidate}"
    return "set dataset.encoding to the file's encoding (latin-1 decodes any byte)"


def _lines(n: int) -> str:
    return f"{n} line is" if n == 1 else f"{n} lines are"
