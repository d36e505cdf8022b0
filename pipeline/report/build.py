"""The whole report, from the other stages' results: the sections, then the summary that opens
the page (written last, when every section it links to exists)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from pipeline.config import Config
from pipeline.report import sections
from pipeline.report.card import card_markdown, card_section
from pipeline.report.card_blocks import Settings
from pipeline.report.datasheet import datasheet_markdown, datasheet_section
from pipeline.report.dp import dp_section
from pipeline.report.explain import explain
from pipeline.report.fairness import fairness
from pipeline.report.gallery import ImageFigures, images_section
from pipeline.report.markup import Page
from pipeline.report.privacy import privacy
from pipeline.report.run import Run, plots
from pipeline.report.summary import summary


class Documents(NamedTuple):
    page: str  # reports/index.html
    summary: str  # reports/summary.md
    card: str  # reports/model_card.md
    datasheet: str  # reports/datasheet.md
    images: ImageFigures | None = None  # the test images drawn (dataset.image_shape set)


def build(config: Config, model_name: str, figures_dir: Path) -> Documents:
    """The report's documents, from the stages' outputs."""
    run = Run.read(config, model_name)
    settings = Settings.read(config)
    evaluate_plots, fairness_plots, correlation_plots = plots(config)
    page = Page(f"{run.provenance.dataset}: {model_name}")
    sections.data(page, run.provenance, run.validation)
    sections.performance(
        page, run.task, run.schema.positive_label, run.seed, run.metrics, run.baselines,
        run.evaluate, evaluate_plots, figures_dir,
    )  # fmt: skip
    images = None
    if config.dataset.image_shape is not None:
        summary_dir = Path(config.paths.report_summary).parent
        images = images_section(page, config, run.schema, figures_dir, summary_dir)
    sections.crossval(page, run.crossval, run.metrics)
    fairness(page, run.fairness, fairness_plots)
    sections.correlation(page, run.correlation, correlation_plots)
    explain(page, run.explain, Path(config.paths.explain_plots))
    privacy(page, run.privacy, Path(config.paths.privacy_plots))
    dp_section(page, run.dp, Path(config.paths.dp_plots))
    card_section(page, run, settings)
    datasheet_section(page, run, settings)
    sections.environment(page)
    with page.opening():
        summary(page, run)
    document, text = page.documents()
    card, datasheet = card_markdown(run, settings), datasheet_markdown(run, settings)
    return Documents(document, text, card, datasheet, images)
