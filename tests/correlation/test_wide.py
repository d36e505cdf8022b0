"""A wide table (hundreds of columns, like pixels): the pairs are screened from one exact matrix,
the report stays bounded, constant columns are left out with a count, and the numbers agree with
scipy's."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control, pearsonr

from pipeline.correlation.analysis import correlate
from pipeline.correlation.exact import correlations, exact_gram
from pipeline.correlation.wide import MAX_PAIRS
from pipeline.io import dumps_json as json_text
from pipeline.schema import Schema

COLUMNS, CONSTANT = 120, 20  # more columns than wide.WIDE_COLUMNS, more pairs than MAX_PAIRS


def pixels(
    n: int = 300, columns: int = COLUMNS, constant: int = CONSTANT, seed: int = 3
) -> pd.DataFrame:
    """Integer 'pixels' 0-255, mostly zero, a few constant, two near-copies, and a 3-class
    target that two of the pixels predict."""
    rng = np.random.default_rng(seed)
    ink = rng.random((n, columns)) < 0.3
    values = np.where(ink, rng.integers(1, 256, (n, columns)), 0).astype(np.uint8)
    values[:, :constant] = 0
    values[:, constant + 1] = np.minimum(values[:, constant].astype(int) + 1, 255)  # a near-copy
    digit = rng.integers(0, 3, n)
    values[:, -1] = np.where(digit == 2, 200, rng.integers(0, 60, n))
    values[:, -2] = np.where(digit == 1, 150, rng.integers(0, 30, n))
    frame = pd.DataFrame(values, columns=[f"pixel_{i:03d}" for i in range(columns)])
    frame["digit"] = digit
    return frame


def schema_of(frame: pd.DataFrame) -> Schema:
    features = tuple(c for c in frame.columns if c != "digit")
    return Schema("multiclass", "digit", features, (), (), (0, 1, 2), (0, 1, 2))


@pytest.fixture(scope="module")
def wide_result(request: pytest.FixtureRequest):
    frame = pixels()
    raw = {
        "measures": ("pearson", "spearman", "eta", "cramers_v", "mutual_info"),
        "bins": 10, "max_levels": 100, "alpha": 0.05, "proxy_threshold": 0.3,
        "leakage_threshold": 0.99, "random_walks": 200, "random_walk_threshold": 0.66,
        "null_matrices": 3,
    }  # fmt: skip
    from pipeline.correlation.config import CorrelationConfig

    return frame, correlate(frame, schema_of(frame), CorrelationConfig(**raw), (), 0)


def test_exact_gram_is_blas_exact_and_refuses_what_it_cannot_hold() -> None:
    rng = np.random.default_rng(0)
    values = rng.integers(0, 256, (500, 30)).astype(np.float64)
    gram = exact_gram(values)
    assert gram is not None
    exact = values.astype(np.int64).T @ values.astype(np.int64)  # integer arithmetic: the oracle
    np.testing.assert_array_equal(gram, exact.astype(np.float64))
    assert exact_gram(values + 0.5) is None  # not integers
    assert exact_gram(np.full((3, 2), 2.0**26)) is None  # sums of products reach 2**53
    r = correlations(values)
    np.testing.assert_allclose(r, np.corrcoef(values, rowvar=False), atol=1e-12)
    # the same bytes whatever order the columns come in
    flipped = correlations(values[:, ::-1])[::-1, ::-1]
    np.testing.assert_array_equal(r, flipped)
    with_constant = correlations(np.column_stack([values[:, :3], np.ones(500)]))
    assert np.isnan(with_constant[3]).all() and np.isnan(with_constant[:, 3]).all()


def test_a_wide_table_is_screened_and_bounded(wide_result) -> None:
    frame, analysis = wide_result
    result = analysis.result
    screening = result.screening
    features = COLUMNS - CONSTANT
    assert result.constant_columns == tuple(f"pixel_{i:03d}" for i in range(CONSTANT))
    assert any(f"{CONSTANT} constant columns" in w for w in result.warnings)
    assert screening.columns == features + 1
    assert screening.pairs == (features + 1) * features // 2
    assert screening.screened_pairs == features * (features - 1) // 2
    assert screening.measured_pairs == features + MAX_PAIRS
    assert sum(screening.strength_counts) == screening.pairs
    assert len(result.pairs) == MAX_PAIRS
    assert len(result.target_associations) == features
    # the matrix keeps the target and the features most associated with it
    assert len(result.matrix.columns) == 40 and result.matrix.total == features + 1
    planted = {"digit", f"pixel_{COLUMNS - 1:03d}", f"pixel_{COLUMNS - 2:03d}"}
    assert planted <= set(result.matrix.columns)
    text = json_text(result.to_json())
    assert len(text) < 450_000 and "NaN" not in text  # every pair in full: about 3.5 MB
    assert json.loads(text)["screening"]["pairs"] == screening.pairs


def test_the_strongest_pairs_and_q_values_agree_with_scipy(wide_result) -> None:
    frame, analysis = wide_result
    result = analysis.result
    top = result.pairs[0]
    assert (top.a, top.b) == (f"pixel_{CONSTANT:03d}", f"pixel_{CONSTANT + 1:03d}")  # near-copy
    expected = pearsonr(frame[top.a], frame[top.b])
    assert top.pearson == pytest.approx(expected.statistic, abs=1e-12)
    # q-values over every pair: Benjamini-Hochberg of scipy's p-values of every pair
    kept = [c for c in frame.columns if c not in result.constant_columns and c != "digit"]
    r = np.corrcoef(frame[kept].to_numpy(np.float64), rowvar=False)[np.triu_indices(len(kept), 1)]
    n = len(frame)
    from scipy.stats import beta

    p = 2 * beta.sf((np.abs(r) + 1) / 2, n / 2 - 1, n / 2 - 1)
    target_p = [row.p_value for row in analysis.tables.target_associations.itertuples()]
    q = false_discovery_control(np.concatenate([p, target_p]), method="bh")
    assert result.screening.significant_after_fdr == int(np.sum(q < 0.05))
    listed = {(p.a, p.b): p.q_value for p in result.pairs if p.b != "digit"}
    i, j = np.triu_indices(len(kept), 1)
    by_pair = dict(zip(zip(np.array(kept)[i], np.array(kept)[j], strict=True), q[: len(r)],
                       strict=True))  # fmt: skip
    for pair, value in list(listed.items())[:20]:
        assert value == pytest.approx(by_pair[pair], rel=1e-9)


def test_wide_bytes_are_deterministic(wide_result) -> None:
    frame, analysis = wide_result
    from pipeline.correlation.config import CorrelationConfig

    again = correlate(frame, schema_of(frame), analysis.result.config, (), 0)
    assert isinstance(analysis.result.config, CorrelationConfig)
    assert json_text(again.result.to_json()) == json_text(analysis.result.to_json())
