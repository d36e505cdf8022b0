"""Byte-level diagnosis: the container a file really is, and the encoding its bytes imply."""

import codecs
import gzip
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.data.sniff import (
    check_container,
    codec_name,
    content_head,
    mojibake_warning,
    text_encoding,
    wide_guess,
)
from pipeline.errors import ConfigError, DataValidationError

TEXT = "a,b,y\n1.5,é,yes\n2,x,no\n"


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def parquet_bytes(tmp_path: Path) -> bytes:
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "t.parquet")
    return (tmp_path / "t.parquet").read_bytes()


def test_containers_that_contradict_the_name_are_errors(tmp_path: Path) -> None:
    cases = {
        "gz.csv": (gzip.compress(TEXT.encode()), r"gzip-compressed .* rename it to gz\.csv\.gz"),
        "book.csv": (xlsx_bytes(), r"Excel workbook \(xlsx\).*save the sheet as CSV"),
        "book.xlsx": (xlsx_bytes(), r"Excel workbook \(xlsx\)"),
        "old.csv": (codecs.decode("d0cf11e0a1b11ae1", "hex") + b"\0" * 8, r"97-2003"),
        "pq.csv": (parquet_bytes(tmp_path), r"Parquet file .* rename it to pq\.parquet"),
        "text.parquet": (TEXT.encode(), r"not a Parquet file .* rename it to text\.csv"),
        "plain.csv.gz": (TEXT.encode(), r"not gzip-compressed .* rename it to plain\.csv"),
    }
    for name, (content, message) in cases.items():
        with pytest.raises(DataValidationError, match=message):
            check_container(content, Path(name))


def test_containers_that_match_the_name_pass(tmp_path: Path) -> None:
    check_container(TEXT.encode(), Path("a.csv"))
    check_container(gzip.compress(TEXT.encode()), Path("a.csv.gz"))
    check_container(parquet_bytes(tmp_path), Path("a.parquet"))
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(TEXT.encode()))
    assert content_head(path) == TEXT.encode()


def test_byte_order_marks_choose_or_contradict_the_encoding() -> None:
    path = Path("f.csv")
    assert text_encoding(codecs.BOM_UTF8 + b"a,b\n", "utf-8", path) == "utf-8-sig"
    assert text_encoding(TEXT.encode("utf-16"), "utf-16", path) == "utf-16"
    assert text_encoding(TEXT.encode("utf-16"), "UTF-16LE", path) == "utf-16"
    assert text_encoding(TEXT.encode("utf-32"), "utf-32", path) == "utf-32"
    with pytest.raises(
        DataValidationError, match="UTF-16 byte-order mark.*dataset.encoding=utf-16"
    ):
        text_encoding(TEXT.encode("utf-16"), "utf-8", path)
    with pytest.raises(
        DataValidationError, match="UTF-32 byte-order mark.*dataset.encoding=utf-32"
    ):
        text_encoding(TEXT.encode("utf-32"), "utf-16", path)
    with pytest.raises(DataValidationError, match="UTF-8 byte-order mark.*dataset.encoding=utf-8"):
        text_encoding(codecs.BOM_UTF8 + b"a\n", "cp1252", path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_text_without_a_mark_is_recognised_by_its_nul_bytes(codec: str) -> None:
    content = (TEXT * 20).encode(codec)  # Python's codec is the oracle
    assert wide_guess(content) == codec
    with pytest.raises(DataValidationError, match=f"set dataset.encoding={codec}$"):
        text_encoding(content, "utf-8", Path("f.csv"))
    assert text_encoding(content, codec.split("-l")[0].split("-b")[0], Path("f.csv")) == codec


def test_nul_bytes_in_other_files_and_utf16_named_for_plain_text() -> None:
    with pytest.raises(DataValidationError, match="NUL byte at offset 4.*not a CSV file"):
        text_encoding(b"a,b\n\x00\x01\x02\xff" * 3, "utf-8", Path("f.csv"))
    with pytest.raises(DataValidationError, match="not UTF-16 text; set dataset.encoding"):
        text_encoding(TEXT.encode(), "utf-16", Path("f.csv"))
    assert text_encoding(TEXT.encode(), "latin-1", Path("f.csv")) == "latin-1"


def test_unknown_and_non_text_encodings_are_config_errors() -> None:
    assert codec_name("UTF8") == "utf-8" and codec_name("latin1") == "iso8859-1"
    for name in ("klingon", "hex", "base64"):
        with pytest.raises(ConfigError, match=f"dataset.encoding '{name}' is not an encoding"):
            codec_name(name)


def test_utf8_read_as_a_single_byte_encoding_is_warned() -> None:
    warning = mojibake_warning(TEXT.encode(), "latin-1", Path("f.csv"))
    assert warning is not None and "'é' is read as 'Ã©'" in warning
    assert mojibake_warning(TEXT.encode("cp1252"), "cp1252", Path("f.csv")) is None
    assert mojibake_warning(TEXT.encode(), "utf-8", Path("f.csv")) is None
