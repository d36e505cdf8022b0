"""dvc.yaml's code dependencies are each stage's import closure, derived from the code itself."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "pipeline"


def module_file(name: str) -> Path | None:
    """The file of module `name` of the package, or None when it is not one of ours."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    base = ROOT / Path(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def runtime_nodes(tree: ast.Module) -> list[ast.AST]:
    """Every node of `tree` except those under `if TYPE_CHECKING:` (never run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    return [node for node in ast.walk(tree) if id(node) not in skipped]


def imported(path: Path) -> set[str]:
    """Modules of the package that the file imports anywhere (functions included), with the
    packages that contain them (importing `a.b.c` runs `a/__init__` and `a/b/__init__`)."""
    names: set[str] = set()
    for node in runtime_nodes(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}  # submodules
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        found |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return {name for name in found if module_file(name) is not None}


def closure(module: str) -> set[str]:
    """The files of every package module that running `python -m module` can import."""
    seen: set[str] = set()
    todo = [module, *(module.split(".")[:i] for i in range(1, module.count(".") + 1))]
    todo = [m if isinstance(m, str) else ".".join(m) for m in todo]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += sorted(imported(module_file(name)) - seen)
    return {str(module_file(name).relative_to(ROOT)) for name in seen}


def stage_modules() -> dict[str, tuple[str, set[str]]]:
    """Stage name: (module its cmd runs, code files its deps declare)."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    out = {}
    for name, stage in stages.items():
        words = stage["cmd"].split()
        assert words[:2] == ["python", "-m"], f"stage {name}: cmd is not `python -m MODULE`"
        declared = {d for d in stage.get("deps", []) if d.startswith(PACKAGE + "/")}
        out[name] = (words[2], declared)
    return out


def test_every_stage_declares_exactly_its_import_closure() -> None:
    problems = []
    for stage, (module, declared) in stage_modules().items():
        needed = closure(module)
        if missing := sorted(needed - declared):
            problems.append(f"stage {stage}: add to deps {missing}")
        if extra := sorted(declared - needed):
            problems.append(f"stage {stage}: {extra} are declared but never imported; remove them")
    assert not problems, "dvc.yaml's code deps drifted from the imports:\n" + "\n".join(problems)


def test_closure_follows_imports_inside_functions_and_skips_type_checking(tmp_path) -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pipeline import report\n"
        "def f():\n    from pipeline.plots import save_figure\n"
    )
    names = {n.module for n in runtime_nodes(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names == {"typing", "pipeline.plots"}
    assert "pipeline/plots.py" in closure("pipeline.report")
    assert "pipeline/__init__.py" in closure("pipeline.ingest")
