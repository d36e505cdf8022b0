"""Partial dependence and ICE curves of a fitted model, with how many rows stand behind each point
of the curve (the data's distribution), computed by `sklearn.inspection.partial_dependence`.

What scikit-learn leaves to its caller is done here: an integer column is evaluated as floats, a
categorical column's grid is built here (sklearn cannot sort text mixed with missing values): its
`max_levels` most frequent values, the missing one included as a level of its own, and a numeric
grid is built from the values present with sklearn's own rule (percentiles, or the unique values
when there are fewer than `grid_resolution`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats.mstats import mquantiles
from sklearn.base import is_classifier
from sklearn.inspection import partial_dependence
from threadpoolctl import threadpool_limits

from pipeline.sums import significant

ICE_JSON_LINES = 50  # ICE lines written to JSON per feature (the first rows of the seeded sample)
MAX_LEVELS = 20  # categorical grid: the most frequent values kept
MISSING_LABEL = "(missing)"  # the label of the grid value "no value" of a categorical column
FULL_RANGE = (0.0, 1.0)
# OpenMP threads for the predictions: one. Each prediction is on a few thousand rows, too few to
# gain from threads, and OpenMP threads that wait for a busy core made it twenty times slower.
OPENMP_THREADS = 1
# Predictions of a model that goes through BLAS (a neural network, a linear model) differ in their
# last bits between CPU kernels; the curves keep this many significant digits, so that every machine
# draws and writes the same (MNIST: one ICE value of 60,000 differed in its tenth digit).
CURVE_DIGITS = 6


@dataclass(frozen=True)
class Dependence:
    """One feature's partial dependence: `average` (outputs, grid) over all `n_rows` rows, ICE
    lines `individual` (outputs, ice rows, grid) for a seeded sample, and `counts[i]`, the rows
    whose value falls in grid cell i (numeric: between the midpoints to the neighbouring grid
    values, the end cells as wide as their neighbour's half; categorical: the rows at that level).
    Rows outside every cell: `missing_rows` (no value; a categorical grid's last value when
    `missing_level`), `below_rows`/`above_rows` (beyond the numeric grid's end cells) and
    `left_out_rows` (in the `left_out_levels` rarer levels beyond `max_levels`). A feature that
    cannot vary (one value, no rows) has `skipped` set and an empty grid."""

    feature: str
    kind: Literal["numeric", "categorical"]
    grid: list[Any]  # numbers, or text labels (MISSING_LABEL for the missing level)
    average: np.ndarray
    individual: np.ndarray
    counts: list[int]
    n_rows: int
    outputs: list[str]  # class labels, or ["prediction"]
    missing_rows: int = 0
    missing_level: bool = False
    left_out_levels: int = 0
    left_out_rows: int = 0
    below_rows: int = 0
    above_rows: int = 0
    percentiles: tuple[float, float] = FULL_RANGE  # numeric: the span of the grid
    skipped: str | None = None
    ice_sample: list[int] = field(default_factory=list)  # row positions of the ICE lines

    @property
    def note(self) -> str:
        """In words: why the feature was skipped, or which evaluated rows stand in no grid cell
        and where the missing values went; empty when every row is in a cell."""
        if self.skipped is not None:
            return f"no partial dependence: {self.skipped}"
        parts = [
            (self.below_rows, "below the grid"),
            (self.above_rows, "above the grid"),
            (0 if self.missing_level else self.missing_rows, "with no value"),
            (self.left_out_rows, f"in {self.left_out_levels} rarer levels not shown"),
        ]
        said = [f"{n} {what}" for n, what in parts if n]
        if self.missing_level and self.missing_rows:
            said.append(f"{self.missing_rows} with no value, shown as {MISSING_LABEL}")
        if not said:
            return ""
        rows = "row" if said[0].startswith("1 ") else "rows"
        head, *rest = said
        first, words = head.split(" ", 1)
        return ", ".join([f"{first} {rows} {words}", *rest])

    def to_json(self) -> dict[str, Any]:
        """Everything but the ICE matrix beyond its first ICE_JSON_LINES lines per output."""
        grid = [str(v) for v in self.grid] if self.kind == "categorical" else self.grid
        return {
            "feature": self.feature,
            "kind": self.kind,
            "grid": [v if isinstance(v, str) else float(v) for v in grid],
            "average": np.asarray(self.average, dtype=np.float64).tolist(),
            "ice": np.asarray(self.individual, np.float64)[:, :ICE_JSON_LINES].tolist(),
            "ice_rows": [int(i) for i in self.ice_sample[:ICE_JSON_LINES]],
            "counts": [int(c) for c in self.counts],
            "n_rows": int(self.n_rows),
            "outputs": list(self.outputs),
            "missing_rows": int(self.missing_rows),
            "missing_level": bool(self.missing_level),
            "left_out_levels": int(self.left_out_levels),
            "left_out_rows": int(self.left_out_rows),
            "below_rows": int(self.below_rows),
            "above_rows": int(self.above_rows),
            "percentiles": [float(p) for p in self.percentiles],
            "skipped": self.skipped,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Dependence:
        """The result as written, with at most ICE_JSON_LINES ICE lines."""
        outputs = list(data["outputs"])
        size = len(data["grid"])
        return cls(
            feature=str(data["feature"]),
            kind=data["kind"],
            grid=list(data["grid"]),
            average=np.asarray(data["average"], np.float64).reshape(len(outputs), size),
            individual=np.asarray(data["ice"], np.float64).reshape(len(outputs), -1, size),
            counts=[int(c) for c in data["counts"]],
            n_rows=int(data["n_rows"]),
            outputs=outputs,
            missing_rows=int(data["missing_rows"]),
            missing_level=bool(data["missing_level"]),
            left_out_levels=int(data["left_out_levels"]),
            left_out_rows=int(data["left_out_rows"]),
            below_rows=int(data["below_rows"]),
            above_rows=int(data["above_rows"]),
            percentiles=(float(data["percentiles"][0]), float(data["percentiles"][1])),
            skipped=data["skipped"],
            ice_sample=[int(i) for i in data["ice_rows"]],
        )


def numeric_grid(
    values: np.ndarray, grid_resolution: int, percentiles: tuple[float, float]
) -> tuple[np.ndarray, tuple[float, float]]:
    """sklearn's grid of the (non-missing) `values`: the unique values when fewer than
    `grid_resolution`, else evenly spaced between the percentiles; when those coincide (a
    column mostly at one value, such as a capital gain), between the minimum and the maximum."""
    uniques = np.unique(values)
    if len(uniques) < grid_resolution:
        return uniques, FULL_RANGE
    low, high = mquantiles(values, prob=list(percentiles), axis=0)
    if np.allclose(low, high):
        low, high, percentiles = uniques[0], uniques[-1], FULL_RANGE
    return np.linspace(low, high, num=grid_resolution, endpoint=True), percentiles


def numeric_counts(values: np.ndarray, grid: np.ndarray) -> tuple[list[int], int, int]:
    """Rows per grid cell (bounded by the midpoints between grid values; the end cells reach half
    their neighbour's gap beyond the end values), and the rows below and above every cell."""
    middles = (grid[1:] + grid[:-1]) / 2
    edges = np.concatenate(
        [[grid[0] - (grid[1] - grid[0]) / 2], middles, [grid[-1] + (grid[-1] - grid[-2]) / 2]]
    )
    cell = np.searchsorted(edges, values, side="right") - 1
    below = int((cell < 0).sum())
    above = int((cell >= len(grid)).sum())
    inside = cell[(cell >= 0) & (cell < len(grid))]
    return np.bincount(inside, minlength=len(grid)).tolist(), below, above


def has_proba(model: Any) -> bool:
    """Whether partial dependence averages class probabilities (else decision values or
    predictions)."""
    return is_classifier(model) and hasattr(model, "predict_proba")


def ordered(levels: Sequence[Any]) -> list[Any]:
    """Levels in sklearn's order (sorted); mixed types by type name, then text."""
    try:
        return sorted(levels)
    except TypeError:
        return sorted(levels, key=lambda v: (type(v).__name__, str(v)))


def skipped(feature: str, kind: Literal["numeric", "categorical"], n_rows: int,
            outputs: list[str], reason: str) -> Dependence:  # fmt: skip
    nothing = np.empty((len(outputs), 0))
    return Dependence(feature, kind, [], nothing, nothing[:, :, None], [], n_rows, outputs,
                      skipped=reason)  # fmt: skip


def output_names(model: Any, classes: Sequence[Any] | None) -> list[str]:
    """What each row of `average` is: the positive class (binary: classes[1]), every class
    (multiclass), or the prediction (regression)."""
    if not is_classifier(model):
        return ["prediction"]
    if classes is None or len(classes) != len(model.classes_):
        raise ValueError(f"classes {classes!r} do not match the model's {list(model.classes_)}")
    return [str(classes[1])] if len(classes) == 2 else [str(c) for c in classes]


def dependence(
    model: Any,
    inputs: pd.DataFrame,
    features: Sequence[str],
    categorical: set[str],
    grid_resolution: int,
    percentiles: Sequence[float],
    ice_rows: int,
    seed: int,
    classes: Sequence[Any] | None,
    max_levels: int = MAX_LEVELS,
) -> list[Dependence]:
    """Each feature's partial dependence over every row of `inputs`, ICE lines for a sample of
    `ice_rows` rows drawn with `seed` (kept in row order), in the order of `features`."""
    outputs = output_names(model, classes)
    n_rows = len(inputs)
    take = min(ice_rows, n_rows)
    sample = np.sort(np.random.default_rng(seed).choice(n_rows, size=take, replace=False))
    frame = inputs.copy()
    found = []
    for feature in features:
        kind: Literal["numeric", "categorical"] = (
            "categorical" if feature in categorical else "numeric"
        )
        column = frame[feature]
        missing = column.isna().to_numpy()
        present = column[~missing]
        if n_rows == 0:
            found.append(skipped(feature, kind, n_rows, outputs, "no rows to evaluate"))
            continue
        extra: dict[str, Any] = {"missing_rows": int(missing.sum())}
        if kind == "numeric":
            values = present.to_numpy(np.float64)
            if len(np.unique(values)) < 2:
                reason = f"one value ({values[0]:g})" if len(values) else "no value in any row"
                found.append(skipped(feature, kind, n_rows, outputs, f"{reason}: nothing varies"))
                continue
            frame[feature] = column.astype(np.float64)  # sklearn refuses integer columns
            span_asked = (float(percentiles[0]), float(percentiles[1]))
            grid, span = numeric_grid(values, grid_resolution, span_asked)
            counts, below, above = numeric_counts(values, grid)
            extra |= {"below_rows": below, "above_rows": above, "percentiles": span}
            custom: list[Any] = grid.tolist()
            labels: list[Any] = custom
        else:
            frequency = present.value_counts(sort=False)
            levels: list[tuple[Any, int]] = [(k, int(n)) for k, n in frequency.items()]
            if missing.any():
                levels.append((None, int(missing.sum())))  # None: the missing level
            levels.sort(key=lambda kv: (-kv[1], str(kv[0])))  # most frequent first, ties by text
            if len(levels) < 2:
                only = "one value" if len(present) else "no value in any row"
                found.append(skipped(feature, kind, n_rows, outputs, f"{only}: nothing varies"))
                continue
            kept, dropped = levels[:max_levels], levels[max_levels:]
            has_missing = any(level is None for level, _ in kept)
            kept_levels = ordered([level for level, _ in kept if level is not None])
            by_level = dict(kept)
            counts = [int(by_level[level]) for level in kept_levels]
            custom = list(kept_levels)
            labels = [str(level) for level in kept_levels]
            if has_missing:
                custom.append(column[missing].iloc[0])  # the missing marker the data holds
                labels.append(MISSING_LABEL)
                counts.append(int(missing.sum()))
            extra |= {
                "missing_level": has_missing,
                "left_out_levels": len(dropped),
                "left_out_rows": int(sum(n for _, n in dropped)),
            }
        with threadpool_limits(limits=OPENMP_THREADS, user_api="openmp"):
            result = partial_dependence(
                model,
                frame,
                [feature],
                kind="both",
                grid_resolution=grid_resolution,
                percentiles=tuple(percentiles),
                categorical_features=[feature] if kind == "categorical" else None,
                custom_values={feature: custom},
                response_method="predict_proba" if has_proba(model) else "auto",
                method="brute",
            )
        frame[feature] = column
        found.append(
            Dependence(
                feature=feature,
                kind=kind,
                grid=labels,
                average=significant(np.asarray(result["average"], np.float64), CURVE_DIGITS),
                individual=significant(
                    np.asarray(result["individual"], np.float64)[:, sample, :], CURVE_DIGITS
                ),
                counts=counts,
                n_rows=n_rows,
                outputs=outputs,
                ice_sample=sample.tolist(),
                **extra,
            )
        )
    return found
