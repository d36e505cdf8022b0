"""Runs left RUNNING by a dead process: the owner tag tells a live process from a dead one (a pid
reused by a later process included), and the collection marks exactly the dead owners' runs KILLED
in a real MLflow store, leaving live, foreign and unknown owners alone with the reason."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from mlflow import MlflowClient

from pipeline.tracking.gc import GC_TAG, collect_garbage
from pipeline.tracking.owner import OWNER_TAG, identity, verdict
from pipeline.tracking.quiet import quiet

pytestmark = pytest.mark.skipif(identity() is None, reason="no /proc: owners cannot be judged")


def dead_owner() -> str:
    """The identity of a process that ran and ended."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    owner = identity(child.pid)
    child.kill()
    child.wait()
    assert owner is not None and identity(child.pid) is None
    return owner


def test_this_process_is_alive_and_an_ended_one_is_gone() -> None:
    here = identity()
    assert here is not None
    host, boot, pid, start = here.split(" ")
    assert (host, int(pid)) == (socket.gethostname(), os.getpid()) and start.isdigit()
    assert verdict(here) == (False, f"process {pid} on {host} is still running")
    gone = dead_owner()
    assert verdict(gone).dead and verdict(gone).why.endswith("is gone")


def test_a_reused_pid_or_a_reboot_is_not_the_owner() -> None:
    host, boot, pid, start = identity().split(" ")
    later = f"{host} {boot} {pid} {int(start) + 1}"  # same pid, another start: another process
    assert verdict(later).dead
    rebooted = f"{host} {'0' * 8}-0000-0000-0000-{'0' * 12} {pid} {start}"
    assert verdict(rebooted) == (True, f"process {pid} on {host} ran before the machine restarted")


def test_foreign_unknown_and_malformed_owners_are_left_alone() -> None:
    _, boot, pid, start = identity().split(" ")
    assert verdict(f"elsewhere {boot} {pid} {start}") == (
        False, "owned by a process on elsewhere: run the collection there",
    )  # fmt: skip
    assert not verdict(None).dead and "no owner recorded" in verdict(None).why
    assert not verdict("one two").dead and "is not <host>" in verdict("one two").why


def test_the_collection_marks_exactly_the_dead_owners_runs(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    _, boot, pid, start = identity().split(" ")
    owners = {
        "dead": dead_owner(),
        "alive": identity(),
        "foreign": f"elsewhere {boot} {pid} {start}",
        "unknown": None,
    }
    with quiet():
        client = MlflowClient(uri)
        experiment = client.create_experiment("gc", artifact_location=str(tmp_path / "art"))
        ids = {}
        for name, owner in owners.items():
            tags = {OWNER_TAG: owner} if owner else {}
            ids[name] = client.create_run(experiment, run_name=name, tags=tags).info.run_id
        finished = client.create_run(
            experiment, run_name="finished", tags={OWNER_TAG: owners["dead"]}
        )
        client.set_terminated(finished.info.run_id, "FINISHED")
    assert [c.killed for c in collect_garbage(uri, dry_run=True)] == [True, False, False, False]
    with quiet():
        assert client.get_run(ids["dead"]).info.status == "RUNNING"  # a dry run marks nothing
    found = {c.name: c for c in collect_garbage(uri)}
    assert set(found) == {"dead", "alive", "foreign", "unknown"}  # FINISHED runs are not looked at
    assert [name for name, c in found.items() if c.killed] == ["dead"]
    with quiet():
        statuses = {name: client.get_run(run_id).info.status for name, run_id in ids.items()}
        assert statuses == {"dead": "KILLED", "alive": "RUNNING", "foreign": "RUNNING",
                            "unknown": "RUNNING"}  # fmt: skip
        assert client.get_run(ids["dead"]).data.tags[GC_TAG].startswith("marked KILLED: process ")
        assert client.get_run(ids["dead"]).info.end_time is not None
    assert [c.name for c in collect_garbage(uri)] == ["alive", "foreign", "unknown"]
