"""The architecture, enforced: stages are thin peers over domain packages and the ground floor."""

from __future__ import annotations

from pathlib import Path

from tools.dag import ROOT, imported

PACKAGE = ROOT / "pipeline"
STAGES = "pipeline.stages"
GROUND_FLOOR = {
    "config", "environment", "errors", "io", "plots", "predictions", "progress", "schema", "sums",
    "tasks", "text",
}  # fmt: skip
MAX_LINES = 350


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def test_no_stage_imports_another_stage() -> None:
    found = [
        f"{name} imports {other}"
        for name, path in modules().items()
        if name.startswith(STAGES + ".")
        for other in imported(path)
        if other.startswith(STAGES + ".") and other != name
    ]
    assert not found, "stages meet only through files:\n" + "\n".join(found)


def test_domain_packages_and_the_ground_floor_never_import_a_stage() -> None:
    found = [
        f"{name} imports {other}"
        for name, path in modules().items()
        if not name.startswith(STAGES)
        for other in imported(path)
        if other.startswith(STAGES)
    ]
    assert not found, "\n".join(found)


def test_the_ground_floor_imports_only_the_ground_floor() -> None:
    found = [
        f"{name} imports {other}"
        for name, path in modules().items()
        if name.split(".")[-1] in GROUND_FLOOR and name.count(".") == 1
        for other in imported(path)
        if other != "pipeline" and other.split(".")[1] not in GROUND_FLOOR
    ]
    assert not found, "\n".join(found)


def test_no_module_is_longer_than_a_reader_can_hold() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in modules().values()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_only_the_tracking_package_imports_mlflow() -> None:
    found = [
        name
        for name, path in modules().items()
        if "import mlflow" in path.read_text() or "from mlflow" in path.read_text()
        if not name.startswith("pipeline.tracking")
    ]
    assert not found, f"only pipeline/tracking imports MLflow; also: {found}"
