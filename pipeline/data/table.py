"""The user's own table (`dataset=csv`): a CSV file with its delimiter, encoding, number format and
missing-value markers, or a Parquet file (by its extension). Its bytes and header are checked
before pandas parses it, so that a misread becomes an error naming the fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import DatasetConfig, from_mapping
from pipeline.data.decoding import decoding_error
from pipeline.data.header import (
    delimiter_hint,
    delimiter_warning,
    first_records,
    header_problem,
    unnamed_fields,
)
from pipeline.data.loaded import Loaded, check_sha256
from pipeline.data.na_tokens import swallowed, swallowed_warnings
from pipeline.data.parquet import read_parquet
from pipeline.data.sniff import (
    PARQUET_SUFFIXES,
    check_container,
    content_head,
    mojibake_warning,
    read_head,
    text_encoding,
)
from pipeline.errors import ConfigError, DataValidationError, first_line
from pipeline.io import sha256_file


@dataclass(frozen=True)
class TableOptions:
    path: str
    delimiter: str = ","
    encoding: str = "utf-8"
    decimal: str = "."
    thousands: str | None = None
    na_values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        marks = {"dataset.delimiter": self.delimiter, "dataset.decimal": self.decimal}
        if self.thousands is not None:
            marks["dataset.thousands"] = self.thousands
        for key, mark in marks.items():
            if len(mark) != 1 or mark in "\r\n":
                raise ConfigError(f"{key} is {mark!r}; set it to a single character")
        if len(set(marks.values())) < len(marks):
            raise ConfigError(
                f"{', '.join(f'{k}={v!r}' for k, v in marks.items())} share a character; give "
                "each its own (e.g. dataset.delimiter=';' with dataset.decimal=',')"
            )


def load_table(config: DatasetConfig) -> Loaded:
    options = from_mapping(TableOptions, config.options, "dataset")
    path = Path(options.path)
    if not path.is_file():
        raise DataValidationError(
            f"dataset.path '{path}' does not exist; give the path of a CSV or Parquet file "
            "relative to the project folder"
        )
    files = {path.name: sha256_file(path)}
    check_sha256(files, config.sha256, "csv")
    check_container(read_head(path), path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        frame, warnings = read_parquet(path), list[str]()
    else:
        frame, warnings = read_csv(path, options, config.sensitive, config.target)
    return Loaded(
        frame=frame,
        source=str(path),
        license="as given by the user",
        files=files,
        warnings=tuple(warnings),
    )


def read_csv(
    path: Path, options: TableOptions, sensitive: tuple[str, ...], target: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The CSV file as a frame, and the warnings about how it was read; a target that is not in
    the header because the file was split by the wrong delimiter stops here, with the fix."""
    head = content_head(path)
    encoding = text_encoding(head, options.encoding, path)
    warnings = [w for w in [mojibake_warning(head, encoding, path)] if w is not None]
    common: dict[str, Any] = {
        "sep": options.delimiter,
        "encoding": encoding,
        "decimal": options.decimal,
        "thousands": options.thousands,
    }
    try:
        records = first_records(path, encoding, options.delimiter)
        problem = header_problem(records[0] if records else [], str(path))
        names = records[0] if records else []
        if problem is None and target is not None:
            problem = delimiter_hint(names, options.delimiter, target, str(path))
        problem = problem or unnamed_fields(records, str(path))
        if problem is not None:
            raise DataValidationError(problem)
        merged = delimiter_warning(names, options.delimiter, str(path))
        warnings += [merged] if merged is not None else []
        frame = pd.read_csv(
            path, na_values=list(options.na_values), keep_default_na=False, **common
        )
        columns = [c for c in sensitive if c in frame.columns]
        if columns and options.na_values:
            text = pd.read_csv(path, usecols=columns, dtype=str, na_filter=False, **common)
            warnings += swallowed_warnings(swallowed(text, options.na_values))
    except UnicodeDecodeError as error:
        raise decoding_error(path, encoding, error) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as error:
        raise DataValidationError(
            f"{path} cannot be read: {first_line(error)}; check dataset.delimiter and the file "
            "format"
        ) from None
    return frame, warnings
