"""The `correlation` section of the parameters (params/correlation/default.yaml), checked."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import ConfigError

MEASURES = ("pearson", "spearman", "eta", "cramers_v", "mutual_info")


@dataclass(frozen=True)
class CorrelationConfig:
    """What the stage measures and the thresholds it flags at; validate reads it too (leakage)."""

    measures: tuple[str, ...]  # which coefficients to compute (see MEASURES)
    bins: int  # quantile bins of numeric columns for mutual information
    max_levels: int  # categorical levels kept; the rarest beyond are merged into "(other)"
    alpha: float  # significance level for p- and q-values
    proxy_threshold: float  # strength at which a feature is flagged as a proxy
    leakage_threshold: float  # |association| with the target at which a feature is a leak
    random_walks: int  # simulated pairs of independent random walks
    random_walk_threshold: float  # |r| counted as a "strong" correlation between two walks
    null_matrices: int  # simulated matrices of unrelated columns for the multiple-testing count

    def __post_init__(self) -> None:
        unknown = sorted(set(self.measures) - set(MEASURES))
        if not self.measures or unknown:
            raise ConfigError(
                f"correlation.measures is {list(self.measures)}; choose from {', '.join(MEASURES)}"
            )
        for key in ("bins", "max_levels", "random_walks", "null_matrices"):
            if getattr(self, key) < (2 if key in ("bins", "max_levels") else 1):
                raise ConfigError(f"correlation.{key} is {getattr(self, key)}; it is too small")
        for key in ("alpha", "proxy_threshold", "leakage_threshold", "random_walk_threshold"):
            if not 0.0 < getattr(self, key) <= 1.0:
                raise ConfigError(f"correlation.{key} is {getattr(self, key)}; use (0, 1]")
