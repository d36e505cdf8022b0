"""A paired comparison of runs scored on the same test rows: baseline A against each run B.

Per metric: both values, the difference B - A with a paired bootstrap interval (every run scored on
the same resampled rows in each replicate, so the rows' own difficulty cancels out), McNemar's
exact test for accuracy and DeLong's test for ROC AUC, and with several runs B Holm's correction
of each test's p-values over the runs. B fails when it is worse than A by more than the tolerance
and the interval of the difference excludes zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.config import check_level
from pipeline.errors import ConfigError, DataValidationError
from pipeline.models.intervals import Answers, metric_replicates
from pipeline.models.metrics import score
from pipeline.models.outputs import BinaryOutputs, MulticlassOutputs, Outputs
from pipeline.models.result import LOSSES
from pipeline.predictions import Predictions
from pipeline.schema import resolve_task
from pipeline.stats.intervals import percentile_interval
from pipeline.stats.paired import delong, holm, mcnemar_exact
from pipeline.tasks import Label

# What pipeline/models/metrics.py::score computes for each task (a test keeps them equal).
METRICS = {
    "binary": (
        "accuracy", "balanced_accuracy", "f1", "precision", "recall", "roc_auc",
        "average_precision", "log_loss", "brier_score",
    ),
    "multiclass": (
        "accuracy", "balanced_accuracy", "f1_macro", "precision_macro", "recall_macro",
        "roc_auc_ovr_macro", "f1_weighted", "precision_weighted", "recall_weighted",
        "roc_auc_ovr_weighted", "log_loss",
    ),
    "regression": ("mae", "rmse", "r2"),
}  # fmt: skip
MIN_BOOT = 100  # fewer replicates make a percentile interval too coarse to gate on


@dataclass(frozen=True)
class CompareConfig:
    """params/compare/: the metrics that gate, the slack B is allowed, the bootstrap."""

    metrics: tuple[str, ...]
    tolerance: float
    n_boot: int
    ci_level: float

    def __post_init__(self) -> None:
        known = sorted({name for names in METRICS.values() for name in names})
        for name in self.metrics:
            if name not in known:
                raise ConfigError(
                    f"compare.metrics names '{name}', which is not a metric of the pipeline; "
                    f"use any of {', '.join(known)}"
                )
        if not self.metrics:
            raise ConfigError("compare.metrics is empty; name at least one metric, e.g. [accuracy]")
        if not self.tolerance >= 0:
            raise ConfigError(f"compare.tolerance is {self.tolerance}; use 0 or more")
        if self.n_boot < MIN_BOOT:
            raise ConfigError(f"compare.n_boot is {self.n_boot}; use at least {MIN_BOOT}")
        check_level("compare", self.ci_level)


@dataclass(frozen=True)
class Row:
    """One metric of one run B against A. None: undefined for these predictions."""

    run: str
    metric: str
    a: float | None
    b: float | None
    diff: float | None  # b - a
    low: float | None  # the paired bootstrap interval of diff
    high: float | None
    test: str | None  # "McNemar" (accuracy) or "DeLong" (binary ROC AUC)
    statistic: str | None  # the test's own numbers: discordant counts, or z
    p: float | None
    p_holm: float | None  # p adjusted over the runs B for this metric's test
    # "worse" (fails), "within tolerance" (worse, by no more than the tolerance), "better", or
    # "inconclusive" (the interval holds zero)
    verdict: str


@dataclass(frozen=True)
class Comparison:
    baseline: str
    runs: tuple[str, ...]
    task: str
    n_rows: int
    config: CompareConfig
    rows: tuple[Row, ...]
    skipped: tuple[str, ...]  # configured metrics that the task does not have

    def failures(self) -> list[str]:
        """One line per (run, metric) on which B is worse than A beyond the tolerance."""
        return [
            f"{r.run} is worse than {self.baseline} on {r.metric}: {_num(r.b)} against "
            f"{_num(r.a)}, B - A {_num(r.diff, '+')} with {self._level} interval "
            f"[{_num(r.low, '+')}, {_num(r.high, '+')}] (tolerance {self.config.tolerance:g})"
            for r in self.rows
            if r.verdict == "worse"
        ]

    @property
    def _level(self) -> str:
        return f"{100 * self.config.ci_level:g}%"

    def _header(self) -> str:
        return (
            f"A = {self.baseline}; {self.n_rows} test rows, {self.task}; B - A with "
            f"{self._level} paired bootstrap intervals ({self.config.n_boot} replicates)"
        )

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        several = len(self.runs) > 1
        head = ["B", "metric", "A", "B", "B - A", f"{self._level} interval", "test", "p"]
        head += ["Holm p"] if several else []
        body = []
        for r in self.rows:
            cells = [r.run, r.metric, _num(r.a), _num(r.b), _num(r.diff, "+")]
            cells += [f"[{_num(r.low, '+')}, {_num(r.high, '+')}]"]
            cells += [f"{r.test} {r.statistic}" if r.test else "", _p(r.p)]
            cells += [_p(r.p_holm)] if several else []
            body.append([*cells, r.verdict])
        return [*head, "verdict"], body

    def _notes(self) -> list[str]:
        notes = []
        if self.skipped:
            notes.append(f"not defined for a {self.task} task: {', '.join(self.skipped)}")
        if any(r.test == "McNemar" for r in self.rows):
            notes.append("McNemar n/m: the rows that only B / only A classifies right")
        if len(self.runs) > 1:
            notes.append(f"Holm p: adjusted over the {len(self.runs)} runs B, per test")
        return notes

    def to_text(self) -> str:
        head, body = self._cells()
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = [self._header(), ""]
        for row in [head, *body]:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        notes = self._notes()
        return "\n".join([*lines, *([""] + notes if notes else [])]) + "\n"

    def to_markdown(self) -> str:
        head, body = self._cells()
        verdict = "**fails**" if self.failures() else "passes"
        lines = [f"### Comparison: {verdict}", "", self._header(), ""]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in body:
            row[-1] = f"**{row[-1]}**" if row[-1] == "worse" else row[-1]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        notes = [f"- {note}" for note in self._notes()]
        return "\n".join([*lines, *([""] + notes if notes else [])]) + "\n"


def _num(value: float | None, sign: str = "") -> str:
    return "n/a" if value is None else f"{value:{sign}.4f}"


def _p(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def infer_task(run: Predictions) -> str:
    """The task of a predictions file without its schema: binary files carry a score."""
    return "binary" if run.y_score is not None else resolve_task(pd.Series(run.y_true), "auto")


def _probabilities(score: np.ndarray) -> bool:
    """Whether binary scores are probabilities (else decision values): all within [0, 1]."""
    return bool(np.all((score >= 0) & (score <= 1)))


def _outputs(run: Predictions, task: str, classes: list[Label]) -> Outputs:
    if task == "binary":
        assert run.y_score is not None
        return BinaryOutputs(run.y_true, run.y_pred, run.y_score, _probabilities(run.y_score))
    if task == "multiclass":
        return MulticlassOutputs(run.y_true, run.y_pred, None, classes)
    return Outputs(run.y_true, run.y_pred)


def _answers(run: Predictions, task: str) -> Answers:
    if task == "binary":
        assert run.y_score is not None
        return Answers(run.y_pred, y_score=run.y_score, probabilities=_probabilities(run.y_score))
    return Answers(run.y_pred)


def check_paired(a: Predictions, b: Sequence[Predictions], names: Sequence[str], task: str) -> None:
    """Refuse runs that were not scored on the same test rows, or lack what the task needs."""
    for run, name in zip([a, *b], names, strict=True):
        if task == "binary" and run.y_score is None:
            raise DataValidationError(
                f"run {name} has no y_score column, which a binary task needs; re-run its "
                "evaluate stage"
            )
        if run is a:
            continue
        if len(run.y_true) != len(a.y_true):
            raise DataValidationError(
                f"run {name} was scored on {len(run.y_true)} test rows and {names[0]} on "
                f"{len(a.y_true)}: compare runs made with the same dataset, split and seed"
            )
        if not np.array_equal(run.y_true, a.y_true):
            n = int(np.count_nonzero(run.y_true != a.y_true))
            raise DataValidationError(
                f"run {name} has other true labels than {names[0]} ({n} of {len(a.y_true)} "
                "test rows differ): compare runs made with the same dataset, split and seed"
            )


def _test(metric: str, task: str, a: Predictions, b: Predictions) -> tuple[str, str, float] | None:
    """(test, its numbers, p) for the metrics that have a paired test here."""
    if metric == "accuracy":
        b01, b10, p = mcnemar_exact(a.y_pred == a.y_true, b.y_pred == b.y_true)
        return "McNemar", f"{b01}/{b10}", p
    if metric == "roc_auc" and task == "binary":
        assert a.y_score is not None and b.y_score is not None
        result = delong(a.y_true, a.y_score, b.y_score)
        return "DeLong", f"z={result.z:+.2f}", result.p
    return None


def _verdict(metric: str, diff: float | None, low: float | None, high: float | None,
             tolerance: float) -> str:  # fmt: skip
    """worse: B worse than A by more than `tolerance`, the interval excluding zero on the worse
    side (within tolerance: by less); better: the interval excludes zero on the better side;
    inconclusive otherwise."""
    if diff is None or low is None or high is None:
        return "inconclusive"
    sign = -1.0 if metric in LOSSES else 1.0  # gain = sign * diff: positive when B is better
    gain = sign * diff
    gain_low, gain_high = sorted((sign * low, sign * high))
    if gain_high < 0:
        return "worse" if gain < -tolerance else "within tolerance"
    return "better" if gain_low > 0 else "inconclusive"


def compare(
    a: Predictions,
    b: list[Predictions],
    task: str,
    config: CompareConfig,
    seed: int,
    names: Sequence[str] | None = None,
) -> Comparison:
    """Compare A with each run B on the same test rows; `names` labels A then each B."""
    names = list(names) if names is not None else ["A", *(f"B{i + 1}" for i in range(len(b)))]
    if not b:
        raise ConfigError("nothing to compare: name at least one run B besides A")
    check_paired(a, b, names, task)
    runs = [a, *b]
    classes: list[Label] = []
    if task != "regression":  # every label that is true or predicted anywhere
        classes = np.unique(np.concatenate([a.y_true, *(run.y_pred for run in runs)])).tolist()
    metrics = [m for m in config.metrics if m in METRICS[task]]
    skipped = tuple(m for m in config.metrics if m not in METRICS[task])
    if not metrics:
        raise ConfigError(
            f"none of compare.metrics ({', '.join(config.metrics)}) is defined for a {task} "
            f"task; use some of {', '.join(METRICS[task])}"
        )
    values = [score(_outputs(run, task, classes)) for run in runs]
    replicates = metric_replicates(
        a.y_true, [_answers(run, task) for run in runs], task, classes, config.n_boot, seed
    )
    rows = []
    for metric in metrics:
        tests = [_test(metric, task, a, run) for run in b]
        adjusted = holm([np.nan if t is None else t[2] for t in tests])
        # each replicate's B - A, every run scored on the same resampled rows
        differences = replicates[metric][:, 1:] - replicates[metric][:, :1]
        lows, highs, _ = percentile_interval(differences, config.ci_level)
        for j, test in enumerate(tests, start=1):
            value_a, value_b = _value(values[0][metric]), _value(values[j][metric])
            diff = None if value_a is None or value_b is None else value_b - value_a
            low, high = _value(lows[j - 1]), _value(highs[j - 1])
            rows.append(
                Row(
                    run=names[j], metric=metric, a=value_a, b=value_b, diff=diff, low=low,
                    high=high, test=test[0] if test else None, statistic=test[1] if test else None,
                    p=test[2] if test else None, p_holm=_value(adjusted[j - 1]) if test else None,
                    verdict=_verdict(metric, diff, low, high, config.tolerance),
                )
            )  # fmt: skip
    return Comparison(
        baseline=names[0], runs=tuple(names[1:]), task=task, n_rows=len(a.y_true),
        config=config, rows=tuple(rows), skipped=skipped,
    )  # fmt: skip
