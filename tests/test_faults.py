"""Stops and kills leave the project as it was: one line and no traceback for a stop (SIGTERM,
Ctrl-C), and after `kill -9` in the middle of `dvc repro` (up to `evaluate`, to stay quick), the
next `dvc repro` gives the same
outputs, byte for byte, as an uninterrupted run, with no temporary file left."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, copy_repository, run_stages, sh

pytestmark = pytest.mark.slow
SMALL = "dataset:\n  n_rows: 1500\ncrossval:\n  folds: 0\nevaluate:\n  n_boot: 20\n"


def catches_sigterm(pid: int) -> bool:
    """Whether process `pid` has a SIGTERM handler: the stage's code is running."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def wait_for(condition, timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def temporaries(folder: Path) -> list[str]:
    """Files named like pipeline.io.atomic_path's temporary files, outside .git and .dvc."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*.tmp*")
        if not {".git", ".dvc", ".venv"} & set(p.relative_to(folder).parts)
    )


# --- a stage stopped by a signal


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """A folder with the splits of 20,000 synthetic rows: `train` runs for a few seconds."""
    folder = tmp_path_factory.mktemp("stop")
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        run_stages(folder, ["dataset=synthetic", "dataset.n_rows=20000"], ["ingest", "features"])
    finally:
        os.chdir(cwd)
    return folder


def stage(folder: Path, name: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", f"pipeline.stages.{name}"], cwd=folder, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("signum", "delay", "status"),
    [(signal.SIGTERM, 0.0, 143), (signal.SIGTERM, 1.5, 143), (signal.SIGINT, 1.0, 130)],
    ids=["sigterm-at-start", "sigterm-mid-fit", "ctrl-c-mid-fit"],
)
def test_a_stopped_stage_says_one_line_and_changes_nothing(
    prepared: Path, signum: int, delay: float, status: int
) -> None:
    model = prepared / "models/model.pkl"
    model.unlink(missing_ok=True)
    model.parent.mkdir(exist_ok=True)
    model.write_bytes(b"the previous model")
    process = stage(prepared, "train")
    try:
        wait_for(lambda: catches_sigterm(process.pid) or process.poll() is not None, what="start")
        time.sleep(delay)
        assert process.poll() is None, "train ended before the signal"
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    assert process.returncode == status, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    name = "SIGTERM" if signum == signal.SIGTERM else "Ctrl-C"
    assert lines[0].startswith(f"error: interrupted by {name}"), lines
    assert "re-run dvc repro" in lines[0]
    assert model.read_bytes() == b"the previous model"
    assert temporaries(prepared) == []


# --- kill -9 in the middle of dvc repro


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A copy of the repository on 1,500 synthetic rows without cross-validation, committed."""
    folder = copy_repository(tmp_path_factory.mktemp("faults"))
    config = folder / "params/config.yaml"
    text = config.read_text().replace("  - dataset: adult\n", "  - dataset: synthetic\n")
    config.write_text(text + SMALL)
    sh(["git", "commit", "-qam", "small"], folder)
    return folder


def kill_during(folder: Path, name: str, *args: str) -> str:
    """Start `dvc repro evaluate`, SIGKILL its whole process group once stage `name` is at work."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DVC_EXP_NAME", None)
    process = subprocess.Popen(
        ["dvc", "repro", *args, "evaluate"], cwd=folder, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    seen = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if line.startswith(f"Running stage '{name}'"):
                break
        else:
            raise AssertionError(f"stage {name} never ran:\n{''.join(seen)}")
        cmd = f"pipeline.stages.{name}"

        def working() -> bool:
            """Whether a process of the group runs the stage's code: the shell that starts it
            matches the command too, so every match is asked, not the first."""
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    with contextlib.suppress(OSError):
                        if (
                            cmd in (entry / "cmdline").read_text()
                            and os.getpgid(int(entry.name)) == process.pid
                            and catches_sigterm(int(entry.name))
                        ):
                            return True
            return False

        wait_for(working, what=f"stage {name} at work")
        time.sleep(0.3)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return "".join(seen)


def outputs(folder: Path) -> dict[str, str]:
    """Every stage output in dvc.lock with its MD5, checked against the file (for files)."""
    lock = yaml.safe_load((folder / "dvc.lock").read_text())["stages"]
    found = {}
    for entry in lock.values():
        for out in entry.get("outs", []):
            path = folder / out["path"]
            if path.is_file():
                assert hashlib.md5(path.read_bytes()).hexdigest() == out["md5"], out["path"]
            found[out["path"]] = out["md5"]
    return found


def test_kill_9_then_repro_gives_the_outputs_of_an_uninterrupted_run(small: Path) -> None:
    kill_during(small, "train")
    again = sh(["dvc", "repro", "evaluate"], small)
    assert "Running stage 'train'" in again.stdout
    assert temporaries(small) == []
    config = small / "params/config.yaml"
    config.write_text(config.read_text().replace("n_boot: 20", "n_boot: 30"))
    kill_during(small, "evaluate")
    again = sh(["dvc", "repro", "evaluate"], small)
    assert "Running stage 'evaluate'" in again.stdout
    assert temporaries(small) == []
    recovered = outputs(small)
    assert len(recovered) > 8
    sh(["dvc", "repro", "--force", "--no-run-cache", "evaluate"], small)  # uninterrupted
    assert outputs(small) == recovered
