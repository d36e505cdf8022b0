"""The pair table of a wide table (hundreds of columns, such as an image's pixels), bounded.

Every pair with the target or a sensitive attribute, and every pair that involves a categorical
column or one with missing values, gets every coefficient (`pairs.association_table`). Pairs of
complete numeric features, hundreds of thousands of them, are screened at once from one
correlation matrix (Pearson's r, or Spearman's rho when Pearson is not measured), whose p-values
enter the Benjamini-Hochberg family of every pair; only the MAX_PAIRS strongest of them are then
measured in full. The report keeps those, and summarises the rest (counts and a histogram).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.correlation.coefficients import t_test_p
from pipeline.correlation.columns import Column, NumericColumn
from pipeline.correlation.exact import correlations
from pipeline.correlation.pairs import association_table, q_values
from pipeline.correlation.sections import Screening

WIDE_COLUMNS = 50  # above this many columns in the matrix, pairs of features are screened
MAX_PAIRS = 200  # screened pairs measured in full; also the pairs correlation.json lists
HISTOGRAM_EDGES = tuple(round(0.1 * i, 1) for i in range(11))  # of |strength|, 0 to 1


@dataclass(frozen=True, eq=False)
class WideTable:
    """The pairs measured in full (with q-values over every pair), every pair's strength, p and
    q-value, and the summary of the screening."""

    measured: pd.DataFrame  # association_table's rows, plus q_value and mutual_info_q
    family: pd.DataFrame  # a, b, strength, p_value, q_value: every pair
    screening: Screening


def is_wide(names: list[str]) -> bool:
    return len(names) > WIDE_COLUMNS


def screened_names(columns: dict[str, Column], anchors: set[str]) -> list[str]:
    """The features whose pairs are screened: numeric, without missing values."""
    return [
        name
        for name, column in columns.items()
        if name not in anchors and isinstance(column, NumericColumn) and not column.has_missing
    ]


def coefficient_matrices(columns: list[NumericColumn], measures: set[str]) -> dict[str, np.ndarray]:
    """Pearson's r and Spearman's rho (those in `measures`) between complete numeric columns."""
    matrices = {}
    if "pearson" in measures:
        matrices["pearson"] = correlations(np.column_stack([c.values for c in columns]))
    if "spearman" in measures:
        doubled = np.column_stack([2.0 * c.whole.ranks for c in columns])  # integers
        matrices["spearman"] = correlations(doubled)
    return matrices


def screen(columns: list[NumericColumn], measures: set[str]) -> tuple[str, np.ndarray, np.ndarray]:
    """(measure, |coefficient|, p-value) of each pair of `columns`, in the order of the upper
    triangle's rows: Pearson's r, or Spearman's rho when Pearson is not measured."""
    n = len(columns[0].values)
    measure = "pearson" if "pearson" in measures else "spearman"
    r = coefficient_matrices(columns, {measure})[measure][np.triu_indices(len(columns), 1)]
    # Student's t gives Pearson's p-value too (scipy's beta form is the same function), and is
    # ten times as fast over hundreds of thousands of pairs
    return measure, np.abs(r), t_test_p(r, n - 2)


def known_coefficients(
    columns: dict[str, Column], pairs: list[tuple[str, str]], measures: set[str]
) -> dict[tuple[str, str], tuple[int, float, float]]:
    """(n, pearson, spearman) of pairs of complete numeric columns, from one matrix of their
    columns (for `association_table`)."""
    names = sorted({name for pair in pairs for name in pair}, key=list(columns).index)
    block = [columns[name] for name in names]
    matrices = coefficient_matrices(block, measures)  # type: ignore[arg-type]
    nan = np.full((len(names), len(names)), np.nan)
    pearson, spearman = matrices.get("pearson", nan), matrices.get("spearman", nan)
    index = {name: i for i, name in enumerate(names)}
    n = len(block[0].missing)
    return {
        (a, b): (n, float(pearson[index[a], index[b]]), float(spearman[index[a], index[b]]))
        for a, b in pairs
    }


def histogram(strength: np.ndarray) -> tuple[int, ...]:
    """Pairs per tenth of strength (the last bin closed), undefined strengths left out."""
    counts, _ = np.histogram(strength[np.isfinite(strength)], bins=np.array(HISTOGRAM_EDGES))
    return tuple(int(c) for c in counts)


def wide_table(
    columns: dict[str, Column], anchors: set[str], measures: set[str], alpha: float
) -> WideTable:
    """The bounded pair table of `columns` (in matrix order); `anchors` are the target and the
    sensitive attributes, whose pairs are all measured in full."""
    names = list(columns)
    screened = screened_names(columns, anchors) if {"pearson", "spearman"} & measures else []
    inside = set(screened)
    full_pairs = [
        (a, b) for a, b in itertools.combinations(names, 2) if not (a in inside and b in inside)
    ]
    parts = [association_table(columns, measures, full_pairs)]
    screened_family = pd.DataFrame(columns=["a", "b", "strength", "p_value"])
    measure = None
    if len(screened) > 1:
        block = [columns[name] for name in screened]
        measure, strength, p = screen(block, measures)  # type: ignore[arg-type]
        i, j = np.triu_indices(len(screened), 1)
        labels = np.array(screened, dtype=object)
        screened_family = pd.DataFrame(
            {"a": labels[i], "b": labels[j], "strength": strength, "p_value": p}
        )
        order = np.lexsort((j, i, -np.nan_to_num(strength, nan=-1.0)))[:MAX_PAIRS]
        top = [(str(a), str(b)) for a, b in zip(labels[i[order]], labels[j[order]], strict=True)]
        known = known_coefficients(columns, top, measures)
        parts.append(association_table(columns, measures, top, known))
    measured = pd.concat([p for p in parts if len(p)], ignore_index=True)
    keys = ["a", "b"]
    family = pd.concat(
        [
            measured[[*keys, "strength", "p_value"]],
            screened_family.merge(measured[keys], on=keys, how="left", indicator=True)
            .query("_merge == 'left_only'")
            .drop(columns="_merge"),
        ],
        ignore_index=True,
    )
    family["q_value"] = q_values(family["p_value"])
    measured = measured.merge(family[[*keys, "q_value"]], on=keys, how="left", validate="1:1")
    measured.insert(measured.columns.get_loc("mutual_info_p") + 1, "mutual_info_q",
                    q_values(measured["mutual_info_p"]))  # fmt: skip
    tested = family["p_value"].notna().to_numpy()
    p_all, q_all = family["p_value"].to_numpy()[tested], family["q_value"].to_numpy()[tested]
    how = (
        f"{len(screened_family)} pairs of {len(screened)} complete numeric features screened by "
        f"|{measure}| from one correlation matrix; the {min(MAX_PAIRS, len(screened_family))} "
        "strongest of them, and every pair with the target, a sensitive attribute, a categorical "
        "column or one with missing values, measured with every coefficient; q-values over every "
        "pair, mutual_info_q over the pairs measured in full"
        if measure
        else "every pair measured with every coefficient"
    )
    screening = Screening(
        columns=len(names),
        pairs=len(family),
        measured_pairs=len(measured),
        screened_pairs=len(screened_family),
        screened_by=measure,
        listed_pairs=min(MAX_PAIRS, len(measured)),
        significant=int(np.sum(p_all < alpha)),
        significant_after_fdr=int(np.sum(q_all < alpha)),
        strength_edges=HISTOGRAM_EDGES,
        strength_counts=histogram(family["strength"].to_numpy(dtype=np.float64)),
        method=how,
    )
    return WideTable(measured, family, screening)
