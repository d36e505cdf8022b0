"""Cases about reading the user's file: number formats, compression, encodings, containers that
are not CSV, header problems, Parquet types, missing-value markers and text normalisation."""

from __future__ import annotations

import codecs
import gzip
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from corpus.runner import (
    EVERY_STAGE,
    THROUGH_FAIRNESS,
    Case,
    csv_case,
    csv_overrides,
    raw_case,
    table,
)

from pipeline.io import read_json
from pipeline.schema import read_schema

FRENCH = {"red": "rosé", "green": "vert", "blue": "bleu"}
ACCENTED = table().assign(colour=lambda f: f["colour"].map(FRENCH))


def csv_bytes(frame: pd.DataFrame, **to_csv: object) -> bytes:
    return frame.to_csv(index=False, **to_csv).encode()  # type: ignore[call-overload]


def raw(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "data/raw/data.parquet")


def reads_table(folder: Path) -> None:
    """The raw table is table(), value for value, with its column names clean."""
    pd.testing.assert_frame_equal(raw(folder), table(), check_dtype=False)
    assert raw(folder)["hours"].dtype == "float64"


def runs_right(folder: Path) -> None:
    schema = read_schema(folder / "data/features/schema.json")
    assert schema.numeric == ("age", "hours") and schema.labels == ("no", "yes")
    assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9
    reads_table(folder)


def thousands_read_as_numbers(folder: Path) -> None:
    expected = table()["hours"] * 1000
    np.testing.assert_allclose(raw(folder)["hours"].to_numpy(), expected.to_numpy(), rtol=1e-12)


def xlsx(folder: Path) -> None:
    with zipfile.ZipFile(folder / "data/case.csv", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")


def parquet_named_csv(folder: Path) -> None:
    table().to_parquet(folder / "data/case.csv")


def nested_parquet(folder: Path) -> None:
    frame = table()
    address = pa.array([{"city": c, "zip": 1000 + i} for i, c in enumerate(frame["colour"])])
    pq.write_table(pa.Table.from_pandas(frame).append_column("address", address),
                   folder / "data/case.parquet")  # fmt: skip


def decimal_parquet(folder: Path) -> None:
    frame = table()
    hours = pa.array([Decimal(f"{h:.1f}") for h in frame["hours"]], pa.decimal128(6, 1))
    arrow = pa.Table.from_pandas(frame.drop(columns="hours"))
    pq.write_table(arrow.append_column("hours", hours), folder / "data/case.parquet")


def decimal_read_as_float(folder: Path) -> None:
    frame = raw(folder)
    assert frame["hours"].dtype == "float64"
    np.testing.assert_array_equal(frame["hours"].to_numpy(), table()["hours"].to_numpy())


def countries(folder: Path) -> None:
    frame = table()
    frame["country"] = np.where(np.arange(len(frame)) % 3 == 0, "NA", "DE")
    frame.to_csv(folder / "data/case.csv", index=False)


def na_warning_in_the_report(folder: Path) -> None:
    summary = (folder / "reports/summary.md").read_text()
    assert "200 cells 'NA' read as missing" in summary


def na_is_a_group(folder: Path) -> None:
    assert raw(folder)["country"].isna().sum() == 0
    result = read_json(folder / "reports/fairness.json")
    assert "NA" in json.dumps(result["audits"]["country"])


def spelling_variants(folder: Path) -> None:
    frame = table()
    variants = {"yes": ["yes", " yes", "Yes ", "YES"], "no": ["no", "No", "no "]}
    rng = np.random.default_rng(1)
    frame["y"] = [rng.choice(variants[v]) for v in frame["y"]]
    frame.to_csv(folder / "data/case.csv", index=False)


def binary_target(folder: Path) -> None:
    schema = read_schema(folder / "data/features/schema.json")
    assert schema.task == "binary" and schema.labels == ("no", "yes")
    assert sorted(raw(folder)["y"].unique()) == ["no", "yes"]


def utf8_mark_dropped(folder: Path) -> None:
    assert list(raw(folder).columns)[0] == "age"
    reads_table(folder)


def accented_right(folder: Path) -> None:
    assert sorted(raw(folder)["colour"].unique()) == ["bleu", "rosé", "vert"]


# The first 300 rows in UTF-8, the rest appended from a Windows tool in cp1252.
MIXED = csv_bytes(ACCENTED.iloc[:300]) + ACCENTED.iloc[300:].to_csv(
    index=False, header=False
).encode("cp1252")
THOUSANDS = table().assign(hours=lambda f: f["hours"] * 1000)
CASES = [
    Case(
        "comma_decimals_with_semicolons_run_right",
        csv_case(table(), sep=";", decimal=","),
        csv_overrides("case.csv", "y", "[sex]", "dataset.delimiter=';'", "dataset.decimal=','"),
        stages=THROUGH_FAIRNESS,
        check=runs_right,
    ),
    Case(
        "thousands_separators_read_as_numbers",
        csv_case(THOUSANDS, sep=";", float_format="{:,.1f}".format),
        csv_overrides("case.csv", "y", "[sex]", "dataset.delimiter=';'", "dataset.thousands=','"),
        check=thousands_read_as_numbers,
    ),
    Case(
        "gzip_content_named_csv",
        raw_case(gzip.compress(csv_bytes(table()))),
        csv_overrides(),
        error=r"gzip-compressed but its name ends in '\.csv'; rename it to case\.csv\.gz",
    ),
    Case(
        "real_csv_gz_runs",
        raw_case(gzip.compress(csv_bytes(table())), "case.csv.gz"),
        csv_overrides("case.csv.gz"),
        check=reads_table,
    ),
    Case(
        "utf16_with_mark_read_as_utf8",
        raw_case(csv_bytes(ACCENTED).decode().encode("utf-16")),
        csv_overrides(),
        error=r"starts with a UTF-16 byte-order mark .* set dataset\.encoding=utf-16$",
    ),
    Case(
        "utf16_with_mark_and_encoding_runs",
        raw_case(csv_bytes(ACCENTED).decode().encode("utf-16")),
        csv_overrides("case.csv", "y", "[sex]", "dataset.encoding=utf-16"),
        check=accented_right,
    ),
    Case(
        "utf16_without_mark",
        raw_case(csv_bytes(ACCENTED).decode().encode("utf-16-le")),
        csv_overrides(),
        error=r"UTF-16-LE text without a byte-order mark .* set dataset\.encoding=utf-16-le$",
    ),
    Case(
        "utf8_mark_runs_with_a_clean_first_name",
        raw_case(codecs.BOM_UTF8 + csv_bytes(table())),
        csv_overrides(),
        check=utf8_mark_dropped,
    ),
    Case(
        "cp1252_read_as_utf8",
        raw_case(csv_bytes(ACCENTED).decode().encode("cp1252")),
        csv_overrides(),
        error=r"is not UTF-8: line \d+ has byte 0xE9 .* dataset\.encoding=cp1252 \(or latin-1\)$",
    ),
    Case(
        "mixed_encodings",
        raw_case(MIXED),
        csv_overrides("case.csv", "y", "[sex]", "dataset.encoding=utf-8"),
        error=(
            r"mixes encodings: \d+ lines are UTF-8 but \d+ lines are not "
            r"\(first: line 3\d\d .* re-save the file as UTF-8"
        ),
    ),
    Case(
        "unknown_encoding_name",
        csv_case(table()),
        csv_overrides("case.csv", "y", "[sex]", "dataset.encoding=utf-9"),
        error=r"ConfigError: dataset\.encoding 'utf-9' is not an encoding Python knows",
    ),
    Case(
        "xlsx_named_csv",
        xlsx,
        csv_overrides(),
        error=r"is an Excel workbook \(xlsx\), not a CSV file; open it and save the sheet as CSV",
    ),
    Case(
        "parquet_bytes_named_csv",
        parquet_named_csv,
        csv_overrides(),
        error=r"is a Parquet file but its name ends in '\.csv'; rename it to case\.parquet",
    ),
    Case(
        "duplicate_header_name",
        raw_case(b"age,hours,age,y\n" + b"30,40,31,yes\n" * 60),
        csv_overrides("case.csv", "y", "[]"),
        error=r"column name 'age' appears twice in the header of .* \(columns 1 and 3\); rename",
    ),
    Case(
        "empty_header_name",
        raw_case(b",age,sex,y\n" + b"0,30,male,yes\n" * 60),
        csv_overrides(),
        error=r"column 1 of 4 in the header of .* has no name \(a saved row index",
    ),
    Case(
        "header_shorter_than_rows",
        raw_case(b"age,sex,y\n" + b"0,30,male,yes\n" * 60),
        csv_overrides(),
        error=r"names 3 columns but its first row has 4 fields; name every column",
    ),
    Case(
        "nested_parquet_column",
        nested_parquet,
        csv_overrides("case.parquet"),
        error=r"column 'address' of .* is nested \(struct<city: string, zip: int64>\); flatten it",
    ),
    Case(
        "decimal_parquet_runs_numeric",
        decimal_parquet,
        csv_overrides("case.parquet"),
        check=decimal_read_as_float,
    ),
    Case(
        "na_is_a_sensitive_category",
        countries,
        csv_overrides("case.csv", "y", "[sex,country]"),
        stages=EVERY_STAGE,
        warnings=(
            r"^ingest: warning: sensitive column 'country': 200 cells 'NA' read as missing by "
            r"dataset\.na_values; if 'NA' is a category, remove it from dataset\.na_values$",
        ),
        check=na_warning_in_the_report,
    ),
    Case(
        "na_kept_as_a_sensitive_category",
        countries,
        csv_overrides("case.csv", "y", "[sex,country]", "dataset.na_values=['']"),
        stages=THROUGH_FAIRNESS,
        check=na_is_a_group,
    ),
    Case(
        "normalise_text_gives_a_binary_target",
        spelling_variants,
        csv_overrides("case.csv", "y", "[sex]", "dataset.normalise_text=true"),
        stages=("ingest", "validate", "features"),
        warnings=(r"^ingest: normalise_text: values changed per column: 'y' \d+$",),
        check=binary_target,
    ),
]
