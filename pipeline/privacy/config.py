"""The `privacy` section of the parameters (params/privacy/default.yaml), checked on load."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import check_bootstrap
from pipeline.errors import ConfigError


@dataclass(frozen=True)
class PrivacyConfig:
    """What the privacy stage assesses: the data's re-identification risk, and a membership
    inference attack on the model, with its sample size and bootstrap."""

    reidentification: bool
    membership: bool
    max_rows: int  # rows drawn from each side of the attack
    min_group_size: int  # rows per side for a group's own attack numbers
    n_boot: int  # 0: no intervals
    ci_level: float

    def __post_init__(self) -> None:
        for key in ("max_rows", "min_group_size"):
            if getattr(self, key) < 1:
                raise ConfigError(f"privacy.{key} is {getattr(self, key)}; use 1 or more")
        check_bootstrap("privacy", self.n_boot, self.ci_level)
