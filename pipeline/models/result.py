"""What the evaluate and crossval stages write (reports/metrics.json, baselines.json,
crossval.json) and the evaluate settings, apart from the code that computes them: a reader (the
report) imports neither scikit-learn nor the bootstrap for them, and does not re-run when that
code changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.config import check_bootstrap
from pipeline.errors import ConfigError
from pipeline.stats.intervals import METHODS

BASELINES = ("majority", "linear")
LOSSES = frozenset({"log_loss", "brier_score", "mae", "rmse"})  # the metrics where lower is better
PREFIX = "cv/"  # crossval's keys: `cv/accuracy`, `cv/accuracy_std`, ...
BOUNDS = ("_low", "_high")  # an interval's keys: `test/accuracy_low`, `test/accuracy_high`
Value = float | int | None  # None (NaN before writing): undefined for this model or data


@dataclass(frozen=True)
class EvaluateConfig:
    """The `evaluate` section: the bootstrap of the test rows and the baselines."""

    n_boot: int  # 0: no intervals
    ci_level: float
    ci_method: str  # percentile or bca
    baselines: tuple[str, ...]
    train_rows: int | None = None  # training rows for the baselines and train/ (a seeded sample)

    def __post_init__(self) -> None:
        check_bootstrap("evaluate", self.n_boot, self.ci_level)
        if self.train_rows is not None and self.train_rows < 1:
            raise ConfigError(
                f"evaluate.train_rows is {self.train_rows}; use 1 or more, or null to score "
                "every training row"
            )
        if self.ci_method not in METHODS:
            raise ConfigError(
                f"evaluate.ci_method is {self.ci_method!r}; use one of {', '.join(METHODS)}"
            )
        if unknown := [name for name in self.baselines if name not in BASELINES]:
            raise ConfigError(
                f"evaluate.baselines names {unknown[0]!r}; use some of {', '.join(BASELINES)}"
            )


@dataclass(frozen=True)
class Metrics:
    """A flat DVC metrics file, `<namespace>/<metric>` to its value, so that `dvc metrics show`
    lists every number: reports/metrics.json (namespaces `test` and `train`; the row count
    `n_rows` is an integer) and reports/baselines.json (each baseline, and the model minus it).
    An interval is two more keys, `<namespace>/<metric>_low` and `_high`."""

    values: dict[str, Value]

    @property
    def names(self) -> list[str]:
        """The metric names without their namespace or interval keys, sorted."""
        names = {key.split("/", 1)[1] for key in self.values}
        bounds = {f"{name}{bound}" for name in names for bound in BOUNDS}
        return sorted(names - bounds)

    def value(self, namespace: str, name: str) -> Value:
        """A metric of one namespace; None when the task has no such metric."""
        return self.values.get(f"{namespace}/{name}")

    def interval(self, namespace: str, name: str) -> tuple[Value, Value] | None:
        """A metric's interval, None when none was computed."""
        low, high = (f"{namespace}/{name}{bound}" for bound in BOUNDS)
        if low not in self.values:
            return None
        return self.values[low], self.values[high]

    def to_json(self) -> dict[str, Value]:
        return dict(self.values)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Metrics:
        values: dict[str, Value] = {}
        for key, value in data.items():
            if value is not None and not isinstance(value, int | float):
                raise ValueError(f"metrics file: {key} is {value!r}, not a number")
            values[str(key)] = value
        return cls(values)


@dataclass(frozen=True)
class Summary:
    """One metric over the folds on which it is defined (not NaN); None where it has no value."""

    mean: float | None  # None: defined on no fold
    std: float | None  # sample standard deviation (ddof 1); None on fewer than 2 folds
    low: float | None  # corrected resampled t interval; None on fewer than 2 folds
    high: float | None
    n_folds: int  # folds on which the metric is defined


@dataclass(frozen=True)
class CrossvalResult:
    """reports/crossval.json, a flat DVC metrics file: `cv/<metric>` (mean), `cv/<metric>_std`,
    `cv/<metric>_low`, `cv/<metric>_high`, `cv/folds`, `cv/repeats`, `cv/n_folds` (k * r), and
    `cv/<metric>_n_folds` for a metric that is NaN on some folds."""

    folds: int  # k; 0: cross-validation was off
    repeats: int
    metrics: dict[str, Summary]

    @property
    def n_folds(self) -> int:
        return self.folds * self.repeats

    def note(self, metric: str) -> str | None:
        """Why a metric has fewer folds or no interval, in words; None when nothing is missing."""
        summary = self.metrics[metric]
        parts = []
        if summary.n_folds < self.n_folds:
            parts.append(f"defined on {summary.n_folds} of {self.n_folds} folds")
        if summary.low is None and summary.n_folds > 0:
            parts.append("no interval: the corrected t needs 2 or more folds")
        return "; ".join(parts) or None

    def to_json(self) -> dict[str, float | int | None]:
        out: dict[str, float | int | None] = {
            f"{PREFIX}folds": self.folds,
            f"{PREFIX}repeats": self.repeats,
            f"{PREFIX}n_folds": self.n_folds,
        }
        for name, summary in self.metrics.items():
            key = PREFIX + name
            out |= {key: summary.mean, f"{key}_std": summary.std}
            out |= {f"{key}_low": summary.low, f"{key}_high": summary.high}
            if summary.n_folds != self.n_folds:
                out[f"{key}_n_folds"] = summary.n_folds
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CrossvalResult:
        folds, repeats = int(data[f"{PREFIX}folds"]), int(data[f"{PREFIX}repeats"])
        names = sorted(k[len(PREFIX) : -len("_std")] for k in data if k.endswith("_std"))
        metrics = {
            name: Summary(
                mean=data[PREFIX + name],
                std=data[f"{PREFIX}{name}_std"],
                low=data[f"{PREFIX}{name}_low"],
                high=data[f"{PREFIX}{name}_high"],
                n_folds=int(data.get(f"{PREFIX}{name}_n_folds", folds * repeats)),
            )
            for name in names
        }
        return cls(folds, repeats, metrics)
