"""Sweeps on a SLURM cluster for real: scripts/cluster.sh starts munged, slurmctld and slurmd
(Debian's slurm-wlm) on free ports with their state in a temporary folder, scripts/services.sh the
team services (PostgreSQL, SeaweedFS, an MLflow server); scripts/sweep.sh submits a 3-point sweep
of a project whose git remote is a bare repository. Each job clones it, runs `dvc exp run`, logs to
the server and pushes its experiment; the test reads the 3 FINISHED runs back from the server,
watches every SLURM and MUNGE listener stay on 127.0.0.1 while the jobs run, pulls the 3
experiments into another clone, and sees a failing job named with its log. Slow (3.5 min on
2 cores: the jobs run the whole pipeline on 600 rows, two at a time).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import ROOT, all_runs, copy_repository, sh
from mlflow import MlflowClient
from services import Services, bindable, listeners, listening, log_tail, script, services

from tools.check_repro import environment

__all__ = ["services"]  # the fixture

SCRIPTS = ROOT / "scripts"
PROGRAMS = ("munged", "slurmctld", "slurmd", "scontrol", "sinfo", "sbatch", "squeue")
DAEMONS = ("munged", "slurmctld", "slurmd", "slurmstepd")  # whatever of SLURM may listen
COMMON = ["dataset=synthetic", "dataset.n_rows=600", "crossval=skip", "tracking=server"]
COMMON += ["model=logistic_regression"]
VALUES = ["0.5", "1.0", "2.0"]  # model.C, one job each
SWEEP = "team-sweep"


@dataclass(frozen=True)
class Cluster:
    folder: Path  # CLUSTER_DIR
    env: dict[str, str]  # the script's environment: the folder and the ports
    ports: dict[str, int]

    @property
    def conf(self) -> Path:
        return self.folder / "slurm.conf"


def cluster_script(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return script(command, env, path=SCRIPTS / "cluster.sh")


def two_free_ports() -> dict[str, int]:
    """Ports for slurmctld and slurmd, below the ephemeral range, none of the defaults."""
    rng = random.Random()
    chosen: list[int] = []
    while len(chosen) < 2:
        port = rng.randrange(20000, 32000)
        if port not in chosen and bindable(port):
            chosen.append(port)
    return {"SLURMCTLD_PORT": chosen[0], "SLURMD_PORT": chosen[1]}


def install_slurm() -> None:
    """Debian's slurm-wlm and munge through the Makefile's `cluster` target, when missing."""
    if all(shutil.which(program) for program in PROGRAMS):
        return
    if shutil.which("apt-get") is None:
        pytest.skip(
            "Debian's slurm-wlm and munge are not installed (no slurmctld, slurmd, munged) and "
            "apt-get is not available to install them"
        )
    made = subprocess.run(
        ["make", "-s", "cluster"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    if made.returncode != 0 or not all(shutil.which(program) for program in PROGRAMS):
        pytest.fail(f"`make cluster` could not install slurm-wlm and munge:\n{made.stderr}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """The single-node cluster, started by the script; always stopped afterwards."""
    install_slurm()
    folder = Path(tempfile.mkdtemp(prefix="pipeline-cluster-"))
    ports = two_free_ports()
    env = {**os.environ, "CLUSTER_DIR": str(folder), **{k: str(v) for k, v in ports.items()}}
    env.pop("SLURM_CONF", None)
    try:
        started = cluster_script("start", env)
        if started.returncode != 0:
            pytest.fail(f"scripts/cluster.sh start failed:\n{log_tail(started.stderr)}")
        yield Cluster(folder, env, ports)
    finally:
        cluster_script("stop", env)  # a second stop after the test's own does nothing
        shutil.rmtree(folder, ignore_errors=True)


def daemon_listeners() -> set[tuple[str, str, int]]:
    """(program, address, port) of every TCP listener of MUNGE and SLURM, from `ss -ltnp`."""
    shown = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    found = set()
    for line in shown.splitlines():
        fields = line.split()
        for program in DAEMONS:
            if f'(("{program}"' in line:
                host, _, port = fields[3].rpartition(":")
                found.add((program, host, int(port)))
    return found


def sweep(
    project: Path, env: dict[str, str | None], args: list[str], watch: set | None = None
) -> subprocess.CompletedProcess:
    """scripts/sweep.sh --wait in `project`; while it waits, the daemons' listeners join `watch`."""
    command = [str(project / "scripts" / "sweep.sh"), "--wait", *args]
    process = subprocess.Popen(
        command, cwd=project, env=environment(env), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 900  # the jobs share the cores with other tests under -n
    while process.poll() is None and time.monotonic() < deadline:
        if watch is not None:
            watch |= daemon_listeners()
        time.sleep(1)
    if process.poll() is None:
        process.kill()
    out, err = process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def job_logs(folder: Path) -> str:
    return "\n".join(
        f"--- {log}:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        for log in sorted(folder.glob("*/*/job.log"))
    )


def experiments(repo: Path) -> dict[str, dict]:
    """Experiment name -> its params.yaml, from `dvc exp show --json`."""
    shown = json.loads(sh(["dvc", "exp", "show", "--json"], repo).stdout)
    found = {}
    for baseline in shown:
        for experiment in baseline.get("experiments") or []:
            for rev in experiment["revs"]:
                found[rev["name"]] = rev["data"]["params"]["params.yaml"]["data"]
    return found


@pytest.mark.slow  # three jobs of the whole pipeline, two at a time: about 3.5 min
def test_a_sweep_of_slurm_jobs_meets_in_mlflow_and_in_dvc_exp_show(
    services: Services, cluster: Cluster, tmp_path: Path
) -> None:
    origin, storage = tmp_path / "origin.git", tmp_path / "storage"
    sh(["git", "init", "-q", "--bare", "-b", "main", str(origin)], tmp_path)
    first = copy_repository(tmp_path / "first")
    sh(["git", "remote", "add", "origin", str(origin)], first)
    sh(["git", "push", "-q", "origin", "main"], first)
    sh(["dvc", "remote", "modify", "--local", "shared", "url", str(storage)], first)
    commit = sh(["git", "rev-parse", "HEAD"], first).stdout.strip()
    env: dict[str, str | None] = {
        "MLFLOW_TRACKING_URI": services.tracking_uri,  # from the environment, as a user's
        "SLURM_CONF": str(cluster.conf),
        "SWEEP_VENV": str(Path(sys.executable).parent.parent),
        "SWEEP_DIR": str(tmp_path / "sweeps"),
        "SWEEP_POLL": "1",
    }
    common = [arg for override in COMMON for arg in ("-S", override)]
    args = ["--name", SWEEP, *common, "-S", "model.C=" + ",".join(VALUES)]
    watched: set[tuple[str, str, int]] = set()
    began = time.monotonic()
    done = sweep(first, env, args, watched)
    took = time.monotonic() - began
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\n{job_logs(tmp_path / 'sweeps')}"
    # a line per job submitted, with its id, then one per job done
    jobs = re.findall(rf"^sweep: job (\d+): ({SWEEP}-\d): .* \(log ", done.stdout, re.M)
    names = [f"{SWEEP}-{n}" for n in range(1, len(VALUES) + 1)]
    assert [name for _, name in jobs] == names, done.stdout
    assert done.stdout.count(": done\n") == len(VALUES), done.stdout
    print(f"sweep of {len(VALUES)} jobs: {took:.0f} s")

    # every listener of SLURM and MUNGE, watched while the jobs ran: the two daemons' ports on
    # the loopback address, nothing else (munged has only its unix socket)
    ports = set(cluster.ports.values())
    assert {(program, port) for program, _, port in watched} == {
        ("slurmctld", cluster.ports["SLURMCTLD_PORT"]),
        ("slurmd", cluster.ports["SLURMD_PORT"]),
    }, watched
    assert {host for _, host, _ in watched} == {"127.0.0.1"}, watched
    again = cluster_script("start", cluster.env)  # started once: says so, changes nothing
    assert again.returncode == 0 and again.stdout.count("already running") == 3, again.stdout
    # and the team services' (test_services.py checks each of them)
    bound = listeners(services.all_ports())
    assert {host for hosts in bound.values() for host in hosts} == {"127.0.0.1"}, bound

    # three FINISHED runs on the tracking server, one per experiment, with its point and commit
    client = MlflowClient(services.tracking_uri)
    runs = {run.data.tags.get("dvc.exp_name"): run for run in all_runs(client)}
    assert sorted(runs) == names, runs.keys()
    for name, value in zip(names, VALUES, strict=True):
        run = runs[name]
        assert run.info.status == "FINISHED"
        assert float(run.data.params["model.C"]) == float(value)
        assert run.data.params["model.name"] == "logistic_regression"
        assert run.data.tags["git.commit"] == commit
        assert "test/accuracy" in run.data.metrics

    # another clone of the git remote: `dvc exp pull` brings the three experiments, with their
    # params, and their outputs from the DVC remote
    other = tmp_path / "other"
    sh(["git", "clone", "-q", str(origin), str(other)], tmp_path)
    sh(["dvc", "remote", "modify", "--local", "shared", "url", str(storage)], other)
    sh(["dvc", "exp", "pull", "origin"], other)
    shown = experiments(other)
    assert sorted(shown) == names, shown.keys()
    for name, value in zip(names, VALUES, strict=True):
        assert float(shown[name]["model"]["C"]) == float(value)
        assert shown[name]["dataset"]["n_rows"] == 600
    sh(["dvc", "exp", "apply", names[1]], other)
    assert (other / "models" / "model.pkl").is_file()
    assert not (tmp_path / "sweeps" / SWEEP / "1" / "workspace").exists()  # removed when done

    # a job that fails: --wait exits 1 naming its log, which says why
    failed = sweep(first, env, ["--name", "broken", "-S", "model=no_such_model"])
    log = tmp_path / "sweeps" / "broken" / "1" / "job.log"
    assert failed.returncode == 1, f"{failed.stdout}\n{failed.stderr}"
    assert "failed with exit status" in failed.stderr and str(log) in failed.stderr
    assert "no_such_model" in log.read_text()

    stopped = cluster_script("stop", cluster.env)
    assert stopped.returncode == 0, stopped.stderr
    assert [port for port in ports if listening(port)] == []
    status = cluster_script("status", cluster.env).stdout.splitlines()
    assert [line.split()[1] for line in status] == ["stopped"] * 3
