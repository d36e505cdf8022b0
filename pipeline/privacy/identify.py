"""Re-identification risk of released rows: how many people a few known facts about them (the
quasi-identifiers) single out, and what the rows that share those facts give away.

Rows with the same values of every quasi-identifier form an equivalence class: an outsider who
knows these facts about a person in the data narrows the person down to their class. k is the
smallest class (k-anonymity, Sweeney 2002); a class of one row is a unique person. Per sensitive
attribute, l and t (pipeline/privacy/disclosure.py) say how much a class reveals about it.

A missing quasi-identifier is a value an outsider sees too ("occupation not stated"), so it is a
value of its own: those rows form classes with each other. pycanon, the reference, groups rows
with pandas' default `dropna=True` and so leaves every row with a missing quasi-identifier out of
every class; tests/privacy/test_identify.py shows both.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError, DataValidationError
from pipeline.fairness.groups import bin_labels
from pipeline.privacy.disclosure import AttributeRisk, attribute_risk

QI_KEY = "dataset.quasi_identifiers"  # the config keys that errors name
BANDS_KEY = "dataset.quasi_identifier_bands"
SMALL_CLASS = 5  # classes of fewer rows than this count as small (rows in them: n_below_5)
# Class sizes of the histogram: (label, smallest, largest or None for no limit)
SIZE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-4", 3, 4),
    ("5-9", 5, 9),
    ("10+", 10, None),
)


@dataclass(frozen=True)
class SizeBucket:
    """Classes of `sizes` rows (a SIZE_BUCKETS label), and the rows in them."""

    sizes: str
    classes: int
    rows: int

    def to_json(self) -> dict[str, Any]:
        return {"sizes": self.sizes, "classes": self.classes, "rows": self.rows}


@dataclass(frozen=True)
class Reidentification:
    """How identifiable the rows are from their quasi-identifiers."""

    n_rows: int
    quasi_identifiers: tuple[str, ...]
    bands: dict[str, tuple[float, ...]]  # numeric quasi-identifiers taken in bands: their edges
    n_classes: int  # equivalence classes: distinct combinations of the quasi-identifiers
    k: int  # rows in the smallest class
    n_unique: int  # rows alone in their class
    share_unique: float
    n_below_5: int  # rows in classes of fewer than SMALL_CLASS rows
    share_below_5: float
    sizes: tuple[SizeBucket, ...]
    attributes: tuple[AttributeRisk, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "n_rows": self.n_rows,
            "quasi_identifiers": list(self.quasi_identifiers),
            "bands": {name: [float(e) for e in edges] for name, edges in self.bands.items()},
            "band_labels": {name: bin_labels(edges) for name, edges in self.bands.items()},
            "n_classes": self.n_classes,
            "k": self.k,
            "n_unique": self.n_unique,
            "share_unique": float(self.share_unique),
            "n_below_5": self.n_below_5,
            "share_below_5": float(self.share_below_5),
            "sizes": [bucket.to_json() for bucket in self.sizes],
            "attributes": [attribute.to_json() for attribute in self.attributes],
        }

    def facts(self) -> str:
        """The quasi-identifiers as a reader reads them: "age band, sex and race"."""
        names = [f"{q} band" if q in self.bands else q for q in self.quasi_identifiers]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

    def plain_words(self) -> str:
        """Two to four sentences for the report: what k and the unique rows mean for a person."""
        count = len(self.quasi_identifiers)
        about = "this fact" if count == 1 else f"these {count} facts"
        target = self.attributes[0] if self.attributes else None
        learns = f", and so learns the neighbour's {target.name}" if target else ""
        if self.k == 1:
            words = [
                f"k = 1: {self.n_unique:,} of the {self.n_rows:,} rows ({self.share_unique:.1%}) "
                f"are the only row with their {self.facts()}.",
                f"Someone who knows {about} about a neighbour who is in the data finds exactly "
                f"one row{learns}.",
            ]
        else:
            words = [
                f"k = {self.k}: every combination of {self.facts()} is shared by at least "
                f"{self.k} rows, so {about} about a neighbour point to {self.k} or more people, "
                "never to one row."
            ]
        words.append(
            f"{self.n_below_5:,} rows ({self.share_below_5:.1%}) are in groups of fewer than "
            f"{SMALL_CLASS} look-alikes."
        )
        if target is not None and target.n_homogeneous:
            words.append(
                f"{target.n_homogeneous:,} rows ({target.share_homogeneous:.1%}) are in a group "
                f"whose rows all have the same {target.name} (l = 1), so {about} are enough to "
                f"learn it{', unique rows included' if self.k == 1 else ''}."
            )
        return " ".join(words)


def reidentification(
    frame: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    attributes: Sequence[str],
    bands: Mapping[str, Sequence[float]] | None = None,
    categorical: Collection[str] = (),
) -> Reidentification:
    """k-anonymity, unique rows and class sizes of `frame` by its `quasi_identifiers` (numeric
    ones in `bands` taken by band, each band holding its lower edge), and l and t of each of
    `attributes`: by ordered distance when numeric, unless named in `categorical` (e.g. a class
    label coded as numbers), by equal distance otherwise."""
    edges = check_question(frame, quasi_identifiers, attributes, bands or {})
    if frame.empty:
        raise DataValidationError("the table to assess for re-identification has no rows")
    classes = class_codes(frame, quasi_identifiers, edges)
    size = np.bincount(classes)
    n = len(frame)
    unique = int((size == 1).sum())
    below = int(size[size < SMALL_CLASS].sum())
    buckets = []
    for label, low, high in SIZE_BUCKETS:
        inside = (size >= low) & (size <= (high if high is not None else n))
        buckets.append(SizeBucket(label, int(inside.sum()), int(size[inside].sum())))
    risks = tuple(
        attribute_risk(classes, len(size), frame[name], is_ordered(frame[name], name, categorical))
        for name in attributes
    )
    return Reidentification(
        n_rows=n,
        quasi_identifiers=tuple(quasi_identifiers),
        bands=edges,
        n_classes=len(size),
        k=int(size.min()),
        n_unique=unique,
        share_unique=unique / n,
        n_below_5=below,
        share_below_5=below / n,
        sizes=tuple(buckets),
        attributes=risks,
    )


def is_ordered(column: pd.Series, name: str, categorical: Collection[str]) -> bool:
    """Whether an attribute is compared by ordered distance: numeric, not boolean, not named."""
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    return numeric and name not in categorical


def check_question(
    frame: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    attributes: Sequence[str],
    bands: Mapping[str, Sequence[float]],
) -> dict[str, tuple[float, ...]]:
    """The band edges as floats, once the question is known to fit `frame`."""
    columns = ", ".join(map(str, frame.columns))
    if not quasi_identifiers:
        raise ConfigError(
            f"{QI_KEY} is empty; name the columns an outsider may know about a person, e.g. "
            f"{QI_KEY}=[age, sex] (columns are {columns})"
        )
    for name in quasi_identifiers:
        if name not in frame.columns:
            raise ConfigError(
                f"{QI_KEY} names '{name}', which is not a column of the training split; "
                f"columns are {columns}"
            )
        if list(quasi_identifiers).count(name) > 1:
            raise ConfigError(f"{QI_KEY} names '{name}' twice; name it once")
    for name in attributes:
        if name not in frame.columns:
            raise DataValidationError(
                f"sensitive attribute '{name}' is not a column of the training split; columns "
                f"are {columns}"
            )
    edges = {}
    for name, given in bands.items():
        if name not in quasi_identifiers:
            raise ConfigError(
                f"{BANDS_KEY} names '{name}', which is not in {QI_KEY}; add it there or "
                f"remove it from {BANDS_KEY}"
            )
        edges[name] = band_edges(name, given)
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            raise ConfigError(
                f"{BANDS_KEY} bands '{name}', which is not numeric ({column.dtype}); remove it "
                f"from {BANDS_KEY} to use its values as they are"
            )
    return edges


def band_edges(name: str, given: object) -> tuple[float, ...]:
    """`given` as ascending finite floats, or a ConfigError naming the bands' key."""
    numbers = (
        isinstance(given, Sequence)
        and not isinstance(given, str)
        and len(given) > 0
        and all(isinstance(e, Real) and not isinstance(e, bool) for e in given)
    )
    edges = tuple(float(e) for e in given) if numbers else ()  # type: ignore[attr-defined]
    if not edges or not all(map(math.isfinite, edges)) or any(np.diff(edges) <= 0):
        raise ConfigError(
            f"{BANDS_KEY}['{name}'] is {given!r}; give its band edges as ascending numbers, "
            f"e.g. {BANDS_KEY}={{{name}: [25, 35, 45, 55, 65]}}"
        )
    return edges


def class_codes(
    frame: pd.DataFrame, quasi_identifiers: Sequence[str], bands: Mapping[str, Sequence[float]]
) -> np.ndarray:
    """Each row's equivalence class, 0 .. n_classes - 1 in the order of the sorted combined codes;
    a missing value is a value of its own."""
    classes = np.zeros(len(frame), dtype=np.int64)
    for name in quasi_identifiers:
        column = frame[name]
        if name in bands:
            values = column.to_numpy(dtype=float, na_value=np.nan)
            codes = np.searchsorted(np.asarray(bands[name]), values, side="right")
            levels = len(bands[name]) + 1
        else:
            codes, uniques = pd.factorize(column, sort=False, use_na_sentinel=True)
            levels = len(uniques)
        codes = np.where(pd.isna(column.to_numpy()), levels, codes).astype(np.int64)
        _, classes = np.unique(classes * (levels + 1) + codes, return_inverse=True)
    return classes.astype(np.int64, copy=False)
