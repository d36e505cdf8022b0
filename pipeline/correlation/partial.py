"""Partial correlations: Pearson's r of numeric pairs before and after removing the linear effect
of the configured confounders (`dataset.confounders`), side by side."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline import sums
from pipeline.correlation.coefficients import correlation_matrix, pearson_p, t_test_p
from pipeline.correlation.columns import CategoricalColumn, Column, NumericColumn, numeric_column
from pipeline.correlation.pairs import q_values, row_groups
from pipeline.correlation.rows import PartialCorrelation
from pipeline.correlation.sections import Confounding
from pipeline.errors import ConfigError
from pipeline.schema import Schema

PARTIAL_FIELDS = ["a", "b", "n", "raw", "raw_p", "partial", "partial_p", "confounder_terms"]


def design(columns: Sequence[Column], keep: np.ndarray) -> np.ndarray:
    """Intercept, numeric confounders, and one-hot categorical confounders (first level dropped)."""
    parts = [np.ones((int(keep.sum()), 1))]
    for column in columns:
        if isinstance(column, NumericColumn):
            parts.append(column.values[keep][:, None])
        else:
            codes = column.codes[keep]
            observed = np.unique(codes)
            parts.append((codes[:, None] == observed[None, 1:]).astype(np.float64))
    return np.hstack(parts)


def residual_correlations(matrix: np.ndarray, basis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson matrices of the columns of `matrix` as they are and after removing their
    least-squares fit on `basis` (the partial correlations given the basis columns)."""
    residuals = sums.project_out(matrix.T, basis.T).T
    return correlation_matrix(matrix), correlation_matrix(residuals)


def partial_correlations(
    numeric: Sequence[NumericColumn], confounders: Sequence[Column]
) -> pd.DataFrame:
    """Pearson's r of each pair of `numeric` columns before and after removing the linear effect
    of `confounders` (least-squares residuals), on the rows where the pair and every confounder
    are present. p-values: t test with n - 2 - k degrees of freedom (k confounder regressors)."""
    confounded = np.zeros(len(numeric[0].values) if numeric else 0, dtype=np.bool_)
    for column in confounders:
        confounded |= column.missing
    rows = []
    for group in row_groups(numeric, also_missing=confounded):
        # with `also_missing`, every group has a row mask: the rows the confounders leave
        keep = group.keep if group.keep is not None else ~confounded
        matrix = np.column_stack([c.values[keep] for c in group.members])
        basis = design(confounders, keep)
        raw, partial = residual_correlations(matrix, basis)
        n, k = int(keep.sum()), basis.shape[1] - 1
        index = {c.name: i for i, c in enumerate(group.members)}
        for a, b in group.pairs:
            r, rp = float(raw[index[a], index[b]]), float(partial[index[a], index[b]])
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "n": n,
                    "raw": r,
                    "raw_p": float(pearson_p(r, n)),
                    "partial": rp,
                    "partial_p": float(t_test_p(rp, n - 2 - k)),
                    "confounder_terms": k,
                }
            )
    order = {c.name: i for i, c in enumerate(numeric)}
    rows.sort(key=lambda row: (order[row["a"]], order[row["b"]]))
    return pd.DataFrame(rows, columns=PARTIAL_FIELDS)


def as_number(column: CategoricalColumn) -> NumericColumn:
    """A binary column as 0/1 (its level codes), NaN where missing, without bins."""
    values = np.where(column.codes < 0, np.nan, column.codes.astype(np.float64))
    return numeric_column(column.name, values, bins=None)


def confounding(
    columns: dict[str, Column], schema: Schema, confounders: tuple[str, ...], alpha: float
) -> tuple[Confounding, pd.DataFrame]:
    """Raw and partial correlations of the numeric columns (and a binary or numeric target as a
    number), controlling for `confounders` (dataset.confounders); also as the CSV table."""
    for name in confounders:
        if name not in columns:
            raise ConfigError(
                f"dataset.confounders names '{name}', which is not a column of the training "
                f"data; columns are {list(columns)}"
            )
    numeric = [
        c for name, c in columns.items()
        if isinstance(c, NumericColumn) and name not in confounders and name != schema.target
    ]  # fmt: skip
    target = columns[schema.target]
    if schema.task == "binary" and isinstance(target, CategoricalColumn):
        numeric.append(as_number(target))
    elif schema.task == "regression" and isinstance(target, NumericColumn):
        numeric.append(target)
    skipped = tuple(sorted(
        name for name, c in columns.items()
        if name not in confounders and name not in {c.name for c in numeric}
    ))  # fmt: skip
    if not confounders:
        note = "no confounders configured (dataset.confounders)"
        return Confounding((), (), skipped, note), pd.DataFrame([])
    pairs = partial_correlations(numeric, [columns[n] for n in confounders])
    pairs["raw_q"] = q_values(pairs["raw_p"])
    pairs["partial_q"] = q_values(pairs["partial_p"])
    pairs["explained"] = (pairs["raw_q"] < alpha) & ~(pairs["partial_q"] < alpha)
    pairs["involves_target"] = (pairs["a"] == schema.target) | (pairs["b"] == schema.target)
    pairs["shrink"] = pairs["raw"].abs() - pairs["partial"].abs()
    pairs = pairs.sort_values(
        ["involves_target", "shrink", "a", "b"], ascending=[False, False, True, True]
    )
    records = pairs.to_dict(orient="records")
    section = Confounding(
        confounders=confounders,
        pairs=tuple(PartialCorrelation.from_json(record) for record in records),
        not_covered=skipped,
        note="categorical columns in not_covered have no partial correlation here; a binary "
        "target enters as 0/1",
    )
    return section, pd.DataFrame(records)
