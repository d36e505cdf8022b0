"""The user's own table (`dataset=csv`): a CSV file with its delimiter, encoding and missing-value
markers, or a Parquet file (by its extension)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.config import DatasetConfig, from_mapping
from pipeline.data.loaded import Loaded, check_sha256
from pipeline.errors import DataValidationError, first_line
from pipeline.io import sha256_file


@dataclass(frozen=True)
class TableOptions:
    path: str
    delimiter: str = ","
    encoding: str = "utf-8"
    na_values: tuple[str, ...] = ()


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
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(
                path,
                sep=options.delimiter,
                encoding=options.encoding,
                na_values=list(options.na_values),
                keep_default_na=False,
            )
    except (UnicodeDecodeError, LookupError) as error:
        raise DataValidationError(
            f"{path} cannot be decoded as {options.encoding!r} ({error.__class__.__name__}); "
            "set dataset.encoding, e.g. latin-1"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as error:
        raise DataValidationError(
            f"{path} cannot be read: {first_line(error)}; check dataset.delimiter and the file "
            "format"
        ) from None
    return Loaded(frame=frame, source=str(path), license="as given by the user", files=files)
