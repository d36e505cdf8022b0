"""Column preparation: bins with point masses, lumped rare levels, the two kinds of column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.correlation.columns import (
    OTHER_LEVEL,
    CategoricalColumn,
    NumericColumn,
    encode,
    numeric_and_categorical,
)
from pipeline.correlation.config import MEASURES
from pipeline.correlation.pairs import association_table


def test_point_masses_get_their_own_bin_and_rare_levels_are_lumped_not_dropped(pair_row) -> None:
    rng = np.random.default_rng(0)
    n = 2000
    gain = np.where(rng.random(n) < 0.9, 0.0, rng.lognormal(8, 1, n))
    ident = np.array([f"id{i:04d}" for i in range(n)])
    frame = pd.DataFrame({"gain": gain, "ident": ident, "y": (gain > 0).astype(str)})
    columns = encode(frame, ["y"], max_levels=20, bins=10)
    zero_codes = np.unique(columns["gain"].codes[gain == 0])
    assert len(zero_codes) == 1 and not np.isin(columns["gain"].codes[gain > 0], zero_codes).any()
    assert len(np.unique(columns["gain"].codes)) > 2  # the rest is still cut into quantiles
    ident_column = columns["ident"]
    assert len(ident_column.levels) == 20 and ident_column.levels[-1] == OTHER_LEVEL
    assert ident_column.lumped == n - 19
    table = association_table(columns, MEASURES)
    row = pair_row(table, "ident", "y")
    assert np.isfinite(row["cramers_v_corrected"]) and row["cramers_v_corrected"] < 0.1
    assert pair_row(table, "gain", "y")["mutual_info_r"] > 0.5


def test_complete_columns_carry_their_whole_column_sums_and_others_do_not() -> None:
    frame = pd.DataFrame(
        {
            "full": [3.0, 1.0, 2.0, 2.0],
            "holes": [1.0, np.nan, 3.0, 4.0],
            "level": ["a", "b", "a", "b"],
            "gaps": ["a", None, "b", "b"],
        }
    )
    columns = encode(frame, [], max_levels=10, bins=None)
    full, holes, level, gaps = (columns[n] for n in ("full", "holes", "level", "gaps"))
    assert isinstance(full, NumericColumn) and isinstance(holes, NumericColumn)
    assert isinstance(level, CategoricalColumn) and isinstance(gaps, CategoricalColumn)
    np.testing.assert_array_equal(full.whole.ranks, [4.0, 1.0, 2.5, 2.5])
    assert full.whole.total == pytest.approx(2.0) and full.codes is None and full.lumped == 0
    np.testing.assert_array_equal(level.whole.counts, [2, 2])
    assert holes.has_missing and holes.n_missing == 1 and holes.complete is None
    assert gaps.complete is None and list(gaps.codes) == [0, -1, 1, 1]
    with pytest.raises(ValueError, match="'holes' has missing values"):
        holes.whole  # noqa: B018
    assert numeric_and_categorical(level, full) == (full, level)
    with pytest.raises(ValueError, match="not a numeric-categorical pair"):
        numeric_and_categorical(full, holes)
