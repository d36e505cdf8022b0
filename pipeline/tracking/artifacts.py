"""Which files a run logs, and what is uploaded for each.

The folders holding the reports (plots live below them), the data's provenance, params.yaml,
dvc.lock as it stands when the track stage starts (its `track` entry is the previous run's: DVC
writes it after this stage succeeds) and the environment's dependency lock. The copies of
params.yaml and dvc.lock have the values of secret-named params masked.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Config
from pipeline.tracking.config import DVC_LOCK, PARAMS_YAML
from pipeline.tracking.secrets import any_secret, lock_params_secret, mask_yaml

MASKED = {PARAMS_YAML: any_secret, DVC_LOCK: lock_params_secret}  # logged with secrets masked


def artifact_paths(config: Config, metrics_files: list[str], lock_file: str) -> list[Path]:
    """Files and folders to log: the folders holding the reports (metrics files, validation report;
    plots live below them), the data's provenance, params.yaml, dvc.lock and the dependency lock."""
    reports = {Path(name) for name in [*metrics_files, config.paths.validation]}
    folders = {path.parent if path.parent != Path(".") else path for path in reports}
    outermost = sorted(f for f in folders if not any(other in f.parents for other in folders))
    wanted = [*outermost, Path(config.paths.provenance), PARAMS_YAML, DVC_LOCK, Path(lock_file)]
    return [path for path in dict.fromkeys(wanted) if path.exists()]


def artifact_files(paths: list[Path]) -> list[Path]:
    """The files to upload: each file of `paths`, and the files in each folder but hidden ones."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if file.is_file() and not hidden:
                    files.append(file)
        else:
            files.append(path)
    return files


def upload_copy(file: Path, folder: Path) -> Path:
    """What is uploaded for `file`: the file itself, or for params.yaml and dvc.lock a copy under
    `folder` (same name) with the values of secret-named params masked."""
    if file not in MASKED:
        return file
    copy = folder / file
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(mask_yaml(file.read_text(encoding="utf-8"), MASKED[file]), "utf-8")
    return copy
