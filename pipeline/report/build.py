"""The whole report, from the other stages' results."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Config
from pipeline.io import read_json
from pipeline.report import sections
from pipeline.report.markup import Page


def build(config: Config, model_name: str, figures_dir: Path) -> tuple[str, str]:
    """(HTML page, Markdown summary) from the stages' outputs."""
    paths = config.paths
    provenance = read_json(paths.provenance)
    validation = read_json(paths.validation)
    page = Page(f"{provenance['dataset']}: {model_name}")
    sections.data(page, provenance, validation)
    sections.performance(
        page, validation["task"], config.seed, read_json(paths.metrics),
        Path(paths.evaluate_plots), figures_dir,
    )  # fmt: skip
    sections.fairness(page, read_json(paths.fairness), Path(paths.fairness_plots))
    sections.correlation(page, read_json(paths.correlation), Path(paths.correlation_plots))
    sections.environment(page)
    return page.documents()
