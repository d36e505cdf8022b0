"""The CSV tables the correlation stage writes beside its JSON result, for `dvc plots` and for
readers who want the numbers in a spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.io import write_csv


@dataclass(frozen=True, eq=False)
class Tables:
    """Each table as computed (NaN for undefined values, the CSV writer's empty cells)."""

    target_associations: pd.DataFrame  # features ranked against the target
    pairs: pd.DataFrame  # every pair, strongest first
    proxies: pd.DataFrame  # features ranked against each sensitive attribute
    partial_correlations: pd.DataFrame  # raw and partial r given the confounders
    random_walks: pd.DataFrame  # histogram of r between independent walks

    def files(self) -> dict[str, pd.DataFrame]:
        """The tables by file name."""
        return {
            "target_associations.csv": self.target_associations,
            "pairs.csv": self.pairs,
            "proxies.csv": self.proxies,
            "partial_correlations.csv": self.partial_correlations,
            "random_walks.csv": self.random_walks,
        }

    def write(self, folder: Path) -> None:
        """Each table as CSV in `folder` (10 significant digits, empty cells for NaN)."""
        for name, frame in self.files().items():
            write_csv(folder / name, frame)
