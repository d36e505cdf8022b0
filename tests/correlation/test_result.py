"""The typed result: reads the committed reports/correlation.json back to the same bytes, and
gives the metrics, figures and sections every reader uses."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from helpers import ROOT

from pipeline.correlation.records import Record
from pipeline.correlation.result import (
    HEATMAP,
    MUTUAL_INFO_HEATMAP,
    POOL_CAGE_FIGURE,
    CorrelationResult,
)
from pipeline.correlation.rows import ColumnSummary, Leak, Pair
from pipeline.correlation.sections import Matrices
from pipeline.io import dumps_json


@pytest.fixture(scope="module")
def committed() -> tuple[str, CorrelationResult]:
    text = (ROOT / "reports/correlation.json").read_text()
    return text, CorrelationResult.from_json(json.loads(text))


def test_the_committed_result_reads_back_to_the_same_bytes(committed) -> None:
    text, result = committed
    assert dumps_json(result.to_json()) == text


def test_the_metrics_are_the_committed_metrics_file(committed) -> None:
    _, result = committed
    assert dumps_json(result.metrics()) == (ROOT / "reports/correlation_metrics.json").read_text()


def test_the_sections_a_report_shows_are_typed(committed) -> None:
    _, result = committed
    top = result.strongest_target_association
    assert top is not None and top.feature == result.target_associations[0].feature
    assert [t.rank for t in result.target_associations[:3]] == [1, 2, 3]
    assert {p.sensitive for p in result.flagged_proxies} <= set(result.proxies)
    assert all(p.flagged for s in result.proxies.values() for p in s if p.strength >= 0.3)
    assert result.leakage.threshold == result.config.leakage_threshold
    assert len(result.spurious.readings) == 3 and all(result.spurious.readings)
    assert result.figures == (HEATMAP, MUTUAL_INFO_HEATMAP, POOL_CAGE_FIGURE)
    assert result.columns["native-country"].missing > 0
    assert result.matrix.get("strength").shape == (len(result.columns),) * 2


def test_undefined_statistics_are_none_in_memory_as_in_the_file() -> None:
    pair = {name: math.nan for name in Pair.__dataclass_fields__}
    pair.update(a="x", b="y", kind="numeric-numeric", n=3, pearson=0.5)
    read = Pair.from_json(pair)
    assert read.pearson == 0.5 and read.spearman is None and read.strength_measure is None
    assert read.to_json()["spearman"] is None


def test_a_record_refuses_missing_unknown_and_mistyped_values() -> None:
    leak = {"column": "c", "measure": "eta", "value": 1.0, "message": "m"}
    assert Leak.from_json(leak).to_json() == leak
    with pytest.raises(ValueError, match="extra"):
        Leak.from_json({**leak, "extra": 1})
    with pytest.raises(ValueError, match="value"):
        Leak.from_json({k: v for k, v in leak.items() if k != "value"})
    with pytest.raises(TypeError, match="value"):
        Leak.from_json({**leak, "value": None})
    with pytest.raises(TypeError, match="column"):
        Leak.from_json({**leak, "column": 3})
    assert issubclass(Leak, Record)


def test_a_column_summary_names_its_count_by_kind() -> None:
    numeric = ColumnSummary(kind="numeric", missing=0, levels=10, lumped_levels=0)
    categorical = ColumnSummary(kind="categorical", missing=2, levels=3, lumped_levels=1)
    assert "bins" in numeric.to_json() and "levels" in categorical.to_json()
    for summary in (numeric, categorical):
        assert ColumnSummary.from_json(summary.to_json()) == summary


def test_a_matrix_left_out_of_the_file_reads_as_nan() -> None:
    matrices = Matrices(("a", "b"), {"strength": np.array([[np.nan, 0.5], [0.5, np.nan]])})
    read = Matrices.from_json(json.loads(dumps_json(matrices.to_json())))
    np.testing.assert_array_equal(read.get("strength"), matrices.get("strength"))
    assert np.isnan(read.get("mutual_info_r")).all() and read.get("pearson").shape == (2, 2)
