"""The `explain` section of the parameters (params/explain/default.yaml), checked on load."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import check_bootstrap
from pipeline.errors import ConfigError


@dataclass(frozen=True)
class ExplainConfig:
    """Permutation importance (single and grouped features), the bootstrap of its intervals, the
    partial dependence curves, and the sample of test rows they use."""

    metric: str | None  # None: the task's headline metric
    n_repeats: int
    n_boot: int  # 0: no intervals
    ci_level: float
    max_rows: int
    group_threshold: float
    dependence_features: int
    grid_resolution: int
    percentiles: tuple[float, float]
    dependence_rows: int
    ice_rows: int
    max_levels: int
    # beyond this many features, a screening pass picks the ones measured in full
    max_features: int = 40
    screen_rows: int = 1000  # rows of the screening pass (a seeded sample)

    def __post_init__(self) -> None:
        for key in ("n_repeats", "max_rows", "grid_resolution", "dependence_rows", "max_levels",
                    "max_features", "screen_rows"):  # fmt: skip
            if getattr(self, key) < 1:
                raise ConfigError(f"explain.{key} is {getattr(self, key)}; use 1 or more")
        for key in ("dependence_features", "ice_rows"):
            if getattr(self, key) < 0:
                raise ConfigError(f"explain.{key} is {getattr(self, key)}; use 0 or more")
        if self.grid_resolution < 2:
            raise ConfigError(f"explain.grid_resolution is {self.grid_resolution}; use 2 or more")
        check_bootstrap("explain", self.n_boot, self.ci_level)
        if not 0.0 < self.group_threshold <= 1.0:
            raise ConfigError(
                f"explain.group_threshold is {self.group_threshold}; use a strength in (0, 1], "
                "or 1 to group only identical columns"
            )
        low, high = self.percentiles
        if not 0.0 <= low < high <= 1.0:
            raise ConfigError(
                f"explain.percentiles is {list(self.percentiles)}; use two increasing values in "
                "[0, 1], e.g. [0.05, 0.95]"
            )
