"""Every result of a run that the report reads, each through its own type."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.correlation.result import CorrelationResult
from pipeline.data.findings import ValidationResult
from pipeline.data.provenance import Provenance
from pipeline.dp.result import DpResult
from pipeline.explain.result import ExplainResult
from pipeline.fairness.result import FairnessResult
from pipeline.io import read_json
from pipeline.models.result import CrossvalResult, EvaluateConfig, Metrics
from pipeline.privacy.result import PrivacyResult
from pipeline.schema import Schema, read_schema


@dataclass(frozen=True)
class Run:
    model: str  # the model's name in params/model/
    seed: int
    provenance: Provenance
    validation: ValidationResult
    schema: Schema
    metrics: Metrics
    baselines: Metrics
    evaluate: EvaluateConfig
    crossval: CrossvalResult
    fairness: FairnessResult
    correlation: CorrelationResult
    explain: ExplainResult
    privacy: PrivacyResult
    dp: DpResult

    @classmethod
    def read(cls, config: Config, model: str) -> Run:
        paths = config.paths
        return cls(
            model=model,
            seed=config.seed,
            provenance=Provenance.from_json(read_json(paths.provenance)),
            validation=ValidationResult.from_json(read_json(paths.validation)),
            schema=read_schema(paths.schema),
            metrics=Metrics.from_json(read_json(paths.metrics)),
            baselines=Metrics.from_json(read_json(paths.baselines)),
            evaluate=config.section(EvaluateConfig, "evaluate"),
            crossval=CrossvalResult.from_json(read_json(paths.crossval)),
            fairness=FairnessResult.read(paths.fairness),
            correlation=CorrelationResult.from_json(read_json(paths.correlation)),
            explain=ExplainResult.from_json(read_json(paths.explain)),
            privacy=PrivacyResult.from_json(read_json(paths.privacy)),
            dp=DpResult.from_json(read_json(paths.dp)),
        )

    @property
    def task(self) -> str:
        return self.schema.task

    def warnings(self) -> int:
        """Warnings of ingest and validate, as the data section lists them."""
        return len(self.validation.warnings) + len(self.provenance.warnings)


def plots(config: Config) -> tuple[Path, Path, Path]:
    """(evaluate, fairness, correlation) plot folders."""
    paths = config.paths
    return Path(paths.evaluate_plots), Path(paths.fairness_plots), Path(paths.correlation_plots)
