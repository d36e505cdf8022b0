"""The correlation stage's result, the one type of reports/correlation.json: written by the stage,
read by every reader (the report) through `from_json`, never as a raw dict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Self

from pipeline.correlation.config import CorrelationConfig
from pipeline.correlation.rows import (
    ColumnSummary,
    FlaggedProxy,
    Pair,
    Proxy,
    RedundantPair,
    TargetAssociation,
)
from pipeline.correlation.sections import (
    Confounding,
    Leakage,
    Matrices,
    Screening,
    Spurious,
    Strongest,
)

HEATMAP = "heatmap.png"  # association strength of every pair
MUTUAL_INFO_HEATMAP = "mutual_info.png"  # mutual information on a correlation scale
# The two series of the worked spurious correlation, shown with its readings.
POOL_CAGE_FIGURE = "pool_drownings_nicolas_cage.png"


@dataclass(frozen=True, eq=False)
class CorrelationResult:
    """Every section of the correlation report on the training split."""

    split: str
    rows: int
    task: str
    target: str
    config: CorrelationConfig
    columns: dict[str, ColumnSummary]  # by column name, in the matrix's order
    matrix: Matrices
    pairs: tuple[Pair, ...]  # strongest first
    target_associations: tuple[TargetAssociation, ...]  # strongest first
    strongest_target_association: Strongest | None  # None when no strength is defined
    proxies: dict[str, tuple[Proxy, ...]]  # by sensitive attribute, strongest first
    flagged_proxies: tuple[FlaggedProxy, ...]
    leakage: Leakage
    redundant_features: tuple[RedundantPair, ...]
    confounding: Confounding
    spurious: Spurious
    caveats: dict[str, str]  # what each measure can and cannot say, by topic
    warnings: tuple[str, ...]
    # columns left out of every pair for holding a single value (written when there are some)
    constant_columns: tuple[str, ...] = ()
    # how a wide table's pairs were bounded (written for wide tables only)
    screening: Screening | None = None

    @property
    def figures(self) -> tuple[str, ...]:
        """The figure files the stage writes beside its tables (in paths.correlation_plots)."""
        mutual_info = [MUTUAL_INFO_HEATMAP] if "mutual_info_r" in self.matrix.values else []
        return (HEATMAP, *mutual_info, POOL_CAGE_FIGURE)

    def metrics(self) -> dict[str, int | float | None]:
        """The stage's metrics file: counts and rates that DVC and MLflow track across runs."""
        tests = self.spurious.multiple_comparisons.matrix
        walks = self.spurious.random_walks
        top = self.strongest_target_association
        return {
            "correlation/n_rows": self.rows,
            "correlation/n_pairs": tests.tested_pairs,
            "correlation/n_significant": tests.significant,
            "correlation/n_significant_after_fdr": tests.significant_after_fdr,
            "correlation/n_proxies": len(self.flagged_proxies),
            "correlation/n_leaks": len(self.leakage.leaks),
            "correlation/n_explained_by_confounders": int(
                sum(bool(p.explained) for p in self.confounding.pairs)
            ),
            "correlation/strongest_target_association": None if top is None else top.strength,
            "correlation/random_walks/exceed_levels": walks.exceed_levels,
            "correlation/random_walks/exceed_differences": walks.exceed_differences,
        }

    def to_json(self) -> dict[str, Any]:
        top = self.strongest_target_association
        return {
            "split": self.split,
            "rows": self.rows,
            "task": self.task,
            "target": self.target,
            "config": asdict(self.config),
            "columns": {name: summary.to_json() for name, summary in self.columns.items()},
            "matrix": self.matrix.to_json(),
            "pairs": [pair.to_json() for pair in self.pairs],
            "target_associations": [row.to_json() for row in self.target_associations],
            "strongest_target_association": None if top is None else top.to_json(),
            "proxies": {
                sensitive: [proxy.to_json() for proxy in proxies]
                for sensitive, proxies in self.proxies.items()
            },
            "flagged_proxies": [proxy.to_json() for proxy in self.flagged_proxies],
            "leakage": self.leakage.to_json(),
            "redundant_features": [pair.to_json() for pair in self.redundant_features],
            "confounding": self.confounding.to_json(),
            "spurious": self.spurious.to_json(),
            "caveats": dict(self.caveats),
            "warnings": list(self.warnings),
            **({"constant_columns": list(self.constant_columns)} if self.constant_columns else {}),
            **({"screening": self.screening.to_json()} if self.screening else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        top = data["strongest_target_association"]
        config = data["config"]
        return cls(
            split=str(data["split"]),
            rows=int(data["rows"]),
            task=str(data["task"]),
            target=str(data["target"]),
            config=CorrelationConfig(**{**config, "measures": tuple(config["measures"])}),
            columns={
                name: ColumnSummary.from_json(summary) for name, summary in data["columns"].items()
            },
            matrix=Matrices.from_json(data["matrix"]),
            pairs=tuple(Pair.from_json(pair) for pair in data["pairs"]),
            target_associations=tuple(
                TargetAssociation.from_json(row) for row in data["target_associations"]
            ),
            strongest_target_association=None if top is None else Strongest.from_json(top),
            proxies={
                sensitive: tuple(Proxy.from_json(proxy) for proxy in proxies)
                for sensitive, proxies in data["proxies"].items()
            },
            flagged_proxies=tuple(FlaggedProxy.from_json(p) for p in data["flagged_proxies"]),
            leakage=Leakage.from_json(data["leakage"]),
            redundant_features=tuple(
                RedundantPair.from_json(pair) for pair in data["redundant_features"]
            ),
            confounding=Confounding.from_json(data["confounding"]),
            spurious=Spurious.from_json(data["spurious"]),
            caveats={str(topic): str(text) for topic, text in data["caveats"].items()},
            warnings=tuple(str(warning) for warning in data["warnings"]),
            constant_columns=tuple(str(c) for c in data.get("constant_columns", ())),
            screening=Screening.from_json(data["screening"]) if "screening" in data else None,
        )
