"""The software a result was made with: part of the result, shown in reports and run records."""

from __future__ import annotations

import platform
from importlib import metadata

PACKAGES = (
    "dvc", "hydra-core", "scikit-learn", "pandas", "numpy", "scipy", "pyarrow", "fairlearn",
    "matplotlib", "mlflow",
)  # fmt: skip


def versions() -> dict[str, str]:
    """Python's version and those of the packages the pipeline's results depend on."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
