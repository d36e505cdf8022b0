"""The train and test splits as MLflow dataset inputs, and the column schema MLflow gives a frame.

A dataset's digest is its file's MD5, the hash DVC records in dvc.lock, so a run's inputs can be
matched with the DVC outputs that made them.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline.io import file_digest

SCHEMA_SAMPLE_ROWS = 1000


@dataclass(frozen=True)
class Split:
    """A data split logged as a dataset input."""

    name: str  # e.g. adult-train
    context: str  # training or evaluation
    path: str
    frame: pd.DataFrame


def sample(frame: pd.DataFrame, rows: int = SCHEMA_SAMPLE_ROWS) -> pd.DataFrame:
    """The first `rows` rows plus the first row missing each column: the same schema as the whole
    frame (types come from the dtypes; a column with a missing value is optional), found fast."""
    index = set(frame.index[:rows])
    for column in frame.columns[frame.isna().any()]:
        index.add(frame.index[frame[column].isna()][0])
    return frame.loc[sorted(index)]


@contextlib.contextmanager
def data_types_kept() -> Iterator[None]:
    """Silence MLflow's hint that integer columns cannot hold NaN: the data's own types are kept
    on purpose (int64 does not convert safely to float64), so the model takes the frame as it is."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer column")
        yield


def column_schema(frame: pd.DataFrame) -> Any:
    """MLflow's column schema of `frame`, as its dataset and signature inference would give it."""
    from mlflow.models import infer_signature

    with data_types_kept():
        return infer_signature(sample(frame)).inputs


def dataset_input(split: Split) -> Any:
    """A dataset input: digest is the file's MD5 (DVC's hash in dvc.lock), source its path."""
    from mlflow.entities import Dataset, DatasetInput, InputTag
    from mlflow.utils.mlflow_tags import MLFLOW_DATASET_CONTEXT

    frame = split.frame
    dataset = Dataset(
        name=split.name,
        digest=file_digest(split.path, "md5"),  # as dvc.lock records it
        source_type="local",
        source=json.dumps({"uri": split.path}),
        schema=json.dumps({"mlflow_colspec": column_schema(frame).to_dict()}),
        profile=json.dumps({"num_rows": len(frame), "num_elements": int(frame.size)}),
    )
    tag = InputTag(key=MLFLOW_DATASET_CONTEXT, value=split.context)
    return DatasetInput(dataset=dataset, tags=[tag])
