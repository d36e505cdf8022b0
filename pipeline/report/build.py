"""The whole report, from the other stages' results."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Config
from pipeline.correlation.result import CorrelationResult
from pipeline.data.checks import ValidationResult
from pipeline.data.provenance import Provenance
from pipeline.fairness.result import FairnessResult
from pipeline.io import read_json
from pipeline.models.crossval import CrossvalResult
from pipeline.models.evaluation import EvaluateConfig, Metrics
from pipeline.report import sections
from pipeline.report.markup import Page
from pipeline.schema import read_schema


def build(config: Config, model_name: str, figures_dir: Path) -> tuple[str, str]:
    """(HTML page, Markdown summary) from the stages' outputs."""
    paths = config.paths
    provenance = Provenance.from_json(read_json(paths.provenance))
    validation = ValidationResult.from_json(read_json(paths.validation))
    page = Page(f"{provenance.dataset}: {model_name}")
    sections.data(page, provenance, validation)
    metrics = Metrics.from_json(read_json(paths.metrics))
    positive = read_schema(paths.schema).positive_label
    sections.performance(
        page, str(validation.task), positive, config.seed, metrics,
        Metrics.from_json(read_json(paths.baselines)),
        config.section(EvaluateConfig, "evaluate"), Path(paths.evaluate_plots), figures_dir,
    )  # fmt: skip
    sections.crossval(page, CrossvalResult.from_json(read_json(paths.crossval)), metrics)
    sections.fairness(page, FairnessResult.read(paths.fairness), Path(paths.fairness_plots))
    correlation = CorrelationResult.from_json(read_json(paths.correlation))
    sections.correlation(page, correlation, Path(paths.correlation_plots))
    sections.environment(page)
    return page.documents()
