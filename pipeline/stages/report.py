"""Stage `report`: one self-contained HTML page and a Markdown summary of the whole run.

Everything it shows comes from the other stages' outputs (pipeline/report/); the footer records
the software versions of the environment, because the environment is part of the result.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import load_config
from pipeline.errors import run_stage
from pipeline.io import write_text
from pipeline.models.config import read_model
from pipeline.report.build import build


def main() -> None:
    config = load_config()
    document, summary = build(config, read_model(config).name, Path(config.paths.report_plots))
    write_text(config.paths.report_html, document)
    write_text(config.paths.report_summary, summary)
    print(f"report: {config.paths.report_html}, {config.paths.report_summary}")


if __name__ == "__main__":
    run_stage(main)
