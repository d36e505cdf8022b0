"""Stage `params`: compose params.yaml from the Hydra config groups in params/.

Under plain `dvc repro` DVC does not compose, so this stage does, with DVC's own composer, so that
both paths give the same bytes. Under `dvc exp run` DVC has already composed params.yaml with the
experiment's overrides (and sets DVC_EXP_NAME for the stages); then this stage leaves it alone.
Either way it writes a stamp with constant content that every other stage depends on, so it runs
first without making anything downstream stale.

DVC resolves dvc.yaml's `${...}` templates from params.yaml before this stage composes it, so
one `dvc repro` must never depend on a templated value that the composition changes:
- the data source is not templated: this stage writes the SHA-256 of every source file into a
  stamp at a fixed path, which `ingest` depends on, so switching `dataset` (or editing its file)
  re-runs ingest in the same `dvc repro`;
- for the values dvc.yaml does template (the paths), a change is detected here and stops the run
  with one line: DVC's graph still has the old values, and a second `dvc repro` uses the new ones.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import PARAMS_FILE, load_config
from pipeline.errors import ConfigError, first_line, run_stage
from pipeline.io import atomic_path, file_digest, write_text

CONFIG_DIR = Path("params")
CONFIG_NAME = "config"
STAMP_TEXT = "params.yaml is composed from params/ (see pipeline/stages/params.py)\n"
DVC_FILE = Path("dvc.yaml")
TEMPLATE = re.compile(r"\$\{\s*([A-Za-z0-9_.]+)\s*\}")


def compose(
    output: Path, overrides: list[str] | None = None, config_dir: Path = CONFIG_DIR
) -> None:
    """Compose `config_dir` (with Hydra `overrides`) into `output`, as `dvc exp run` does."""
    from dvc.utils.hydra import compose_and_dump
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    with atomic_path(output) as tmp:
        try:
            compose_and_dump(tmp, str(config_dir.resolve()), None, CONFIG_NAME, "", overrides or [])
        except (HydraException, OmegaConfBaseException) as error:
            raise ConfigError(f"cannot compose {config_dir}/: {first_line(error)}") from None


def source_stamp(source: Path) -> str:
    """`sha256  name` for the source file, or for every file under the source folder, sorted."""
    if source.is_file():
        return f"{file_digest(source)}  {source.name}\n"
    if not source.is_dir():
        raise ConfigError(
            f"dataset.source {str(source)!r} does not exist; for dataset=csv set dataset.path "
            "to your file (relative to the project root or absolute)"
        )
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    return "".join(f"{file_digest(p)}  {p.relative_to(source).as_posix()}\n" for p in files)


def lookup(params: Any, key: str) -> Any:
    for part in key.split("."):
        params = params.get(part) if isinstance(params, dict) else None
    return params


def templated_changes(before: dict, after: dict, dvc_yaml: str) -> list[str]:
    """`key: old -> new` for every `${key}` of dvc.yaml whose value the composition changed."""
    keys = sorted(set(TEMPLATE.findall(dvc_yaml)))
    return [
        f"{key}: {lookup(before, key)!r} -> {lookup(after, key)!r}"
        for key in keys
        if lookup(before, key) != lookup(after, key)
    ]


def previous(path: Path) -> dict | None:
    """The params.yaml that DVC read before this composition; None when there is none to read
    (DVC could not have templated dvc.yaml from it either, so nothing is compared)."""
    try:
        loaded = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError):
        return None
    return loaded if isinstance(loaded, dict) else None


def main() -> None:
    before = None
    if os.environ.get("DVC_EXP_NAME"):
        print(f"params: {PARAMS_FILE} was composed by `dvc exp run`; leaving it as it is")
    else:
        before = previous(PARAMS_FILE)
        compose(PARAMS_FILE)
    config = load_config()
    changed = []
    if before is not None and DVC_FILE.is_file():
        changed = templated_changes(before, config.raw, DVC_FILE.read_text())
    write_text(config.paths.source_stamp, source_stamp(Path(config.dataset.source)))
    write_text(config.paths.params_stamp, STAMP_TEXT)
    if changed:
        raise ConfigError(
            f"params/ changed values that dvc.yaml templates ({'; '.join(changed)}); this run "
            "read dvc.yaml with the old ones, so run `dvc repro` once more (params.yaml is up to "
            "date now)"
        )


if __name__ == "__main__":
    run_stage(main)
