"""dvc.yaml's code dependencies are each stage's import closure, derived from the code itself."""

from __future__ import annotations

import ast

from tools.dag import closure, problems, runtime_nodes


def test_every_stage_declares_exactly_its_import_closure() -> None:
    found = problems()
    assert not found, (
        "dvc.yaml's code deps drifted from the imports (fix: python -m tools.dag --write):\n"
        + "\n".join(found)
    )


def test_closure_follows_imports_inside_functions_and_skips_type_checking() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pipeline.stages import report\n"
        "def f():\n    from pipeline.plots import save_figure\n"
    )
    names = {n.module for n in runtime_nodes(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names == {"typing", "pipeline.plots"}
    assert "pipeline/plots.py" in closure("pipeline.stages.report")
    assert {"pipeline/__init__.py", "pipeline/stages/__init__.py"} <= closure(
        "pipeline.stages.ingest"
    )
