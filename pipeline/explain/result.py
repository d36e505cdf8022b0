"""The explain stage's result (reports/explain.json): what the model relies on, through which
features a disparity passes, and where the partial dependence figures are; read by the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from pipeline.text import inside, safe_filename

FIGURES = "figures"
IMPORTANCE_FIGURE = f"{FIGURES}/importance.png"
METRIC_IMPORTANCES = 20  # features named in the metrics file, the most important first
T = TypeVar("T")

IMPORTANCE_CAVEAT = (
    "Permutation importance is how much the test score drops when one feature's values are "
    "shuffled across the test rows, which breaks its link with the target and with every other "
    "feature. It describes this fitted model on these rows, not the world: a feature the model "
    "ignores can still be associated with the target, and two correlated features can share the "
    "credit so that each looks unimportant alone; this is why strongly associated features are "
    "also shuffled together, as one group. Shuffling also makes rows that may never occur (a "
    "child with a doctorate), so importance of correlated features leans on such rows. The "
    "interval is a bootstrap over the test rows, with the shuffles held fixed; rank stability is "
    "the share of bootstrap replicates in which a feature keeps its rank."
)
DISPARITY_CAVEAT = (
    "The change of a disparity when a feature is shuffled is how much of the gap between groups "
    "passes through that feature in this model's predictions. It is association through the "
    "model, not causation: it does not say that the feature causes the gap, that the gap is "
    "unjustified, or that dropping the feature would close it (a model retrained without it can "
    "find the same information in other features). Shuffling a proxy also removes what it "
    "shares with other features, so changes of correlated features overlap and need not add up "
    "to the gap."
)
DEPENDENCE_CAVEAT = (
    "Partial dependence is the average prediction when one feature is set to each value of the "
    "grid for every row, the other features unchanged; each thin line (ICE) is one row. Lines "
    "that are not parallel show that the feature's effect depends on other features. Where "
    "features are correlated the curve averages over combinations that do not occur, and where "
    "the bars below show few rows, the curve rests on few rows. It describes the model's "
    "response, not what would happen to a person whose value changed."
)


def dependence_figure(feature: str) -> str:
    """Where a feature's partial dependence figure is written, relative to the plots folder."""
    return f"{FIGURES}/dependence_{safe_filename(feature, '.png')}"


def disparity_figure(sensitive: str) -> str:
    """Where the disparity attribution figure of one sensitive attribute is written."""
    return f"{FIGURES}/disparity_{safe_filename(sensitive, '.png')}"


def _typed(cls: type[T], data: Mapping[str, Any]) -> T:
    """A dataclass from its `to_json`, lists back to tuples where the field holds a tuple."""
    values = {}
    for found in fields(cls):  # type: ignore[arg-type]
        value = data.get(found.name)
        values[found.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


@dataclass(frozen=True)
class Importance:
    """How much the metric drops when a target's information is destroyed (larger: needed more)."""

    name: str
    columns: tuple[str, ...]
    kind: str  # "feature" (one column) or "group" (columns permuted together)
    mean: float  # over repeats, as scikit-learn's importances_mean
    std: float  # over repeats, as scikit-learn's importances_std
    low: float | None  # bootstrap percentile interval over the test rows
    high: float | None
    rank: int  # 1 = most important among targets of the same kind
    rank_stability: float | None  # share of replicates where the target keeps its rank
    top_share: float | None  # share of replicates where it is among the top min(5, count)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "columns": list(self.columns), "kind": self.kind,
            "mean": self.mean, "std": self.std, "low": self.low, "high": self.high,
            "rank": self.rank, "rank_stability": self.rank_stability, "top_share": self.top_share,
        }  # fmt: skip


@dataclass(frozen=True)
class Shift:
    """How a disparity of one sensitive attribute moves when one target is permuted."""

    sensitive: str
    disparity: str  # one of DISPARITIES
    feature: str  # the permuted target's name
    baseline: float  # the disparity of the model's own predictions
    permuted: float  # mean over repeats
    change: float  # baseline - permuted: how much of the gap goes away without the feature
    low: float | None  # bootstrap percentile interval of the change
    high: float | None
    share: float | None  # change / baseline; None when the baseline is 0

    def to_json(self) -> dict[str, Any]:
        return {
            "sensitive": self.sensitive, "disparity": self.disparity, "feature": self.feature,
            "baseline": self.baseline, "permuted": self.permuted, "change": self.change,
            "low": self.low, "high": self.high, "share": self.share,
        }  # fmt: skip


@dataclass(frozen=True)
class Screening:
    """How the features measured in full were chosen, for explain.json and the report."""

    features: int  # the model's features
    kept: int  # measured in full (explain.max_features)
    rows: int  # rows of the screening pass
    constant: int  # features with a single value on those rows (score 0, no model pass)
    output: str  # what the score measures the change of
    method: str
    scores: dict[str, float]  # the kept features' screening scores, by name

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Screening:
        return cls(**{**data, "scores": {str(k): float(v) for k, v in data["scores"].items()}})


@dataclass(frozen=True)
class Curve:
    """One partial dependence figure: the feature, its kind, and why it is partial or absent."""

    feature: str
    kind: str
    figure: str | None  # relative to the plots folder; None when no curve could be drawn
    note: str | None  # e.g. levels left out, missing values not on the grid

    def figure_path(self, plots: str | Path) -> Path | None:
        return None if self.figure is None else inside(plots, self.figure)


@dataclass(frozen=True)
class ExplainResult:
    task: str
    metric: str
    test_rows: int  # rows of the test split
    rows: int  # rows explained (a seeded sample when fewer than test_rows)
    n_repeats: int
    n_boot: int
    ci_level: float
    group_threshold: float
    importances: tuple[Importance, ...]
    shifts: tuple[Shift, ...]
    shifts_note: str | None  # why there is no disparity attribution, when there is none
    curves: tuple[Curve, ...]
    dependence_rows: int
    disparity_figures: dict[str, str]  # sensitive attribute -> figure
    # how the features measured in full were chosen, when there were more than
    # explain.max_features (written only then)
    screening: Screening | None = None

    @property
    def sampled(self) -> bool:
        return self.rows < self.test_rows

    def ranked(self, kind: str = "feature") -> list[Importance]:
        return sorted((i for i in self.importances if i.kind == kind), key=lambda i: i.rank)

    def drivers(self, sensitive: str, disparity: str) -> list[Shift]:
        """The shifts of one attribute and disparity, the largest change first."""
        found = [s for s in self.shifts if s.sensitive == sensitive and s.disparity == disparity]
        return sorted(found, key=lambda s: (-s.change, s.feature))

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["importances"] = [i.to_json() for i in self.importances]
        data["shifts"] = [s.to_json() for s in self.shifts]
        data["curves"] = [asdict(c) for c in self.curves]
        if self.screening is None:
            del data["screening"]
        else:
            data["screening"] = self.screening.to_json()
        data["caveats"] = {
            "importance": IMPORTANCE_CAVEAT,
            "disparity": DISPARITY_CAVEAT,
            "dependence": DEPENDENCE_CAVEAT,
        }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExplainResult:
        return cls(
            task=str(data["task"]),
            metric=str(data["metric"]),
            test_rows=int(data["test_rows"]),
            rows=int(data["rows"]),
            n_repeats=int(data["n_repeats"]),
            n_boot=int(data["n_boot"]),
            ci_level=float(data["ci_level"]),
            group_threshold=float(data["group_threshold"]),
            importances=tuple(_typed(Importance, i) for i in data["importances"]),
            shifts=tuple(_typed(Shift, s) for s in data["shifts"]),
            shifts_note=data.get("shifts_note"),
            curves=tuple(_typed(Curve, c) for c in data["curves"]),
            dependence_rows=int(data["dependence_rows"]),
            disparity_figures=dict(data["disparity_figures"]),
            screening=Screening.from_json(data["screening"]) if "screening" in data else None,
        )

    def metrics(self) -> dict[str, float | int]:
        """reports/explain_metrics.json: the rows explained, the importance of the most
        important features and, per sensitive attribute, the demographic-parity change of its
        strongest driver."""
        out: dict[str, float | int] = {"explain/rows": self.rows}
        for found in self.ranked()[:METRIC_IMPORTANCES]:
            out[f"explain/importance/{found.name}"] = found.mean
        for sensitive in dict.fromkeys(s.sensitive for s in self.shifts):
            top = self.drivers(sensitive, "demographic_parity_difference")
            if top:
                out[f"explain/{sensitive}/demographic_parity_difference"] = top[0].baseline
                out[f"explain/{sensitive}/top_driver_change"] = top[0].change
        return out
