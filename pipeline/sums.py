"""Sums whose rounding does not depend on the CPU, for every statistic a report carries.

A matrix product (`a @ b`, `np.dot`, `np.einsum`, LAPACK) is summed by a BLAS kernel that OpenBLAS
or numpy choose for the CPU (SSE, AVX2 with FMA, AVX-512, NEON): each kernel adds in its own order
and rounds at its own steps, so the last bits of a result move from one machine to the next. These
functions use only what IEEE 754 rounds the same everywhere (elementwise +, -, *, /, sqrt) and
numpy's pairwise summation along a contiguous axis, whose order is fixed by numpy's own C code
rather than by the CPU. They are slower than BLAS by a small factor, and as accurate (pairwise
summation's error grows with log n, as a blocked kernel's does).
"""

from __future__ import annotations

import numpy as np

CHUNK_VALUES = 1 << 22  # elements of one temporary product (32 MiB of float64)


def rows(matrix: np.ndarray) -> np.ndarray:
    """`matrix` as a C-contiguous float64 array, so that sums along its last axis are pairwise."""
    return np.ascontiguousarray(matrix, dtype=np.float64)


def dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sums of x * y along the last axis (broadcast), in a fixed order: a portable `x @ y`."""
    return np.multiply(x, y).sum(axis=-1)


def gram(columns: np.ndarray) -> np.ndarray:
    """The matrix of dot products between the rows of `columns` (m, n): a portable `c @ c.T`."""
    c = rows(columns)
    m = len(c)
    out = np.empty((m, m))
    for i in range(m):
        out[i, i:] = weighted(c[i:], c[i])
    upper = np.triu_indices(m, 1)
    out[upper[1], upper[0]] = out[upper]
    return out


def weighted(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sums of `values` (n,) weighted by each row of `weights` (r, n): a portable `weights @ v`."""
    w = rows(weights)
    r, n = w.shape
    out = np.empty(r)
    step = max(1, CHUNK_VALUES // max(n, 1))
    for start in range(0, r, step):
        out[start : start + step] = dot(w[start : start + step], values)
    return out


def project_out(columns: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """`columns` (m, n) minus their least-squares fit on the rows of `basis` (k, n).

    Modified Gram-Schmidt, applied twice ("twice is enough", Giraud et al. 2005), so the residuals
    are as orthogonal to the basis as a Householder QR makes them; rows of the basis that add
    nothing (collinear within rounding) are skipped, as a rank-revealing solver would.
    """
    q: list[np.ndarray] = []
    for vector in rows(basis):
        v = vector.copy()
        norm0 = float(np.sqrt(dot(v, v)))
        for _ in range(2):
            for u in q:
                v -= dot(v, u) * u
        norm = float(np.sqrt(dot(v, v)))
        if norm > 1e-10 * max(norm0, 1.0):
            q.append(v / norm)
    residuals = rows(columns).copy()
    for _ in range(2):
        for u in q:
            residuals -= dot(residuals, u)[:, None] * u
    return residuals


def significant(values: np.ndarray, digits: int) -> np.ndarray:
    """`values` rounded to `digits` significant digits by Python's correctly rounded decimal
    formatting (numpy's log10 and power may differ in their last bit between CPUs): a value
    whose last bits moved with the BLAS kernel is the same after it, unless it lies within those
    bits of a rounding boundary."""
    rounded = [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel().tolist()]
    return np.array(rounded, dtype=np.float64).reshape(np.shape(values))
