"""The `dp` section of the parameters (params/dp/default.yaml), checked on load."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import check_bootstrap
from pipeline.errors import ConfigError


@dataclass(frozen=True)
class DpConfig:
    """The privacy budgets to train at (none: the stage is off), the delta every release shares,
    and the bootstrap of the test metrics."""

    epsilons: tuple[float, ...]
    releases: int  # independent releases per epsilon: their spread is the release's randomness
    delta: float
    n_boot: int  # 0: no intervals
    ci_level: float

    def __post_init__(self) -> None:
        for epsilon in self.epsilons:
            if not 0.0 < epsilon <= 50.0:
                raise ConfigError(f"dp.epsilons holds {epsilon}; use budgets in (0, 50], e.g. [1]")
        if len(set(self.epsilons)) != len(self.epsilons):
            raise ConfigError(f"dp.epsilons {list(self.epsilons)} repeats a budget; list each once")
        if self.releases < 1:
            raise ConfigError(f"dp.releases is {self.releases}; use 1 or more (3 shows the spread)")
        if not 0.0 < self.delta < 1e-3:
            raise ConfigError(
                f"dp.delta is {self.delta}; use a small positive number, far below 1 / rows "
                "(e.g. 1e-8)"
            )
        check_bootstrap("dp", self.n_boot, self.ci_level)
