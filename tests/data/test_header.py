"""The header as written: duplicates, empty names, names differing by whitespace, short headers."""

import csv
import io
from pathlib import Path

from pipeline.data.header import (
    delimiter_hint,
    delimiter_warning,
    first_records,
    header_problem,
    unnamed_fields,
)


def test_good_names_pass() -> None:
    assert header_problem(["age", "Age", "sex", "y"], "f.csv") is None


def test_each_problem_names_the_column_and_the_fix() -> None:
    duplicate = header_problem(["a", "b", "a"], "f.csv")
    assert duplicate == (
        "column name 'a' appears twice in the header of f.csv (columns 1 and 3); rename one of "
        "them in the file's first line"
    )
    empty = header_problem(["a", "", "b"], "f.csv")
    assert empty is not None and empty.startswith(
        "column 2 of 3 in the header of f.csv has no name;"
    )
    trailing = header_problem(["a", "b", " "], "f.csv")
    assert trailing is not None and "delimiter at the end of every line" in trailing
    index = header_problem(["", "a"], "f.csv")
    assert index is not None and "saved row index" in index
    spaced = header_problem(["age", "sex", " age "], "f.csv")
    assert spaced is not None and "'age' and ' age ' in the header of f.csv differ only" in spaced


def test_records_split_as_the_csv_module_does(tmp_path: Path) -> None:
    text = '\n"a;1";"b\nwith newline";c\n1;2;3\n4;5;6\n'
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-16")
    expected = [r for r in csv.reader(io.StringIO(text), delimiter=";") if r][:2]
    assert first_records(path, "utf-16", ";") == expected == [
        ["a;1", "b\nwith newline", "c"], ["1", "2", "3"],
    ]  # fmt: skip


def test_a_first_row_longer_than_the_header_is_found() -> None:
    assert unnamed_fields([["a", "b"], ["1", "2"]], "f.csv") is None
    assert unnamed_fields([["a", "b"]], "f.csv") is None
    message = unnamed_fields([["a", "b"], ["0", "1", "2"]], "f.csv")
    assert message is not None and "names 2 columns but its first row has 3 fields" in message


def test_one_column_holding_a_delimiter_names_the_delimiter_to_set() -> None:
    problem = header_problem(["age;hours;y"], "data/x.csv")
    assert problem is not None and problem.endswith("set dataset.delimiter=';'")
    assert "set dataset.delimiter='\\t'" in str(header_problem(["a\tb"], "x"))
    assert header_problem(["age"], "x") is None  # one plain column: nothing to say here


def test_a_target_inside_a_name_merged_by_the_wrong_delimiter_names_the_fix() -> None:
    names = ["age;hours", " per week;colour;sex;y"]  # `age;hours, per week;...` split at ","
    assert delimiter_hint(names, ",", "y", "f.csv") == (
        "column 'y' (dataset.target) is not in the header of f.csv, whose names hold ';' "
        "('age;hours', ' per week;colour;sex;y'): the file is separated by another delimiter "
        "than ','; set dataset.delimiter=';'"
    )
    assert delimiter_hint(["age", "y"], ",", "y", "f.csv") is None
    assert delimiter_hint(["age", "income"], ",", "y", "f.csv") is None  # a misspelt target
    assert delimiter_hint(["a|b", "y"], ",", "y", "f.csv") is None  # found: a warning only
    warning = delimiter_warning(["a|b", "y"], ",", "f.csv")
    assert warning is not None and "set dataset.delimiter='|'" in warning
    assert delimiter_warning(["a,b", "y"], ",", "f.csv") is None  # the delimiter in use
