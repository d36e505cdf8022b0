"""Cases of the privacy stage: quasi-identifiers that are not columns or bands that cannot apply
(stopped by validate, before anything is fitted), hostile quasi-identifier names, and missing
values in a quasi-identifier, which form classes of their own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from corpus.runner import Case, csv_case, csv_overrides, table

from pipeline.io import read_json

THROUGH_PRIVACY = ("ingest", "validate", "features", "train", "privacy")
HOSTILE = "../../etc/<b>age</b> $x$"


def hostile_names() -> pd.DataFrame:
    return table().rename(columns={"age": HOSTILE})


def classes_match_a_groupby(quasi: list[str], dropna: bool = False):
    """A check: k, classes and unique rows equal a pandas groupby of the training split, and
    the figure is inside the plots folder."""

    def check(folder: Path) -> None:
        (exact,) = read_json(folder / "reports/privacy.json")["reidentification"]
        train = pd.read_parquet(folder / "data/features/train.parquet")
        sizes = train.groupby(quasi, dropna=dropna).size()
        assert exact["quasi_identifiers"] == quasi
        assert (exact["n_classes"], exact["k"]) == (len(sizes), sizes.min())
        assert exact["n_unique"] == (sizes == 1).sum()
        assert (folder / "reports/plots/privacy/privacy.png").is_file()
        assert not (folder / "etc").exists()

    return check


def missing_colour() -> pd.DataFrame:
    frame = table()
    frame.loc[frame.index[::7], "colour"] = np.nan
    return frame


CASES = [
    Case(
        "privacy_quasi_identifier_not_a_column",
        csv_case(table()),
        (*csv_overrides(), "dataset.quasi_identifiers=[age,postcode]"),
        error=r"quasi-identifier 'postcode' \(dataset\.quasi_identifiers\) is missing.*remove it",
    ),
    Case(
        "privacy_bands_of_a_text_column",
        csv_case(table()),
        (
            *csv_overrides(),
            "dataset.quasi_identifiers=[age,colour]",
            "dataset.quasi_identifier_bands={colour:[1,2]}",
        ),  # fmt: skip
        error=r"quasi_identifier_bands bands 'colour', which is not numeric",
    ),
    Case(
        "privacy_bands_of_a_column_that_is_not_a_quasi_identifier",
        csv_case(table()),
        (
            *csv_overrides(),
            "dataset.quasi_identifiers=[colour]",
            "dataset.quasi_identifier_bands={age:[30,50]}",
        ),  # fmt: skip
        error=r"quasi_identifier_bands names 'age', which is not in dataset\.quasi_identifiers",
    ),
    Case(
        "privacy_hostile_quasi_identifier_name",
        csv_case(hostile_names()),
        (
            *csv_overrides(),
            f"dataset.quasi_identifiers=['{HOSTILE}',colour,sex]",
            "privacy.n_boot=50",
        ),  # fmt: skip
        stages=THROUGH_PRIVACY,
        check=classes_match_a_groupby([HOSTILE, "colour", "sex"]),
    ),
    Case(
        "privacy_missing_values_in_a_quasi_identifier",
        csv_case(missing_colour()),
        (*csv_overrides(), "dataset.quasi_identifiers=[colour,sex]", "privacy.n_boot=50"),
        stages=THROUGH_PRIVACY,
        warnings=(r"colour",),
        check=classes_match_a_groupby(["colour", "sex"]),
    ),
]
