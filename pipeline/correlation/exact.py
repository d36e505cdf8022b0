"""Correlation matrices of many columns whose bytes do not depend on the CPU, at BLAS speed when
the values are integers.

A BLAS product of integer-valued float64 columns is exact whatever order its kernel adds in, as
long as every partial sum stays below 2**53: each product and each sum is then an integer that
float64 holds without rounding. Pixels (0-255) and average ranks (doubled, so integers) of tens of
thousands of rows qualify; other columns take the portable sums of pipeline/sums.py.
"""

from __future__ import annotations

import numpy as np

from pipeline import sums
from pipeline.correlation.coefficients import r_from_centred

EXACT_LIMIT = 2.0**53  # float64 holds every integer below this exactly


def integer_valued(matrix: np.ndarray) -> bool:
    """Whether every value of `matrix` (rows, columns) is a whole number."""
    return bool(np.all(np.isfinite(matrix)) and np.array_equal(matrix, np.round(matrix)))


def exact_gram(matrix: np.ndarray) -> np.ndarray | None:
    """matrix.T @ matrix, exact, for integer-valued columns whose sums of products cannot reach
    2**53; None otherwise."""
    if matrix.size == 0 or not integer_valued(matrix):
        return None
    largest = float(np.max(np.abs(matrix)))
    if len(matrix) * largest * largest >= EXACT_LIMIT:
        return None
    values = np.asarray(matrix, dtype=np.float64)
    return values.T @ values


def from_gram(gram: np.ndarray, totals: np.ndarray, n: int) -> np.ndarray:
    """Pearson's r between columns from their raw cross products `gram` and sums `totals`, with
    elementwise arithmetic only (the same bytes on every CPU); NaN for constant columns."""
    return r_from_centred(gram - np.outer(totals, totals) / n)  # np.outer is elementwise


def correlations(matrix: np.ndarray) -> np.ndarray:
    """Pearson's r between the columns of `matrix` (rows, columns), without NaN values: exact
    products for integer columns, portable sums (`sums.gram`) otherwise."""
    values = np.asarray(matrix, dtype=np.float64)
    gram = exact_gram(values)
    if gram is None:
        columns = sums.rows(values.T)
        centred = columns - columns.mean(axis=1, keepdims=True)
        centred_gram = sums.gram(centred)
        return from_gram(centred_gram, np.zeros(len(centred_gram)), max(len(values), 1))
    totals = values.sum(axis=0)  # integers below 2**53: exact in any order
    return from_gram(gram, totals, len(values))
