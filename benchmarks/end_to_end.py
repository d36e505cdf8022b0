"""Time the whole pipeline, stage by stage, against the floor of one process doing the same work.

    .venv/bin/python benchmarks/end_to_end.py [--rows 10000 100000 1000000] [--huge]
                                            [--model hist_gradient_boosting] [--out FILE]
                                            [--components]

In a fresh clone of the committed project (HEAD: uncommitted changes are not measured), one
`dvc repro` per size on `synthetic` with the model, every other parameter at its default but
`crossval=skip` (5 more fits: a stage of its own, not the pipeline's overhead); the clone's
params/ chooses them, as a user edits it (`dvc exp run -S` adds about 6 s of git bookkeeping per
run). Each stage prints
its wall time, CPU time and peak memory when it ends (pipeline/progress.py: accounting); DVC's
share is the run's wall time minus the stages'. A first run on 1,000 rows, not shown, compiles the
numba kernels into the clone's cache, as any checkout's first run does.

The floor: one Python process that reads the same training and test Parquet files, fits the same
scikit-learn Pipeline on the same cores and predicts the test rows; its predictions must equal the
pipeline's exactly. The table gives per stage and size the wall, CPU and peak memory, the growth of
wall time from one size to the next, and the pipeline's total over the floor. `--huge` adds
10,000,000 rows. `--components` then runs benchmarks/fairness.py (with scores) and
benchmarks/correlation.py at the largest size up to 1,000,000 rows: the two stages' computations
against fairlearn and the pair-by-pair reference. `--out` writes it all, with the machine's cores,
memory and load, as Markdown.
Not part of the test suite (minutes); tests/test_benchmarks.py runs it once at a tiny size.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^(\w+): done in ([\d.]+) s(?: after imports)? \(([\d.]+) s CPU\), "
                  r"peak memory (\d+) MiB$", re.M)  # fmt: skip
FLOOR = """
import sys, time
import numpy as np, pandas as pd
from pipeline.config import load_config
from pipeline.data.features import FeaturesConfig
from pipeline.models.build import train
from pipeline.models.config import read_model
from pipeline.models.threads import cores
from pipeline.schema import read_schema
config = load_config()
schema = read_schema(config.paths.schema)
fit_rows = pd.read_parquet(config.paths.train)
test = pd.read_parquet(config.paths.test)
with cores(config.n_jobs):
    model = train(fit_rows, schema, config.section(FeaturesConfig, "features"), read_model(config))
    y_pred = model.predict(test[list(schema.features)])
expected = pd.read_parquet(config.paths.predictions)["y_pred"].to_numpy()
sys.exit(0 if np.array_equal(y_pred, expected) else "the floor's predictions differ")
"""


def sh(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[str, float, float]:
    """Run `args`; (its output, wall seconds, CPU seconds of it and its children)."""
    before, start = os.times(), time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    wall, after = time.perf_counter() - start, os.times()
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(args[:3])} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return (
        done.stdout + done.stderr,
        wall,
        (
            after.children_user
            + after.children_system
            - before.children_user
            - before.children_system
        ),
    )


def choose(clone: Path, rows: int, model: str) -> None:
    """Edit the clone's params/: `synthetic` with `rows` rows, `model`, `crossval=skip`."""
    config = clone / "params" / "config.yaml"
    text = config.read_text()
    for group, option in (("dataset", "synthetic"), ("model", model), ("crossval", "skip")):
        text, found = re.subn(rf"^  - {group}: \S+$", f"  - {group}: {option}", text, flags=re.M)
        if found != 1:
            sys.exit(f"error: params/config.yaml has no default for the group {group}")
    config.write_text(text)
    dataset = clone / "params" / "dataset" / "synthetic.yaml"
    text, found = re.subn(r"^n_rows: \d+$", f"n_rows: {rows}", dataset.read_text(), flags=re.M)
    if found != 1:
        sys.exit("error: params/dataset/synthetic.yaml has no n_rows")
    dataset.write_text(text)


def measure(clone: Path, rows: int, model: str) -> dict[str, tuple[float, float, float]]:
    """Stage -> (wall s, CPU s, peak MiB) of one `dvc repro`; also 'dvc', 'total', 'floor'."""
    choose(clone, rows, model)
    output, wall, cpu = sh(["dvc", "repro"], clone)
    stages = {m[1]: (float(m[2]), float(m[3]), float(m[4])) for m in LINE.finditer(output)}
    if "track" not in stages:
        sys.exit(f"error: no accounting line from track in the run's output:\n{output[-3000:]}")
    inside = sum(v[0] for v in stages.values())
    stages["dvc"] = (wall - inside, cpu - sum(v[1] for v in stages.values()), float("nan"))
    stages["total"] = (wall, cpu, max(v[2] for v in stages.values() if v[2] == v[2]))
    env = {**os.environ, "PYTHONPATH": str(clone)}
    _, floor_wall, floor_cpu = sh([sys.executable, "-c", FLOOR], clone, env)
    stages["floor"] = (floor_wall, floor_cpu, float("nan"))
    return stages


def table(found: dict[int, dict[str, tuple[float, float, float]]]) -> str:
    sizes = sorted(found)
    names = [n for n in found[sizes[0]] if n not in ("dvc", "total", "floor")]
    names += ["dvc", "total", "floor"]
    head = "| stage | " + " | ".join(f"{n:,} rows: wall s, CPU s, peak MiB" for n in sizes)
    head += "".join(f" | growth {a:,} to {b:,}" for a, b in zip(sizes, sizes[1:], strict=False))
    lines = [head + " |", "|---" * (1 + 2 * len(sizes) - 1) + "|"]
    for name in names:
        cells = []
        for n in sizes:
            wall, cpu, peak = found[n].get(name, (float("nan"),) * 3)
            cells.append(f"{wall:.1f}, {cpu:.1f}, " + ("-" if peak != peak else f"{peak:.0f}"))
        for a, b in zip(sizes, sizes[1:], strict=False):
            grown = found[b][name][0] / found[a][name][0] if name in found[a] else None
            cells.append("" if grown is None else f"{grown:.1f}x")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    ratios = ", ".join(
        f"{n:,} rows {found[n]['total'][0] / found[n]['floor'][0]:.2f}x" for n in sizes
    )
    return "\n".join(lines) + f"\n\nThe pipeline's total over the floor: {ratios}.\n"


def components(rows: int) -> str:
    """The fairness and correlation stages' computations against their references (fairlearn,
    pair by pair), as the pipeline runs them (scores included), at `rows` rows."""
    text = ""
    for script, extra in (("fairness.py", ["--scores"]), ("correlation.py", ["--repeat", "1"])):
        args = [sys.executable, str(ROOT / "benchmarks" / script), "--rows", str(rows), *extra]
        output, _, _ = sh(args, ROOT)
        print(output)
        text += f"\n`benchmarks/{script} {' '.join(args[3:])}`:\n\n```\n{output.strip()}\n```\n"
    return text


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    if Path("/proc/meminfo").is_file():
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 2**20:.1f} GiB of memory"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{cores} cores{memory}, load average {load} (1, 5, 15 minutes)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--huge", action="store_true", help="add 10,000,000 rows")
    parser.add_argument("--model", default="hist_gradient_boosting")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--warm-up", type=int, default=1000, help="rows of the unshown first run")
    parser.add_argument("--components", action="store_true", help="fairness, correlation")
    args = parser.parse_args()
    sizes = sorted(set(args.rows) | ({10_000_000} if args.huge else set()))
    before = machine()
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        clone = Path(folder) / "project"
        sh(["git", "clone", "-q", str(ROOT), str(clone)], ROOT)
        measure(clone, args.warm_up, args.model)
        found = {}
        for rows in sizes:
            found[rows] = measure(clone, rows, args.model)
            print(f"{rows:,} rows: {found[rows]['total'][0]:.1f} s", file=sys.stderr)
    report = (f"`dvc repro` on `synthetic` with `{args.model}`, `crossval=skip`; "
              f"machine: {before} before, {machine()} after.\n\n{table(found)}")  # fmt: skip
    print(report)
    if args.components:
        report += components(min(max(sizes), 1_000_000))
    if args.out:
        args.out.write_text(f"# The pipeline against its floor\n\n{report}")


if __name__ == "__main__":
    main()
