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

Before composing, it names a YAML typo under params/ by file, line and column, and an option or a
key that a group does not define with the closest valid one (pipeline/composition.py). The
composed file carries a header with the digest of its values: a params.yaml edited by hand is
refused (see `hand_edited`), and one composed by `dvc exp run` gets the header too, so that a
later `dvc repro` composes it again without taking it for a hand edit.

The stage is `always_changed` in dvc.yaml rather than given deps: the data source it hashes is a
parameter, which DVC would template from the params.yaml of before this composition, and it must
run before DVC re-runs the stages whose keys a hand edit changed.

A value that carries credentials (`tracking.uri=http://user:password@host`, `?token=...`) stops
the run before params.yaml keeps it: the composed file is checked before it replaces params.yaml,
and under `dvc exp run` DVC's params.yaml is written again with the credentials masked (DVC's own
copy, in the commit it stashes in .git before any stage runs, is left to `git gc`). Running first,
this stage also removes the temporary files that a killed stage left beside its outputs.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from pipeline.composition import (
    changed_keys,
    check_keys,
    check_options,
    check_yaml,
    hand_edit_error,
    recorded_digest,
    values_digest,
    with_header,
)
from pipeline.config import PARAMS_FILE, DatasetConfig, load_config
from pipeline.errors import ConfigError, first_line, run_stage
from pipeline.io import atomic_path, file_digest, write_text
from pipeline.tracking.secrets import (
    credentials_in,
    redact_uri,
    without,
)

CONFIG_DIR = Path("params")
# the project's params/, for a composition checked outside the project folder (as the tests do)
PROJECT_CONFIG_DIR = Path(__file__).resolve().parents[2] / CONFIG_DIR
CONFIG_NAME = "config"
STAMP_TEXT = "params.yaml is composed from params/ (see pipeline/stages/params.py)\n"
DVC_FILE = Path("dvc.yaml")
TEMPLATE = re.compile(r"\$\{\s*([A-Za-z0-9_.]+)\s*\}")
NOTE_EXP_RUN = (
    " (`dvc exp run -S` also stashed the value in .git's objects: `git gc --prune=now` removes it)"
)
STALE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp(\.[^.]+)?$")  # pipeline.io.atomic_path's names


def compose(
    output: Path,
    overrides: list[str] | None = None,
    config_dir: Path = CONFIG_DIR,
    check: Callable[[Path], None] | None = None,
) -> None:
    """Compose `config_dir` (with Hydra `overrides`) into `output`, as `dvc exp run` does;
    `check` sees the composed file before it replaces `output` (an error keeps the old one)."""
    from dvc.utils.hydra import compose_and_dump
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    check_yaml(config_dir)
    check_options(config_dir, overrides or [], CONFIG_NAME)
    with atomic_path(output) as tmp:
        try:
            compose_and_dump(tmp, str(config_dir.resolve()), None, CONFIG_NAME, "", overrides or [])
        except (HydraException, OmegaConfBaseException, yaml.YAMLError) as error:
            raise ConfigError(f"cannot compose {config_dir}/: {first_line(error)}") from None
        tmp.write_text(with_header(tmp.read_text(encoding="utf-8")), encoding="utf-8")
        if check is not None:
            check(tmp)


def credentials_error(found: list[tuple[str, str, list[str]]], note: str = "") -> ConfigError:
    """The refusal of values that carry credentials, naming each key but not the credentials."""
    shown = "; ".join(f"{key} = {redact_uri(value)}" for key, value, _ in found)
    keys = [key for key, _, _ in found]
    if all(key.startswith("tracking.") for key in keys):
        fix = (
            "put the URI in MLFLOW_TRACKING_URI, and credentials in MLFLOW_TRACKING_USERNAME / "
            "MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)"
        )
    else:
        fix = "remove them from the value and pass them through environment variables"
    return ConfigError(
        f"{', '.join(keys)} carries credentials ({shown}), which {PARAMS_FILE}, dvc.lock and "
        f"MLflow would keep in plain text; {fix}{note}"
    )


def refuse_credentials(path: Path) -> None:
    """Stop when a value of the composed file at `path` is a URI with credentials."""
    params = previous(path) or {}
    found = list(credentials_in(params))
    if found:
        raise credentials_error(found)


def redact_composed(path: Path) -> None:
    """Under `dvc exp run`, DVC has written params.yaml with its overrides: when a value carries
    credentials, write it again with them masked (as DVC writes it), then stop."""
    params = previous(path) or {}
    found = list(credentials_in(params))
    if not found:
        return
    from omegaconf import OmegaConf

    secrets = sorted({s for _, _, values in found for s in values}, key=lambda s: (-len(s), s))
    write_text(path, with_header(OmegaConf.to_yaml(OmegaConf.create(without(params, secrets)))))
    raise credentials_error(found, NOTE_EXP_RUN)


def remove_stale_temporaries(paths: Iterable[str]) -> list[Path]:
    """Remove the temporary files a killed stage left beside (or in) its outputs: a stage
    writes `.<name>.<random>.tmp<suffix>` and renames it, so one that remains is an orphan. DVC
    runs one stage at a time in a workspace, and this stage runs first."""
    removed: list[Path] = []
    for value in paths:
        path = Path(value)
        if path.is_absolute() or ".." in path.parts:
            continue  # outside the project
        found = path.rglob(".*") if path.is_dir() else path.parent.glob(".*")
        for file in sorted(found):
            if STALE.match(file.name) and file.is_file() and not file.is_symlink():
                file.unlink(missing_ok=True)
                removed.append(file)
    return sorted(set(removed))


def source_stamp(dataset: DatasetConfig | Path) -> str:
    """`sha256  name` for the source file, or for every file under the source folder, sorted."""
    source = Path(dataset.source) if isinstance(dataset, DatasetConfig) else dataset
    if source.is_file():
        return f"{file_digest(source)}  {source.name}\n"
    if not source.is_dir():
        path = dataset.options.get("path") if isinstance(dataset, DatasetConfig) else None
        named = (
            f"dataset.path {str(source)!r} names no file in the project folder"
            if path is not None and str(path) == str(source)
            else "no such file or folder"
        )
        raise ConfigError(
            f"dataset.source {str(source)!r} does not exist: {named}; for dataset=csv set "
            "dataset.path to your CSV or Parquet file (relative to the project folder, or "
            "absolute), e.g. -S dataset.path=data/mine.csv"
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


def hand_edited(text: str | None, composed_path: Path, config_dir: Path = CONFIG_DIR) -> None:
    """Stop when params.yaml (`text`, before this composition) was edited by hand: its values no
    longer match the digest its header records (or it has none) and differ from the composition.

    Refused rather than honoured: honouring would make params.yaml a second place to set
    parameters, that the next edit of params/ overwrites, and that `dvc exp run` (which composes
    params/ itself) ignores; refusing keeps params/ the one source and loses nothing."""
    if text is None:
        return
    try:
        edited = yaml.safe_load(text)
    except yaml.YAMLError:
        return  # DVC reads params.yaml before any stage, and names that error itself
    if recorded_digest(text) == values_digest(edited):
        return
    composed = previous(composed_path) or {}
    if changed_keys(composed, edited):
        raise hand_edit_error(config_dir, composed, edited)


def accept_composed(path: Path) -> None:
    """Under `dvc exp run`: DVC's composition, behind the header, so that the file stays accepted
    by a later `dvc repro` (after `dvc exp apply`, say) and is not taken for a hand edit."""
    text = path.read_text(encoding="utf-8")
    headed = with_header(text)
    if headed != text:
        write_text(path, headed)


def main(overrides: list[str] | None = None) -> None:
    """Compose params.yaml (with Hydra `overrides`, as `dvc exp run -S` gives them), or, under
    `dvc exp run`, check DVC's composition."""
    before = None
    if os.environ.get("DVC_EXP_NAME"):
        print(f"params: {PARAMS_FILE} was composed by `dvc exp run`; leaving it as it is")
        redact_composed(PARAMS_FILE)
        accept_composed(PARAMS_FILE)
        config_dir = CONFIG_DIR if CONFIG_DIR.is_dir() else PROJECT_CONFIG_DIR
        check_keys(config_dir, previous(PARAMS_FILE) or {})
    else:
        before = previous(PARAMS_FILE)
        text = PARAMS_FILE.read_text(encoding="utf-8") if PARAMS_FILE.is_file() else None

        def check(tmp: Path) -> None:
            refuse_credentials(tmp)
            hand_edited(text, tmp)
            check_keys(CONFIG_DIR, previous(tmp) or {})

        compose(PARAMS_FILE, overrides, check=check)
    config = load_config()
    removed = remove_stale_temporaries(config.paths.values())
    if removed:
        names = ", ".join(p.as_posix() for p in removed)
        print(f"params: removed {len(removed)} temporary file(s) a stopped stage left: {names}")
    changed = []
    if before is not None and DVC_FILE.is_file():
        changed = templated_changes(before, config.raw, DVC_FILE.read_text())
    write_text(config.paths.source_stamp, source_stamp(config.dataset))
    write_text(config.paths.params_stamp, STAMP_TEXT)
    if changed:
        raise ConfigError(
            f"params/ changed values that dvc.yaml templates ({'; '.join(changed)}); this run "
            "read dvc.yaml with the old ones, so run `dvc repro` once more (params.yaml is up to "
            "date now)"
        )


if __name__ == "__main__":
    run_stage(lambda: main(sys.argv[1:]))
