"""Time the bootstrap replicates of every headline test metric (pipeline/models/intervals.py)
against a numpy row-resampling bootstrap (scikit-learn's metrics on resampled rows) and
scipy.stats.bootstrap, both timed at a smaller size and extrapolated linearly.

    .venv/bin/python benchmarks/intervals.py [--rows 1000000] [--n-boot 1000] [--classes 10]
                                             [--small-rows 20000] [--small-boot 10]

Tasks: binary (all 9 metrics), multiclass (`--classes` classes, 10 metrics), regression (3).
The last line is the largest difference between a replicate's row metrics and scikit-learn's
with sample_weight = that replicate's row counts (on `--small-rows` rows). Not part of the test
suite (tests/test_benchmarks.py runs it at a tiny size).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from scipy import stats
from sklearn import metrics as skm

from pipeline.models.intervals import Answers, metric_replicates, replicate_counts
from pipeline.models.metrics import binary_metrics, multiclass_metrics, regression_metrics


def make_case(task: str, n: int, k: int, seed: int) -> tuple[np.ndarray, Answers, list | None]:
    """Test rows with a decent model's answers: scores rounded to 3 digits (ties)."""
    rng = np.random.default_rng(seed)
    if task == "binary":
        y = (rng.random(n) < 0.25).astype(np.int64)
        score = np.round(1 / (1 + np.exp(-(2.5 * y - 1.2 + rng.normal(0, 1, n)))), 3)
        return y, Answers((score > 0.5).astype(np.int64), score), None
    if task == "multiclass":
        truth = rng.integers(0, k, n)
        p = np.exp(rng.normal(0, 1, (n, k)) + 2.0 * np.eye(k)[truth])
        p /= p.sum(1, keepdims=True)
        return truth, Answers(p.argmax(1), proba=p), list(range(k))
    values = rng.normal(150, 40, n)
    return values, Answers(values + rng.normal(0, 20, n)), None


def score(task: str, y: np.ndarray, a: Answers, classes: list | None) -> dict[str, float]:
    if task == "binary":
        return binary_metrics(y, a.y_pred, np.asarray(a.y_score), True)
    if task == "multiclass":
        return multiclass_metrics(y, a.y_pred, a.proba, list(classes or []))
    return regression_metrics(y, a.y_pred)


def numpy_bootstrap(task: str, y: np.ndarray, a: Answers, classes, n_boot: int) -> float:
    """Seconds for n_boot replicates resampling rows with numpy and scoring them with sklearn."""
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(n_boot):
        rows = rng.integers(0, len(y), len(y))
        picked = Answers(a.y_pred[rows], None if a.y_score is None else a.y_score[rows],
                         None if a.proba is None else a.proba[rows])  # fmt: skip
        score(task, y[rows], picked, classes)
    return time.perf_counter() - start


def scipy_bootstrap(task: str, y: np.ndarray, a: Answers, n_boot: int) -> float:
    """Seconds for scipy.stats.bootstrap of accuracy (classification) or MAE (regression), a
    vectorised statistic: the one metric scipy resamples without a Python loop."""
    values = (y == a.y_pred).astype(np.float64) if task != "regression" else np.abs(y - a.y_pred)
    start = time.perf_counter()
    stats.bootstrap((values,), np.mean, n_resamples=n_boot, method="percentile", rng=0)
    return time.perf_counter() - start


def largest_difference(task: str, n: int, k: int) -> float:
    """max |replicate metric - sklearn with sample_weight = the replicate's counts|."""
    y, a, classes = make_case(task, n, k, 1)
    found = metric_replicates(y, [a], task, classes, 3, 7)
    worst = 0.0
    for b in range(3):
        w = replicate_counts(y, [a], task, classes, 7, b).astype(np.float64)
        if task == "binary":
            expected = {
                "roc_auc": skm.roc_auc_score(y, a.y_score, sample_weight=w),
                "average_precision": skm.average_precision_score(y, a.y_score, sample_weight=w),
                "log_loss": skm.log_loss(y, a.y_score, sample_weight=w),
                "brier_score": skm.brier_score_loss(y, a.y_score, sample_weight=w),
            }
        elif task == "multiclass":
            expected = {
                "roc_auc_ovr_macro": skm.roc_auc_score(
                    y, a.proba, multi_class="ovr", labels=classes, sample_weight=w
                ),
                "log_loss": skm.log_loss(y, a.proba, labels=classes, sample_weight=w),
            }
        else:
            expected = {"mae": skm.mean_absolute_error(y, a.y_pred, sample_weight=w),
                        "r2": skm.r2_score(y, a.y_pred, sample_weight=w)}  # fmt: skip
        worst = max([worst, *(abs(found[name][b, 0] - v) for name, v in expected.items())])
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--small-rows", type=int, default=20_000)
    parser.add_argument("--small-boot", type=int, default=10)
    args = parser.parse_args()
    scale = args.rows / args.small_rows * args.n_boot / args.small_boot
    print(f"{'task':>11} {'rows':>9} {'n_boot':>7} {'kernel (s)':>11} "
          f"{'numpy+sklearn (s, extrap.)':>27} {'scipy (s, extrap.)':>19}")  # fmt: skip
    worst = 0.0
    for task in ("binary", "multiclass", "regression"):
        y, a, classes = make_case(task, args.rows, args.classes, 0)
        metric_replicates(y[:2000], [Answers(a.y_pred[:2000],
                          None if a.y_score is None else a.y_score[:2000],
                          None if a.proba is None else a.proba[:2000])],
                          task, classes, 20, 0)  # fmt: skip  # warm up (compiled code cache)
        start = time.perf_counter()
        found = metric_replicates(y, [a], task, classes, args.n_boot, 0)
        seconds = time.perf_counter() - start
        assert all(v.shape == (args.n_boot, 1) for v in found.values())
        ys, small, _ = make_case(task, args.small_rows, args.classes, 0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # undefined precision in a resample
            slow = numpy_bootstrap(task, ys, small, classes, args.small_boot) * scale
        scipy_time = scipy_bootstrap(task, ys, small, args.small_boot * 10) * scale / 10
        print(f"{task:>11} {args.rows:>9} {args.n_boot:>7} {seconds:>11.2f} {slow:>27.1f} "
              f"{scipy_time:>19.1f}")  # fmt: skip
        worst = max(worst, largest_difference(task, args.small_rows, args.classes))
    print(f"largest difference between a replicate's metrics and scikit-learn's with its row "
          f"counts as sample_weight: {worst:.2e}")  # fmt: skip


if __name__ == "__main__":
    main()
