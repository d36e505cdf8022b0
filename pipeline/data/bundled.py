"""The three tables that ship inside scikit-learn: digits, breast_cancer and diabetes.

Their checksums are those of scikit-learn's own data files, so a new scikit-learn release that
changes a table shows up in the provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.config import DatasetConfig, from_mapping
from pipeline.data.loaded import UCI_LICENSE, Loaded
from pipeline.io import sha256_file


@dataclass(frozen=True)
class BundledOptions:
    """The bundled tables take no options beyond the common dataset keys."""


def _sklearn_files(*names: str) -> dict[str, str]:
    import sklearn.datasets

    folder = Path(sklearn.datasets.__file__).parent / "data"
    return {f"sklearn/datasets/data/{n}": sha256_file(folder / n) for n in names}


def load_digits(config: DatasetConfig) -> Loaded:
    from sklearn.datasets import load_digits as load

    from_mapping(BundledOptions, config.options, "dataset")
    frame = load(as_frame=True).frame.rename(columns={"target": "digit"})
    return Loaded(
        frame=frame,
        source="scikit-learn load_digits: UCI Optical Recognition of Handwritten Digits",
        license=UCI_LICENSE,
        files=_sklearn_files("digits.csv.gz"),
    )


def load_breast_cancer(config: DatasetConfig) -> Loaded:
    from sklearn.datasets import load_breast_cancer as load

    from_mapping(BundledOptions, config.options, "dataset")
    bunch = load(as_frame=True)
    frame = bunch.data.copy()
    frame["diagnosis"] = np.asarray(bunch.target_names)[bunch.target.to_numpy()]
    return Loaded(
        frame=frame,
        source="scikit-learn load_breast_cancer: UCI Breast Cancer Wisconsin (Diagnostic)",
        license=UCI_LICENSE,
        files=_sklearn_files("breast_cancer.csv"),
    )


def load_diabetes(config: DatasetConfig) -> Loaded:
    from sklearn.datasets import load_diabetes as load

    from_mapping(BundledOptions, config.options, "dataset")
    bunch = load(as_frame=True, scaled=False)
    frame = bunch.frame.rename(columns={"target": "progression"})
    frame["sex"] = frame["sex"].astype("int64")
    return Loaded(
        frame=frame,
        source="scikit-learn load_diabetes (unscaled): Efron, Hastie, Johnstone and Tibshirani, "
        "Least Angle Regression, Annals of Statistics 32(2), 2004",
        license="distributed with scikit-learn (BSD-3-Clause)",
        files=_sklearn_files("diabetes_data_raw.csv.gz", "diabetes_target.csv.gz"),
    )
