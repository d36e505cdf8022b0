"""The committed Adult run, read as the report stage reads it: its reports/*.json are committed
(the oracle of the card and datasheet tests), while the schema is a DVC output that a fresh clone
lacks, so ingest, validate and features run again in a temporary folder to rebuild it."""

from __future__ import annotations

import shutil

import pytest
from helpers import ROOT, run_stages

from pipeline.config import load_config
from pipeline.report.card_blocks import Settings
from pipeline.report.run import Run


@pytest.fixture(scope="session")
def adult(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Settings]:
    folder = tmp_path_factory.mktemp("adult")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        run_stages(folder, [], ["ingest", "validate", "features"])
        (folder / "reports").mkdir(exist_ok=True)
        for report in (ROOT / "reports").glob("*.json"):
            if report.name != "validation.json":  # rebuilt: the same bytes
                shutil.copy(report, folder / "reports" / report.name)
        config = load_config()
        return Run.read(config, "hist_gradient_boosting"), Settings.read(config)
