"""Mark KILLED the MLflow runs left RUNNING by a process that is gone (SIGKILL, out of memory, a
power cut): `make tracking-gc`, on the store the pipeline logs to (params.yaml's tracking.uri, or
MLFLOW_TRACKING_URI). Runs whose process is alive, on another machine or unknown are left alone,
each named with the reason (pipeline/tracking/gc.py).

    python -m tools.tracking_gc              # mark them
    python -m tools.tracking_gc --dry-run    # only say which
"""

from __future__ import annotations

import argparse

from pipeline.config import load_config
from pipeline.errors import run_stage
from pipeline.tracking.config import project_root, resolve_target, tracking_config
from pipeline.tracking.gc import collect_garbage
from pipeline.tracking.secrets import redact_uri
from pipeline.tracking.store import store_lock


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="say which runs, mark none")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    root = project_root()
    uri = resolve_target(tracking_config(load_config()), root).uri
    with store_lock(uri, root):  # one writer of a SQLite store at a time, the pipeline included
        found = collect_garbage(uri, args.dry_run)
    verb = "would mark" if args.dry_run else "marked"
    for run in found:
        what = f"{verb} KILLED" if run.killed else "left RUNNING"
        print(f"tracking-gc: run {run.run_id} ({run.name}) {what}: {run.why}")
    killed = sum(run.killed for run in found)
    print(f"tracking-gc: {len(found)} RUNNING runs in {redact_uri(uri)}, {killed} {verb} KILLED")


if __name__ == "__main__":
    run_stage(main)
