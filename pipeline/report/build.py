"""The whole report, from the other stages' results: the sections, then the summary that opens
the page (written last, when every section it links to exists)."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Config
from pipeline.report import sections
from pipeline.report.fairness import fairness
from pipeline.report.markup import Page
from pipeline.report.run import Run, plots
from pipeline.report.summary import summary


def build(config: Config, model_name: str, figures_dir: Path) -> tuple[str, str]:
    """(HTML page, Markdown summary) from the stages' outputs."""
    run = Run.read(config, model_name)
    evaluate_plots, fairness_plots, correlation_plots = plots(config)
    page = Page(f"{run.provenance.dataset}: {model_name}")
    sections.data(page, run.provenance, run.validation)
    sections.performance(
        page, run.task, run.schema.positive_label, run.seed, run.metrics, run.baselines,
        run.evaluate, evaluate_plots, figures_dir,
    )  # fmt: skip
    sections.crossval(page, run.crossval, run.metrics)
    fairness(page, run.fairness, fairness_plots)
    sections.correlation(page, run.correlation, correlation_plots)
    sections.environment(page)
    with page.opening():
        summary(page, run)
    return page.documents()
