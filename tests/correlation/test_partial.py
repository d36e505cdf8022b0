"""Partial correlations against the closed form for one confounder."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.correlation.columns import encode
from pipeline.correlation.partial import partial_correlations

TOL = 1e-12


def test_partial_correlation_matches_the_closed_form_for_one_confounder() -> None:
    rng = np.random.default_rng(3)
    z = rng.normal(size=500)
    frame = pd.DataFrame({"x": z + rng.normal(size=500), "y": z + rng.normal(size=500), "z": z})
    columns = encode(frame, [], max_levels=10, bins=None)
    result = partial_correlations([columns["x"], columns["y"]], [columns["z"]]).iloc[0]
    r = frame.corr()
    rxy, rxz, ryz = r.loc["x", "y"], r.loc["x", "z"], r.loc["y", "z"]
    closed = (rxy - rxz * ryz) / np.sqrt((1 - rxz**2) * (1 - ryz**2))
    t = closed * np.sqrt((500 - 3) / (1 - closed**2))
    assert abs(result["raw"] - rxy) < TOL
    assert abs(result["partial"] - closed) < TOL
    assert abs(result["partial_p"] - 2 * stats.t.sf(abs(t), 500 - 3)) < TOL
    assert result["raw"] > 0.4 and abs(result["partial"]) < 0.1
