"""Byte-level diagnosis of a user's file before it is parsed: what container it really is, which
encoding its bytes imply, and, when decoding fails, where and why."""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from pipeline.errors import ConfigError, DataValidationError

HEAD_BYTES = 64 * 1024
PARQUET_SUFFIXES = (".parquet", ".pq")
# Compression suffixes pandas decompresses by, with the magic bytes each format starts with.
COMPRESSED = {
    ".gz": (b"\x1f\x8b", "gzip"),
    ".bz2": (b"BZh", "bzip2"),
    ".xz": (b"\xfd7zXZ\x00", "xz"),
    ".zip": (b"PK\x03\x04", "zip"),
}
STREAMS: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 workbooks
BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
NOT_IN_CP1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}  # bytes cp1252 leaves undefined


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as file:
        return file.read(size)


def check_container(head: bytes, path: Path) -> None:
    """Stop on a file whose bytes are not what its name says: compressed without the suffix that
    makes it decompressed, a spreadsheet, a Parquet file named as CSV, or the reverse."""
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") and (b"xl/" in head or b"[Content_Types].xml" in head):
        raise DataValidationError(
            f"{path} is an Excel workbook (xlsx), not a CSV file; open it and save the sheet as "
            "CSV UTF-8, then set dataset.path to the .csv file"
        )
    if head.startswith(OLE2):
        raise DataValidationError(
            f"{path} is an Excel 97-2003 workbook (xls), not a CSV file; open it and save the "
            "sheet as CSV UTF-8, then set dataset.path to the .csv file"
        )
    if head.startswith(b"PAR1") and suffix not in PARQUET_SUFFIXES:
        raise DataValidationError(
            f"{path} is a Parquet file but its name ends in '{suffix}'; rename it to "
            f"{path.stem}.parquet and set dataset.path to it (the reader is chosen by the suffix)"
        )
    if suffix in PARQUET_SUFFIXES:
        if not head.startswith(b"PAR1"):
            raise DataValidationError(
                f"{path} is not a Parquet file (it does not start with the bytes PAR1); if it is "
                f"CSV text, rename it to {path.stem}.csv and set dataset.path to it"
            )
        return
    for ext, (magic, kind) in COMPRESSED.items():
        if head.startswith(magic) and suffix != ext:
            raise DataValidationError(
                f"{path} is {kind}-compressed but its name ends in '{suffix}'; rename it to "
                f"{path.name}{ext} and set dataset.path to it (files are decompressed by suffix)"
            )
        if suffix == ext and not head.startswith(magic):
            raise DataValidationError(
                f"{path} is not {kind}-compressed although its name ends in '{ext}'; rename it "
                f"to {path.stem} and set dataset.path to it"
            )


@contextmanager
def open_bytes(path: Path) -> Iterator[IO[bytes]]:
    """The file's content, decompressed as its suffix says (as pandas does)."""
    suffix = path.suffix.lower()
    if suffix in STREAMS:
        with STREAMS[suffix](path, "rb") as file:
            yield cast(IO[bytes], file)
    elif suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            if len(names) != 1:
                raise DataValidationError(
                    f"{path} holds {len(names)} files; a zip must hold exactly one CSV file "
                    "(unzip it and set dataset.path to the CSV)"
                )
            with archive.open(names[0]) as file:
                yield file
    else:
        with path.open("rb") as file:
            yield file


def content_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first `size` bytes of the (decompressed) content."""
    try:
        with open_bytes(path) as file:
            return file.read(size)
    except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as error:
        raise DataValidationError(
            f"{path} cannot be decompressed ({error}); re-create it, or save it uncompressed "
            "and set dataset.path to that file"
        ) from None


def codec_name(encoding: str) -> str:
    """Python's canonical name of `encoding`, or a ConfigError naming the key."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ConfigError(
            f"dataset.encoding {encoding!r} is not an encoding Python knows; set it to the "
            "file's text encoding, e.g. dataset.encoding=utf-8, cp1252, latin-1 or utf-16"
        )
    return info.name


def text_encoding(head: bytes, encoding: str, path: Path) -> str:
    """The encoding to read with: the configured one, refined by a byte-order mark (a UTF-8 mark is
    dropped so that the first column's name is clean); an error when the bytes contradict it."""
    name = codec_name(encoding)
    for bom, family in BOMS:
        if head.startswith(bom):
            wanted = "utf-8" if family == "utf-8-sig" else family
            if name.startswith(wanted):
                return family
            raise DataValidationError(
                f"{path} starts with a {wanted.upper()} byte-order mark but dataset.encoding is "
                f"{encoding!r}; set dataset.encoding={wanted}"
            )
    wide = name.startswith(("utf-16", "utf-32"))
    nul = head.find(b"\x00")
    if nul >= 0 and not wide:
        guess = wide_guess(head)
        if guess is None:
            raise DataValidationError(
                f"{path} holds a NUL byte at offset {nul}, which text files do not; it is not "
                "a CSV file: check dataset.path"
            )
        raise DataValidationError(
            f"{path} is {guess.upper()} text without a byte-order mark (NUL bytes between the "
            f"characters); set dataset.encoding={guess}"
        )
    if wide and nul < 0 and head:
        raise DataValidationError(
            f"{path} has neither a byte-order mark nor NUL bytes, so it is not {name.upper()} "
            "text; set dataset.encoding to the file's encoding, e.g. utf-8"
        )
    if name in ("utf-16", "utf-32") and nul >= 0:
        return wide_guess(head) or name  # no mark: the byte order from where the NULs sit
    return encoding


def wide_guess(head: bytes) -> str | None:
    """UTF-16/32 and its byte order from the positions of NUL bytes in mostly-ASCII text."""
    sample = head[: len(head) // 4 * 4]
    if len(sample) < 4:
        return None
    share = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
    if min(share[1:]) > 0.9 and share[0] < 0.5:
        return "utf-32-le"
    if min(share[:3]) > 0.9 and share[3] < 0.5:
        return "utf-32-be"
    odd, even = (share[1] + share[3]) / 2, (share[0] + share[2]) / 2
    if odd > 0.6 and even < 0.2:
        return "utf-16-le"
    if even > 0.6 and odd < 0.2:
        return "utf-16-be"
    return None


def mojibake_warning(head: bytes, encoding: str, path: Path) -> str | None:
    """A warning when a single-byte encoding is configured for bytes that are valid UTF-8 with
    non-ASCII text: 'é' would be read as 'Ã©'."""
    name = codec_name(encoding)
    if name.startswith("utf") or head.isascii():
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    sample = next(c for c in text if ord(c) > 127)
    try:
        misread = sample.encode("utf-8").decode(encoding)
    except UnicodeDecodeError:
        return None
    return (
        f"{path} is valid UTF-8 but dataset.encoding is {encoding!r}: {sample!r} is read as "
        f"{misread!r}; set dataset.encoding=utf-8 unless the file really is {encoding}"
    )
