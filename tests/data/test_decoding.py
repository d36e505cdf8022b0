"""Decoding failures: the first bad line and byte, and the fix that fits the whole file."""

from pathlib import Path

import pytest

from pipeline.data.decoding import decoding_error, scan


def error_for(path: Path, encoding: str) -> str:
    try:
        path.read_bytes().decode(encoding)
    except UnicodeDecodeError as error:
        return str(decoding_error(path, encoding, error))
    raise AssertionError("the file decodes")


def test_scan_counts_lines_and_finds_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    lines = ["a,b\n", "é,1\n", "x,2\n", "ü,3\n", "ß,4\n"]
    codecs = ["utf-8", "utf-8", "utf-8", "cp1252", "utf-8"]
    path.write_bytes(b"".join(t.encode(c) for t, c in zip(lines, codecs, strict=True)))
    found = scan(path, "utf-8")
    assert (found.bad_lines, found.utf8_lines) == (1, 2)
    assert found.first_bad is not None
    assert (found.first_bad.line, found.first_bad.column, found.first_bad.byte) == (4, 1, 0xFC)


def test_a_windows_export_throughout_suggests_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "win.csv"
    path.write_bytes("name,y\nJosé,1\nx,0\n“quoted”,1\n".encode("cp1252"))
    message = error_for(path, "utf-8")
    assert "line 2 has byte 0xE9 at position 4" in message
    assert message.endswith("set dataset.encoding=cp1252 (or latin-1)")


def test_bytes_cp1252_leaves_undefined_suggest_latin1(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"name,y\nJos\xe9,1\nx\x81,0\n")
    assert error_for(path, "utf-8").endswith("set dataset.encoding=latin-1")


def test_mixed_encodings_ask_for_a_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("a,y\né,1\nü,0\n".encode() + "ß,1\n".encode("latin-1"))
    message = error_for(path, "utf-8")
    assert "mixes encodings: 2 lines are UTF-8 but 1 line is not (first: line 4" in message
    assert "re-save the file as UTF-8" in message


@pytest.mark.parametrize(
    ("content", "fix"),
    [("é".encode(), "set dataset.encoding=utf-8"), ("é".encode("cp1252"), "=cp1252")],
)
def test_other_encodings_name_one_that_reads_every_line(
    tmp_path: Path, content: bytes, fix: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,y\nx," + content + b"\n")
    message = error_for(path, "ascii")
    assert "cannot be decoded as 'ascii': line 2" in message and message.endswith(fix)
