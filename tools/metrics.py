"""The metrics and experiments people compare, readable in 100 columns.

    python -m tools.metrics            # this run: each test metric with its interval, cross-
                                       # validation, the baselines, fairness verdicts
    python -m tools.metrics --exps     # a row per commit and experiment of `dvc exp show`
    python -m tools.metrics --exps -A  # arguments after --exps go to `dvc exp show` (-A, -n 5, ...)

`dvc metrics show` prints every metric of every file in one 1,800-character row, and `dvc exp show`
every parameter; this reads their `--json` output and keeps the task's headline metric (ROC AUC
for a binary task, accuracy for a multiclass one, R² for a regression) with its bootstrap
interval, the model, the dataset, cross-validation and the count of failed fairness criteria.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

WIDTH = 100
MISSING = "-"
BASELINES = ("linear", "majority")


def flat_metrics(files: Mapping[str, Any] | None) -> dict[str, Any]:
    """DVC's metrics by file (`{file: {"data": {...}}}`) as one flat dict of metric names."""
    out: dict[str, Any] = {}

    def walk(prefix: str, data: Mapping[str, Any]) -> None:
        for key, value in data.items():
            if isinstance(value, Mapping):
                walk(f"{prefix}{key}/", value)
            else:
                out[f"{prefix}{key}"] = value

    for found in (files or {}).values():
        walk("", (found or {}).get("data") or {})
    return out


def headline(metrics: Mapping[str, Any]) -> str | None:
    """The task's headline test metric: R² (regression), ROC AUC (binary), else accuracy."""
    for name in ("r2", "roc_auc", "accuracy"):
        if f"test/{name}" in metrics:
            return name
    return None


def number(value: Any, digits: int = 3) -> str:
    return MISSING if not isinstance(value, int | float) else f"{value:.{digits}f}"


def with_interval(metrics: Mapping[str, Any], key: str, digits: int = 3) -> str:
    """`0.928 [0.923, 0.933]`, the value alone without an interval, `-` without a value."""
    value, low, high = (metrics.get(f"{key}{end}") for end in ("", "_low", "_high"))
    if not isinstance(value, int | float):
        return MISSING
    if isinstance(low, int | float) and isinstance(high, int | float):
        return f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"
    return f"{value:.{digits}f}"


def verdicts(metrics: Mapping[str, Any]) -> tuple[int, int]:
    """Failed and assessed fairness criteria, summed over the audits."""
    failed = assessed = 0
    for key, value in metrics.items():
        if key.startswith("fairness/") and isinstance(value, int | float):
            if key.endswith("/criteria_failed"):
                failed += int(value)
            elif key.endswith("/criteria_assessed"):
                assessed += int(value)
    return failed, assessed


def verdict_text(metrics: Mapping[str, Any]) -> str:
    failed, assessed = verdicts(metrics)
    return f"{failed}/{assessed}" if assessed else MISSING


def dataset_label(params: Mapping[str, Any]) -> str:
    """The dataset's name; a CSV or Parquet file by its file name."""
    dataset = params.get("dataset") or {}
    name = str(dataset.get("name", MISSING))
    path = dataset.get("path")
    return f"{name}:{Path(str(path)).name}" if path and name == "csv" else name


def fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], shrink: Sequence[int] = ()) -> str:
    """Left-aligned columns two spaces apart; the columns in `shrink` (by index) are cut with
    an ellipsis, widest first, until a line fits WIDTH."""
    rows = [list(r) for r in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    while sum(widths) + 2 * (len(widths) - 1) > WIDTH and shrink:
        widest = max(shrink, key=lambda i: widths[i])
        if widths[widest] <= max(len(headers[widest]), 8):
            break
        widths[widest] -= 1
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(fit(str(cell), w).ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def percent(level: Any) -> str:
    return f"{float(level) * 100:g}%" if isinstance(level, int | float) else "95%"


# --- this run (dvc metrics show)


def metric_names(metrics: Mapping[str, Any]) -> list[str]:
    """The test metrics, the headline first, then by name (bounds and row counts left out)."""
    names = sorted(
        key[len("test/") :] for key in metrics
        if key.startswith("test/") and not key.endswith(("_low", "_high")) and key != "test/n_rows"
    )  # fmt: skip
    first = headline(metrics)
    return sorted(names, key=lambda n: n != first)


def run_report(metrics: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """This run's metrics: a row per test metric, then one per fairness audit."""
    model = (params.get("model") or {}).get("name", MISSING)
    level = percent((params.get("evaluate") or {}).get("ci_level"))
    rows = [
        [name, with_interval(metrics, f"test/{name}"), number(metrics.get(f"cv/{name}")),
         *(number(metrics.get(f"{b}/{name}")) for b in BASELINES)]
        for name in metric_names(metrics)
    ]  # fmt: skip
    rows_n = metrics.get("test/n_rows")
    title = f"{dataset_label(params)}, {model}" + (f", {rows_n} test rows" if rows_n else "")
    parts = [title, ""]
    if rows:
        headers = ["metric", f"test [{level} interval]", "cv", *BASELINES]
        parts.append(table(headers, rows))
    else:
        parts.append("no test metrics: run the pipeline (make repro)")
    audits = sorted(
        {k.split("/")[1] for k in metrics if k.startswith("fairness/") and k.count("/") == 2}
    )
    if audits:
        fair = [
            [a, f"{number(metrics.get(f'fairness/{a}/criteria_failed'), 0)} of "
                f"{number(metrics.get(f'fairness/{a}/criteria_assessed'), 0)}"]
            for a in audits
        ]  # fmt: skip
        parts += ["", table(["fairness audit", "criteria failed"], fair)]
    return "\n".join(parts)


# --- experiments (dvc exp show)


def exp_entries(shown: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any] | None]]:
    """(label, data) per row of `dvc exp show --json`: the workspace, each commit, and each
    commit's experiments under it; data is None for a failed or queued one."""
    found: list[tuple[str, dict[str, Any] | None]] = []
    for commit in shown:
        rev = str(commit.get("rev", ""))
        label = "workspace" if rev == "workspace" else commit.get("name") or rev[:7]
        found.append((str(label), commit.get("data")))
        for experiment in commit.get("experiments") or []:
            for revision in experiment.get("revs") or []:
                name = revision.get("name") or experiment.get("name") or revision.get("rev", "")
                found.append((f"  {str(name)[:40]}", revision.get("data")))
    return found


def exp_report(shown: list[dict[str, Any]]) -> str:
    """A row per commit and experiment: dataset, model, headline metric, cv, fairness."""
    rows = []
    level = None
    for label, data in exp_entries(shown):
        if not data:
            rows.append([label, MISSING, MISSING, MISSING, "no results", MISSING, MISSING])
            continue
        params = ((data.get("params") or {}).get("params.yaml") or {}).get("data") or {}
        metrics = flat_metrics(data.get("metrics"))
        level = level or (params.get("evaluate") or {}).get("ci_level")
        name = headline(metrics)
        rows.append([
            label, dataset_label(params), str((params.get("model") or {}).get("name", MISSING)),
            name or MISSING, with_interval(metrics, f"test/{name}") if name else MISSING,
            number(metrics.get(f"cv/{name}")) if name else MISSING, verdict_text(metrics),
        ])  # fmt: skip
    headers = ["experiment", "dataset", "model", "metric", f"test [{percent(level)} interval]",
               "cv", "fairness failed"]  # fmt: skip
    return table(headers, rows, shrink=(0, 1, 2))


def dvc_json(args: list[str]) -> Any:
    result = subprocess.run(["dvc", *args, "--json"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"error: dvc {' '.join(args)} failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exps", action="store_true", help="a row per experiment")
    args, rest = parser.parse_known_args(argv)
    if args.exps:
        print(exp_report(dvc_json(["exp", "show", *rest])))
        return 0
    if rest:
        parser.error(f"unknown arguments {rest} (only --exps passes arguments to dvc)")
    shown = dvc_json(["metrics", "show"])
    metrics = flat_metrics(((shown.get("") or {}).get("data")) or {})
    params_file = Path("params.yaml")
    params = yaml.safe_load(params_file.read_text()) if params_file.is_file() else {}
    print(run_report(metrics, params or {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
