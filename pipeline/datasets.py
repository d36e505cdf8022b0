"""Loaders for every dataset the pipeline knows: each returns the table and where it came from.

All of them work offline: Adult is vendored in data/adult, three tables ship inside scikit-learn,
`synthetic` is generated from the seed, and `csv` reads the user's own file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import DatasetConfig, from_mapping
from pipeline.errors import DataValidationError, first_line
from pipeline.io import sha256_file

ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
    "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week",
    "native-country", "income",
]  # fmt: skip
ADULT_FILES = ("adult.data", "adult.test")
UCI_LICENSE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


@dataclass(frozen=True)
class Loaded:
    frame: pd.DataFrame
    source: str
    license: str
    files: dict[str, str]  # relative file name -> SHA-256 of its bytes


def check_sha256(files: dict[str, str], expected: dict[str, str] | str | None, name: str) -> None:
    """Compare the measured checksums with the configured ones, naming the first mismatch."""
    if expected is None:
        return
    if isinstance(expected, str):
        expected = {next(iter(files)): expected}
    for file, want in expected.items():
        got = files.get(file)
        if got is None:
            raise DataValidationError(f"dataset.sha256 names '{file}', which {name} does not read")
        if got != want:
            raise DataValidationError(
                f"{file}: SHA-256 is {got}, expected {want}; the source file changed "
                "(restore it with git, or update dataset.sha256 if the change is intended)"
            )


def load_adult(config: DatasetConfig) -> Loaded:
    folder = Path(config.source)
    files = {}
    frames = []
    for name in ADULT_FILES:
        path = folder / name
        if not path.is_file():
            raise DataValidationError(f"{path} is missing; restore the vendored files with git")
        files[name] = sha256_file(path)
        frame = pd.read_csv(
            path, header=None, names=ADULT_COLUMNS, skipinitialspace=True, na_values=["?"],
            skiprows=1 if name == "adult.test" else 0, comment="|",
        )  # fmt: skip
        frames.append(frame)
    check_sha256(files, config.sha256, "adult")
    frame = pd.concat(frames, ignore_index=True)
    frame["income"] = frame["income"].str.rstrip(".")
    return Loaded(
        frame=frame,
        source="UCI Machine Learning Repository, Adult (Becker and Kohavi, 1996), "
        "https://archive.ics.uci.edu/dataset/2/adult",
        license=UCI_LICENSE,
        files=files,
    )


def _sklearn_files(*names: str) -> dict[str, str]:
    import sklearn.datasets

    folder = Path(sklearn.datasets.__file__).parent / "data"
    return {f"sklearn/datasets/data/{n}": sha256_file(folder / n) for n in names}


def load_digits(config: DatasetConfig) -> Loaded:
    from sklearn.datasets import load_digits as load

    frame = load(as_frame=True).frame.rename(columns={"target": "digit"})
    return Loaded(
        frame=frame,
        source="scikit-learn load_digits: UCI Optical Recognition of Handwritten Digits",
        license=UCI_LICENSE,
        files=_sklearn_files("digits.csv.gz"),
    )


def load_breast_cancer(config: DatasetConfig) -> Loaded:
    from sklearn.datasets import load_breast_cancer as load

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


def make_synthetic(
    n_rows: int, seed: int, bias: float, proxy_strength: float, plant_leak: bool = False
) -> pd.DataFrame:
    """A binary-label table whose biases and spurious associations are planted, so known.

    - `label` follows a logistic model of x1, x2, color and the confounder z (not of group).
    - In group "b" a label of 1 is flipped to 0 with probability `bias`: group "b"'s base rate is
      (1 - bias) times group "a"'s, in expectation.
    - `region` (10 levels) is a proxy of group: regions r0-r4 for "a", r5-r9 for "b", each row
      keeping its group's half with probability `proxy_strength`.
    - `spurious` = z + noise: associated with the label only through the confounder z.
    - `leak` (with `plant_leak`) is the label flipped with probability 0.002.
    """
    if not 0.0 <= bias <= 1.0 or not 0.0 <= proxy_strength <= 1.0:
        raise DataValidationError("dataset.bias and dataset.proxy_strength must lie in [0, 1]")
    if n_rows < 10:
        raise DataValidationError(f"dataset.n_rows is {n_rows}; use at least 10")
    rng = np.random.default_rng(seed)
    group_b = rng.random(n_rows) < 0.5
    x1 = rng.normal(0.0, 1.0, n_rows)
    x2 = rng.gamma(2.0, 1.0, n_rows)
    z = rng.normal(0.0, 1.0, n_rows)
    spurious = z + rng.normal(0.0, 0.5, n_rows)
    colors = np.array(["red", "green", "blue", "yellow", "purple"])
    color_effect = np.array([0.8, 0.3, 0.0, -0.3, -0.8])
    color_index = rng.integers(0, len(colors), n_rows)
    logit = -0.5 + 1.0 * x1 - 0.4 * (x2 - 2.0) + 1.2 * z + color_effect[color_index]
    label = (rng.random(n_rows) < 1.0 / (1.0 + np.exp(-logit))).astype("int64")
    flipped = group_b & (label == 1) & (rng.random(n_rows) < bias)
    label[flipped] = 0
    keep_half = rng.random(n_rows) < proxy_strength
    region_b = np.where(keep_half, group_b, ~group_b)
    region = rng.integers(0, 5, n_rows) + 5 * region_b
    frame = pd.DataFrame(
        {
            "x1": x1,
            "x2": x2,
            "z": z,
            "spurious": spurious,
            "color": colors[color_index],
            "region": np.char.add("r", region.astype(str)),
            "group": np.where(group_b, "b", "a"),
        }
    )
    if plant_leak:
        frame["leak"] = np.where(rng.random(n_rows) < 0.002, 1 - label, label)
    frame["label"] = label
    return frame


@dataclass(frozen=True)
class SyntheticOptions:
    n_rows: int
    bias: float
    proxy_strength: float
    plant_leak: bool = False


@dataclass(frozen=True)
class FileOptions:
    path: str
    delimiter: str = ","
    encoding: str = "utf-8"
    na_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoOptions:
    """The built-in tables take no options beyond the common dataset keys."""


def load_synthetic(config: DatasetConfig, seed: int) -> Loaded:
    options = from_mapping(SyntheticOptions, config.options, "dataset")
    frame = make_synthetic(
        options.n_rows, seed, options.bias, options.proxy_strength, options.plant_leak
    )
    recipe = f"make_synthetic(n_rows={options.n_rows}, seed={seed}, bias={options.bias}, " + (
        f"proxy_strength={options.proxy_strength}, plant_leak={options.plant_leak})"
    )
    return Loaded(
        frame=frame,
        source=f"pipeline.datasets.{recipe}",
        license="generated by this project (MIT)",
        files={"recipe": hashlib.sha256(recipe.encode()).hexdigest()},
    )


def load_file(config: DatasetConfig) -> Loaded:
    options = from_mapping(FileOptions, config.options, "dataset")
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


def load(config: DatasetConfig, seed: int) -> Loaded:
    """Load the dataset named by `config.name`."""
    loaders = {
        "adult": load_adult,
        "digits": load_digits,
        "breast_cancer": load_breast_cancer,
        "diabetes": load_diabetes,
        "csv": load_file,
    }
    if config.name == "synthetic":
        return load_synthetic(config, seed)
    if config.name not in loaders:
        known = ", ".join(sorted([*loaders, "synthetic"]))
        raise DataValidationError(f"dataset.name {config.name!r} is unknown; use one of {known}")
    if config.name != "csv":
        from_mapping(NoOptions, config.options, "dataset")
    return loaders[config.name](config)
