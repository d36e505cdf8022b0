"""Several releases at one epsilon as one row: the mean and scipy's Student t interval across
them, cut to [0, 1]; undefined values left out; one release is its own row."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pipeline.dp.result import DpRun
from pipeline.dp.summary import across, summarise


def estimate(value: float | None) -> dict:
    return {"value": value, "interval": None if value is None else [value - 0.01, value + 0.01]}


def release(index: int, accuracy: float, parity: float | None, group: float) -> DpRun:
    groups = [{"label": "a", "count": 40, "eligible": True, "accuracy": estimate(group)}]
    audit = {"name": "sex", "disparities": {"demographic_parity_difference": estimate(parity)},
             "groups": groups}  # fmt: skip
    return DpRun(1.0, 1000 + index, index, 10 * index, estimate(accuracy), [audit], index)


def test_the_mean_and_interval_equal_scipys() -> None:
    values = [0.840, 0.777, 0.808]
    found = across([estimate(v) for v in values], 0.95)
    assert found["value"] == pytest.approx(np.mean(values), abs=1e-15)
    low, high = stats.t.interval(0.95, 2, loc=np.mean(values), scale=stats.sem(values))
    assert found["interval"] == pytest.approx([low, high], abs=1e-12)
    assert found["releases"] == values


def test_equal_releases_have_an_interval_of_zero_width() -> None:
    found = across([estimate(0.756), estimate(0.756)], 0.95)
    assert found == {"value": 0.756, "interval": [0.756, 0.756], "releases": [0.756, 0.756]}


def test_the_interval_stays_within_zero_and_one() -> None:
    found = across([estimate(v) for v in (0.99, 0.90, 0.995)], 0.95)
    assert found["interval"][1] == 1.0 and 0.0 < found["interval"][0] < found["value"]
    found = across([estimate(v) for v in (0.01, 0.2, 0.0)], 0.95)
    assert found["interval"][0] == 0.0


def test_undefined_values_are_left_out_and_one_value_has_no_interval() -> None:
    found = across([estimate(None), estimate(0.5), estimate(None)], 0.95)
    assert found == {"value": 0.5, "interval": None, "releases": [None, 0.5, None]}
    assert across([estimate(None)], 0.95) == {"value": None, "interval": None, "releases": [None]}


def test_summarise_averages_every_number_and_keeps_the_groups() -> None:
    runs = [release(0, 0.80, 0.10, 0.7), release(1, 0.84, None, 0.9), release(2, 0.82, 0.2, 0.8)]
    row = summarise(runs, 0.9)
    assert (row.epsilon, row.release) == (1.0, None)
    assert (row.train_rows, row.rows_without_target, row.missing_cells) == (1001, 1, 10)
    assert row.accuracy["value"] == pytest.approx(0.82) and row.accuracy["releases"] == [
        0.80, 0.84, 0.82,
    ]  # fmt: skip
    (audit,) = row.audits
    parity = audit["disparities"]["demographic_parity_difference"]
    assert parity["value"] == pytest.approx(0.15) and parity["releases"] == [0.1, None, 0.2]
    (group,) = audit["groups"]
    assert (group["label"], group["count"], group["eligible"]) == ("a", 40, True)
    assert group["accuracy"]["value"] == pytest.approx(0.8)


def test_one_release_is_its_own_row_with_its_test_interval() -> None:
    only = release(0, 0.8, 0.1, 0.7)
    row = summarise([only], 0.95)
    assert row.release is None and row.accuracy == only.accuracy and row.audits == only.audits
