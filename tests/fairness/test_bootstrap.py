"""The stratified bootstrap (pipeline/fairness/bootstrap.py): multinomial cell draws have the law
of resampling rows; percentile intervals equal numpy's quantiles and skip undefined replicates."""

from __future__ import annotations

import numpy as np
import pytest
from fairness.cases import binary_case

from pipeline.fairness.counts import binary_cells, confusion_counts, rates
from pipeline.stats.resample import multinomial_cells


def test_count_bootstrap_matches_resampling_rows() -> None:
    """Multinomial draws of a group's cells have the law of resampling the group's rows."""
    frame = binary_case(12, 600)
    cells = binary_cells(confusion_counts(np.zeros(600, np.int64), 1, frame.y_true,
                                          frame.y_pred))  # fmt: skip
    rng = np.random.default_rng(0)
    n_boot = 4000
    from_counts = rates(multinomial_cells(cells, n_boot, rng)[:, 0])["true_positive_rate"]
    rows = rng.integers(0, 600, size=(n_boot, 600))
    truth, predicted = frame.y_true.to_numpy()[rows], frame.y_pred.to_numpy()[rows]
    from_rows = (truth & predicted).sum(1) / truth.sum(1)
    assert from_counts.mean() == pytest.approx(from_rows.mean(), abs=0.003)
    assert from_counts.std() == pytest.approx(from_rows.std(), rel=0.06)
