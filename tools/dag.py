"""Each DVC stage's code dependencies are its import closure, derived from the code.

    python -m tools.dag            # list what dvc.yaml lacks or has too much, exit 1 if anything
    python -m tools.dag --write    # rewrite the `pipeline/...` deps of every stage in dvc.yaml

The closure follows every `import` of the package's modules, inside functions too (a lazy import
still runs), but not those under `if TYPE_CHECKING:` (they never run), and adds the packages that
contain each module (importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py`).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DVC_YAML = ROOT / "dvc.yaml"
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


def source(name: str) -> Path:
    """The file of one of the package's modules (the name is known to be one)."""
    path = module_file(name)
    if path is None:
        raise ValueError(f"{name} is not a module of {PACKAGE}")
    return path


def closure(module: str) -> set[str]:
    """The files of every package module that running `python -m module` can import."""
    parts = module.split(".")
    todo = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]  # its packages, and itself
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += sorted(imported(source(name)) - seen)
    return {str(source(name).relative_to(ROOT)) for name in seen}


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


def problems() -> list[str]:
    """One line per stage whose declared code deps differ from its import closure."""
    out = []
    for stage, (module, declared) in stage_modules().items():
        needed = closure(module)
        if missing := sorted(needed - declared):
            out.append(f"stage {stage}: add to deps {missing}")
        if extra := sorted(declared - needed):
            out.append(f"stage {stage}: {extra} are declared but never imported; remove them")
    return out


def rewrite(text: str) -> str:
    """dvc.yaml's text with each stage's `- pipeline/...` deps replaced by its closure, sorted,
    where the first of them stood (comments and everything else kept)."""
    stages = stage_modules()
    out: list[str] = []
    stage: str | None = None
    in_deps = placed = False
    for line in text.split("\n"):
        if (match := re.match(r"^  ([A-Za-z0-9_-]+):$", line)) and match.group(1) in stages:
            stage, in_deps, placed = match.group(1), False, False
        elif stage and line == "    deps:":
            in_deps = True
        elif stage and in_deps and line.startswith(f"      - {PACKAGE}/"):
            if not placed:
                out += [f"      - {path}" for path in sorted(closure(stages[stage][0]))]
                placed = True
            continue
        elif in_deps and not line.startswith("      "):
            in_deps = False
        out.append(line)
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        DVC_YAML.write_text(rewrite(DVC_YAML.read_text()))
    found = problems()
    print("\n".join(found) or "dvc.yaml: every stage's code deps are its import closure")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
