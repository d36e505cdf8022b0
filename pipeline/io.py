"""Atomic, deterministic writers and the matching readers."""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.text import csv_cell

PICKLE_PROTOCOL = 5
# Significant digits of every float written to JSON and CSV. Ten is more than any statistic here
# means (a p-value or an interval needs two or three), and few enough that a difference in the
# last bits of a libm or SIMD function between two CPUs changes the written number only when it
# falls within about 1e-6 of a rounding boundary's relative width, so outputs stay byte-identical.
FLOAT_DIGITS = 10


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=final.parent, prefix=f".{final.name}.", suffix=f".tmp{final.suffix}"
    )
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def strict(value: Any) -> Any:
    """Return `value` with NaN and infinities replaced by None, numpy scalars made plain and
    floats rounded to FLOAT_DIGITS significant digits."""
    if isinstance(value, dict):
        return {str(k): strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float):
        return float(f"{value:.{FLOAT_DIGITS}g}") if math.isfinite(value) else None
    return value


def dumps_json(data: Any) -> str:
    """Strict JSON: sorted keys, no NaN or Infinity, a trailing newline."""
    return json.dumps(strict(data), sort_keys=True, indent=2, allow_nan=False) + "\n"


def write_json(path: str | Path, data: Any) -> None:
    write_text(path, dumps_json(data))


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_parquet(path: str | Path, frame: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")


def write_csv(path: str | Path, frame: pd.DataFrame) -> None:
    """`frame` as CSV: floats to FLOAT_DIGITS digits, and text cells (header included) that a
    spreadsheet would run as formulas quoted (`text.csv_cell`); numbers are written as they are."""
    safe = frame.copy()
    safe.columns = [csv_cell(column) for column in frame.columns]
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        if column.dtype == object or isinstance(column.dtype, pd.CategoricalDtype | pd.StringDtype):
            safe.isetitem(i, column.astype(object).map(csv_cell))
    write_text(
        path, safe.to_csv(index=False, lineterminator="\n", float_format=f"%.{FLOAT_DIGITS}g")
    )


def write_pickle(path: str | Path, obj: Any) -> None:
    write_bytes(path, pickle.dumps(obj, protocol=PICKLE_PROTOCOL))


def read_pickle(path: str | Path) -> Any:
    with open(path, "rb") as handle:
        return pickle.load(handle)


def file_digest(path: str | Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file's bytes (MD5 is what DVC records in dvc.lock)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, algorithm).hexdigest()


def sha256_file(path: str | Path) -> str:
    return file_digest(path, "sha256")
