"""Time the wide-table paths on MNIST: the validate checks on the raw table (70,000 rows x 785
columns), the correlation analysis on the 60,000 training rows, and, given a fitted model, the
explain analysis on the 10,000 test rows; and the size of reports/correlation.json.

    .venv/bin/python benchmarks/wide.py [--model models/model.pkl] [--cores 1]

The MNIST files are read from data/mnist (dataset=mnist). Settings are the shipped defaults of
params/; times are wall-clock with the load average beside them (a shared machine's other
processes show up in any single timing).

Not part of the test suite: the full frame takes a minute or more.
"""

from __future__ import annotations

import argparse
import gzip
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pipeline.config import DatasetConfig, from_mapping
from pipeline.correlation.analysis import correlate
from pipeline.correlation.config import CorrelationConfig
from pipeline.data.checks import ValidationConfig, validate
from pipeline.explain.analysis import explain
from pipeline.explain.config import ExplainConfig
from pipeline.io import dumps_json, read_pickle
from pipeline.models.threads import cores
from pipeline.schema import Schema

ROOT = Path(__file__).resolve().parent.parent
FILES = ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz")
LABELS = ("train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def mnist() -> pd.DataFrame:
    """The 70,000 digits in the official order, as the mnist loader's table."""

    def idx(name: str, offset: int) -> np.ndarray:
        return np.frombuffer(gzip.open(ROOT / "data/mnist" / name).read(), np.uint8, offset=offset)

    images = np.vstack([idx(f, 16).reshape(-1, 784) for f in FILES])
    labels = np.concatenate([idx(f, 8) for f in LABELS])
    names = [f"pixel_{r:02d}_{c:02d}" for r in range(28) for c in range(28)]
    return pd.DataFrame(images, columns=names).assign(digit=labels.astype(np.int64))


def section(cls: type, name: str):  # noqa: ANN201
    raw = yaml.safe_load((ROOT / f"params/{name}/default.yaml").read_text())
    return from_mapping(cls, raw, name)


def timed(what: str, call):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    out = call()
    print(f"{what}: {time.perf_counter() - start:.1f} s (load {os.getloadavg()[0]:.1f})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--cores", type=int, default=1)
    args = parser.parse_args()
    frame = mnist()
    dataset = DatasetConfig(
        name="mnist", source="data/mnist", target="digit", task="multiclass",
        positive_label=None, sensitive=(), official_split=True, image_shape=(28, 28),
    )  # fmt: skip
    correlation = section(CorrelationConfig, "correlation")
    report = timed("validate checks (70,000 rows)", lambda: validate(
        frame, dataset, section(ValidationConfig, "validation"), "classification", correlation,
    ))  # fmt: skip
    print(f"  {len(report.warnings)} warnings: {[w.check for w in report.warnings]}")
    features = tuple(c for c in frame.columns if c != "digit")
    schema = Schema("multiclass", "digit", features, (), (), tuple(range(10)), tuple(range(10)))
    train, test = frame.iloc[:60000], frame.iloc[60000:].reset_index(drop=True)
    analysis = timed("correlation analysis (60,000 rows)",
                     lambda: correlate(train, schema, correlation, (), 42))  # fmt: skip
    text = dumps_json(analysis.result.to_json())
    print(f"  correlation.json: {len(text.encode()) / 1e6:.2f} MB")
    if args.model is not None:
        model = read_pickle(args.model)
        pairs = analysis.result.to_json()["pairs"]
        settings = section(ExplainConfig, "explain")
        with cores(args.cores):
            result, _ = timed(f"explain analysis (10,000 rows, {args.cores} core)", lambda: explain(
                model, test, schema, [], None, pairs, settings, 30, 42,
            ))  # fmt: skip
        print(f"  {result.screening.method if result.screening else 'not screened'}")
        print(f"  top: {[(i.name, round(i.mean, 4)) for i in result.ranked()[:5]]}")


if __name__ == "__main__":
    main()
