"""Stage `report`: one self-contained HTML page and a Markdown summary of the whole run, and the
model card and datasheet as Markdown files of their own.

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
    documents = build(config, read_model(config).name, Path(config.paths.report_plots))
    paths = config.paths
    written = {
        paths.report_html: documents.page,
        paths.report_summary: documents.summary,
        paths.model_card: documents.card,
        paths.datasheet: documents.datasheet,
    }
    for path, text in written.items():
        write_text(path, text)
    print(f"report: {', '.join(written)}")
    if documents.images is not None:
        if documents.images.note is not None:
            print(f"report: warning: {documents.images.line()}")
        else:
            print(f"report: {documents.images.line()}")


if __name__ == "__main__":
    run_stage(main)
