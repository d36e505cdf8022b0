"""Every case of the corpus (tests/corpus/cases_*.py) gives its specific error or warning, never
a traceback, and, when it runs, the right result."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from corpus.runner import Case, assert_outcome, run_case

pytestmark = pytest.mark.slow

MODULES = sorted(p.stem for p in Path(__file__).parent.glob("cases_*.py"))
CASES: list[Case] = [
    case for module in MODULES for case in importlib.import_module(f"corpus.{module}").CASES
]


def test_the_corpus_is_large_and_its_names_are_unique() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(names) >= 40


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = run_case(case, tmp_path, capsys)
    assert_outcome(case, outcome)
    if case.check is not None:
        case.check(tmp_path)
