"""Dataset names to their loaders. All work offline: Adult and MNIST are vendored in data/, three
tables ship inside scikit-learn, `synthetic` is generated from the seed, `csv` reads the user's
file."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.config import DatasetConfig
from pipeline.data.adult import load_adult
from pipeline.data.bundled import load_breast_cancer, load_diabetes, load_digits
from pipeline.data.loaded import Loaded
from pipeline.data.mnist import load_mnist
from pipeline.data.synthetic import load_synthetic
from pipeline.data.table import load_table
from pipeline.errors import DataValidationError

# Loaders of fixed tables; `synthetic` is the one that depends on the seed.
LOADERS: dict[str, Callable[[DatasetConfig], Loaded]] = {
    "adult": load_adult,
    "mnist": load_mnist,
    "digits": load_digits,
    "breast_cancer": load_breast_cancer,
    "diabetes": load_diabetes,
    "csv": load_table,
}


def load(config: DatasetConfig, seed: int) -> Loaded:
    """Load the dataset named by `config.name`."""
    if config.name == "synthetic":
        return load_synthetic(config, seed)
    if config.name not in LOADERS:
        known = ", ".join(sorted([*LOADERS, "synthetic"]))
        raise DataValidationError(f"dataset.name {config.name!r} is unknown; use one of {known}")
    return LOADERS[config.name](config)
