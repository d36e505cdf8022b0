"""Fixtures shared by the tests; the builders they use are in helpers.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from helpers import STAGES, run_stages


@pytest.fixture
def stages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Run stage mains in a fresh temporary folder: `stages(["dataset=digits"], ["ingest"])`."""
    monkeypatch.chdir(tmp_path)

    def run(overrides: list[str], names: Iterable[str] = tuple(STAGES)) -> Path:
        run_stages(tmp_path, overrides, names)
        return tmp_path

    return run
