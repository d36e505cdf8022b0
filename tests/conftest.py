"""Fixtures shared by the tests; the builders they use are in helpers.py."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import dvc  # noqa: F401  # see below
import pytest
from helpers import STAGES, run_stages

# Progress lines (pipeline/progress.py) stay out of the tests' output, in-process and in every
# stage a test starts; tests/test_progress.py turns them on where it checks them.
os.environ["PIPELINE_PROGRESS"] = "0"

# Importing dvc sets up its logging handlers on the sys.stdout and sys.stderr of that moment.
# Imported first inside a test that captures output (the params stage imports DVC's composer),
# they would hold that test's capture stream, closed after it, and every later in-process DVC
# call would fail to log.


@pytest.fixture
def stages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Run stage mains in a fresh temporary folder: `stages(["dataset=digits"], ["ingest"])`."""
    monkeypatch.chdir(tmp_path)

    def run(overrides: list[str], names: Iterable[str] = tuple(STAGES)) -> Path:
        run_stages(tmp_path, overrides, names)
        return tmp_path

    return run
