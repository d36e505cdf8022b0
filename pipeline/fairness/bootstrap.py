"""The stratified bootstrap: rows resampled within each group (group sizes fixed).

For confusion-count metrics, resampling a group's rows is, in distribution, drawing its cells
from a multinomial with the group's size and observed cell proportions
(pipeline.stats.resample.multinomial_cells), so a replicate costs O(groups x cells), not O(rows).
Metrics of individual rows (ROC AUC, Brier score, calibration error, regression errors) come from
row multiplicities drawn the same stratified way by the numba kernels of pipeline.stats
(scores.py), per group and overall in one pass. Intervals are
pipeline.stats.intervals.percentile_interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# How the intervals are made, as the report's settings state it.
BOOTSTRAP = (
    "percentile intervals over n_boot replicates, each resampling rows with replacement within "
    "every group of the audit (group sizes fixed); confusion-count metrics are drawn as "
    "multinomials of the per-group counts, metrics of single rows (ROC AUC, Brier score, "
    "calibration error, regression errors) from row multiplicities drawn the same way; every "
    "overall replicate is the union of its audit's group replicates; a replicate in which a "
    "quantity is undefined is left out of its interval, which is null if fewer than half of the "
    "replicates remain"
)


@dataclass(frozen=True)
class Tables:
    """Metrics by name per group (groups on the last axis) and the same metrics overall."""

    groups: dict[str, np.ndarray]
    overall: dict[str, np.ndarray]
