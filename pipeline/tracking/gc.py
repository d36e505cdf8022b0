"""Runs left RUNNING by a process that is gone, marked KILLED (`make tracking-gc`).

A stopped pipeline marks its own run FAILED or KILLED (pipeline/tracking/run.py); only a process
killed without a chance to react (SIGKILL, an out-of-memory kill, a power cut) leaves its run
RUNNING. Every RUNNING run of the store is judged by its owner tag (pipeline/tracking/owner.py):
a run whose process is known to be gone is marked KILLED, with a tag saying why; a run whose owner
is alive, on another machine or unknown is left alone and named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.tracking.owner import OWNER_TAG, verdict
from pipeline.tracking.quiet import quiet

GC_TAG = "pipeline.gc"


@dataclass(frozen=True)
class Collected:
    run_id: str
    name: str
    killed: bool  # marked KILLED now (or, in a dry run, would be)
    why: str


def running_runs(client: Any) -> list[Any]:
    """Every RUNNING run of every experiment (deleted ones included), oldest first."""
    from mlflow.entities import ViewType

    experiments = [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL)]
    if not experiments:
        return []
    return list(
        client.search_runs(
            experiments, "attributes.status = 'RUNNING'", run_view_type=ViewType.ALL,
            order_by=["attributes.start_time ASC"], max_results=50_000,
        )
    )  # fmt: skip


def collect_garbage(uri: str, dry_run: bool = False) -> list[Collected]:
    """Judge every RUNNING run of the store at `uri`; mark those whose process is gone KILLED."""
    import mlflow

    with quiet():
        client = mlflow.MlflowClient(uri)
        found = []
        for run in running_runs(client):
            judged = verdict(run.data.tags.get(OWNER_TAG))
            name = run.info.run_name or ""
            if judged.dead and not dry_run:
                client.set_tag(run.info.run_id, GC_TAG, f"marked KILLED: {judged.why}")
                client.set_terminated(run.info.run_id, "KILLED")
            found.append(Collected(run.info.run_id, name, judged.dead, judged.why))
    return found
