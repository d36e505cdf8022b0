"""Do the intervals and tests mean what they say? Two simulation checks on the synthetic data.

    .venv/bin/python benchmarks/simulation.py [--seeds 1000] [--rows 2000] [--n-boot 1000]

1. Coverage: a fixed model (a logistic score of x1, x2 and z, without the colour and the planted
   bias, so imperfect on purpose) is scored on `--seeds` independent test samples of `--rows`
   rows drawn from the synthetic generator. Its true metrics are computed once on a population
   sample of 2,000,000 rows. A 95% interval should cover the true value in about 95% of the seeds
   (the project's bar: 93% to 97%). With 200 seeds a share is known to about +-3 points (its
   Clopper-Pearson interval is printed), so the default runs 1000, and prints the first 200 too.
2. Type-I error: two models with identically distributed answers (the same score plus independent
   noise of the same size, so their population metrics are equal) are compared on each sample with
   the paired bootstrap, McNemar's exact test (accuracy) and DeLong's test (ROC AUC). At the 5%
   level each should reject in about 5% of the seeds.

Prints both tables with their counts. Not part of the test suite (tests/test_benchmarks.py runs it
at a tiny size).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.stats import binomtest
from sklearn import metrics as skm

from pipeline.data.synthetic import make_synthetic
from pipeline.models.intervals import Answers, metric_replicates
from pipeline.stats.intervals import intervals, percentile_interval
from pipeline.stats.paired import delong, mcnemar_exact

POPULATION = 2_000_000
NOISE = 0.8  # the standard deviation of the noise added to each model's logit (type-I check)
METRICS = ("accuracy", "balanced_accuracy", "f1", "precision", "recall", "roc_auc",
           "average_precision", "log_loss", "brier_score")  # fmt: skip


def logit(frame) -> np.ndarray:
    return (
        -0.5
        + frame["x1"].to_numpy()
        - 0.4 * (frame["x2"].to_numpy() - 2.0)
        + 1.2 * (frame["z"].to_numpy())
    )


def answers(score: np.ndarray) -> Answers:
    return Answers((score >= 0.5).astype(np.int64), y_score=score)


def true_metrics(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    pred = (score >= 0.5).astype(np.int64)
    return {
        "accuracy": skm.accuracy_score(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "f1": skm.f1_score(y, pred),
        "precision": skm.precision_score(y, pred),
        "recall": skm.recall_score(y, pred),
        "roc_auc": skm.roc_auc_score(y, score),
        "average_precision": skm.average_precision_score(y, score),
        "log_loss": skm.log_loss(y, score),
        "brier_score": skm.brier_score_loss(y, score),
    }


def coverage(seeds: int, rows: int, n_boot: int, level: float) -> dict[str, np.ndarray]:
    """Per metric, for each seed, whether its interval covered the true value."""
    population = make_synthetic(POPULATION, 10_000, bias=0.3, proxy_strength=0.9)
    truth = true_metrics(population["label"].to_numpy(), 1 / (1 + np.exp(-logit(population))))
    covered = {name: np.zeros(seeds, dtype=bool) for name in METRICS}
    for seed in range(seeds):
        sample = make_synthetic(rows, seed, bias=0.3, proxy_strength=0.9)
        y, score = sample["label"].to_numpy(), 1 / (1 + np.exp(-logit(sample)))
        point = true_metrics(y, score)
        found = metric_replicates(y, [answers(score)], "binary", None, n_boot, seed)
        single = {name: found[name][:, 0] for name in METRICS}
        bounds = intervals(point, single, level)
        for name in METRICS:
            low, high = bounds[name]
            covered[name][seed] = low <= truth[name] <= high
    return covered


def type_one(seeds: int, rows: int, n_boot: int, level: float) -> dict[str, np.ndarray]:
    """Per test, for each seed, whether it rejected the (true) null of equal performance."""
    names = ("bootstrap accuracy", "bootstrap roc_auc", "McNemar", "DeLong")
    rejected = {name: np.zeros(seeds, dtype=bool) for name in names}
    for seed in range(seeds):
        sample = make_synthetic(rows, seed, bias=0.3, proxy_strength=0.9)
        y, base = sample["label"].to_numpy(), logit(sample)
        noise = np.random.default_rng([seed, 1]).normal(0.0, NOISE, size=(2, rows))
        a, b = (1 / (1 + np.exp(-(base + e))) for e in noise)
        found = metric_replicates(y, [answers(a), answers(b)], "binary", None, n_boot, seed)
        for name in ("accuracy", "roc_auc"):
            low, high, _ = percentile_interval(found[name][:, 1:] - found[name][:, :1], level)
            rejected[f"bootstrap {name}"][seed] = not low[0] <= 0.0 <= high[0]
        *_, p = mcnemar_exact((a >= 0.5) == y, (b >= 0.5) == y)
        rejected["McNemar"][seed] = p < 1 - level
        rejected["DeLong"][seed] = delong(y, a, b).p < 1 - level
    return rejected


def table(heading: str, found: dict[str, np.ndarray], first: int) -> None:
    """Counts and shares over the first `first` seeds and over all, with a 95% Clopper-Pearson
    interval on the share over all."""
    seeds = len(next(iter(found.values())))
    print(f"{heading:<20} {f'first {first}':>10} {f'all {seeds}':>10} {'share':>7}  95% interval")
    for name, hits in found.items():
        count = int(hits.sum())
        ci = binomtest(count, seeds).proportion_ci(method="exact")
        print(f"{name:<20} {int(hits[:first].sum()):>10} {count:>10} {count / seeds:>7.1%}  "
              f"{ci.low:.1%} to {ci.high:.1%}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()
    level, first = 0.95, min(200, args.seeds)
    start = time.perf_counter()
    covered = coverage(args.seeds, args.rows, args.n_boot, level)
    took = time.perf_counter() - start
    print(f"Coverage of {level:.0%} percentile intervals: test samples of {args.rows} rows, "
          f"n_boot={args.n_boot} ({took:.1f} s)")  # fmt: skip
    table("metric (covered)", covered, first)
    start = time.perf_counter()
    rejected = type_one(args.seeds, args.rows, args.n_boot, level)
    took = time.perf_counter() - start
    print(f"\nType-I error at {1 - level:.0%}: two identically distributed models ({took:.1f} s)")
    table("test (rejected)", rejected, first)


if __name__ == "__main__":
    main()
