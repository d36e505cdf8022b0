"""Time the correlation stage's matrix against the straightforward pair-by-pair computation.

A seeded frame of 1,000,000 rows x 20 columns (12 numeric, 8 categorical with 2 to 100 levels)
goes through `pipeline.correlation` (every pair, every coefficient, every p-value) and through
the loop that one would write with pandas, scipy and scikit-learn, one pair at a time. Both runs
are timed in this one process, and their results are compared. The settings (measures, bins,
levels, thresholds) are the stage's defaults, read from params/correlation/default.yaml.

    .venv/bin/python benchmarks/correlation.py [--rows 1000000] [--seed 0] [--missing 0.0]
        [--repeat 3] [--skip-reference]

The stage's timings are the best and the median of `--repeat` runs, with the load average
beside them: on a shared machine other processes' load shows up in any single timing.

Not part of the test suite: the pair-by-pair loop takes minutes on a million rows.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats
from scipy.stats.contingency import association
from sklearn.metrics import mutual_info_score

from pipeline.config import from_mapping
from pipeline.correlation.analysis import correlate
from pipeline.correlation.columns import encode
from pipeline.correlation.config import CorrelationConfig
from pipeline.correlation.pairs import association_table, q_values
from pipeline.schema import Schema

ROOT = Path(__file__).resolve().parents[1]
LEVELS = (2, 3, 5, 10, 20, 40, 70, 100)


def shipped_config() -> CorrelationConfig:
    """The stage's defaults, params/correlation/default.yaml, read as the stage reads them."""
    raw = yaml.safe_load((ROOT / "params/correlation/default.yaml").read_text())
    return from_mapping(CorrelationConfig, raw, "correlation")


def make_frame(rows: int, seed: int, missing: float) -> tuple[pd.DataFrame, list[str]]:
    """12 numeric columns (continuous, skewed, tied integers, related to each other and to the
    categories) and 8 categorical ones; `missing` NaN share in two columns of each kind."""
    rng = np.random.default_rng(seed)
    codes = [
        np.minimum((rng.pareto(1.5, rows) * k / 3).astype(np.int64), k - 1) if k > 2
        else rng.integers(0, 2, rows)
        for k in LEVELS
    ]  # fmt: skip
    base = rng.standard_normal(rows)
    numeric = {
        "n00_normal": base,
        "n01_linear": 0.6 * base + 0.8 * rng.standard_normal(rows),
        "n02_monotone": np.exp(base + rng.standard_normal(rows)),
        "n03_lognormal": rng.lognormal(0.0, 1.0, rows),
        "n04_uniform": rng.random(rows),
        "n05_int_0_49": rng.integers(0, 50, rows).astype(np.float64),
        "n06_by_c4": codes[4] * 0.1 + rng.standard_normal(rows),
        "n07_by_c7": np.sin(codes[7]) + rng.standard_normal(rows),
        "n08_gamma": rng.gamma(2.0, 1.0, rows),
        "n09_rounded": np.round(rng.normal(40.0, 12.0, rows)),
        "n10_student_t": rng.standard_t(3, rows),
        "n11_mixed": base * rng.random(rows) + codes[1],
    }
    frame = pd.DataFrame(numeric)
    names = []
    for i, (k, code) in enumerate(zip(LEVELS, codes, strict=True)):
        if i == 3:  # one category that follows a numeric column
            code = np.clip(np.floor((base + 2.5) / 5 * k), 0, k - 1).astype(np.int64)
        name = f"c{i}_{k}_levels"
        labels = np.array([f"level_{j:03d}" for j in range(k)])
        frame[name] = pd.Series(labels[code], dtype="str")
        names.append(name)
    if missing > 0:
        for name in ("n03_lognormal", "n08_gamma", names[2], names[6]):
            holes = rng.random(rows) < missing
            frame.loc[holes, name] = np.nan
    return frame, names


def stage_matrix(
    frame: pd.DataFrame, categorical: list[str], config: CorrelationConfig
) -> pd.DataFrame:
    """The stage's core: encode, every pair with every coefficient and p-value, BH q-values."""
    columns = encode(frame, categorical, max_levels=config.max_levels, bins=config.bins)
    table = association_table(columns, config.measures)
    table["q_value"] = q_values(table["p_value"])
    return table


def reference_matrix(frame: pd.DataFrame, categorical: list[str], bins: int) -> pd.DataFrame:
    """The same numbers, one pair at a time, with pandas, scipy and scikit-learn."""
    binned = {
        c: pd.qcut(frame[c], bins, labels=False, duplicates="drop")
        for c in frame.columns
        if c not in categorical
    }
    rows = []
    for a, b in itertools.combinations(frame.columns, 2):
        pair = frame[[a, b]].dropna()
        x, y = pair[a], pair[b]
        row = {"a": a, "b": b}
        kinds = (a in categorical, b in categorical)
        if kinds == (False, False):
            pearson = stats.pearsonr(x, y)
            spearman = stats.spearmanr(x, y)
            row |= {"pearson": pearson.statistic, "pearson_p": pearson.pvalue,
                    "spearman": spearman.statistic, "spearman_p": spearman.pvalue}  # fmt: skip
        elif kinds in ((False, True), (True, False)):
            num, cat = (x, y) if kinds == (False, True) else (y, x)
            groups = [g.to_numpy() for _, g in num.groupby(cat)]
            means = num.groupby(cat).agg(["mean", "count"])
            between = (means["count"] * (means["mean"] - num.mean()) ** 2).sum()
            row["eta"] = np.sqrt(between / ((num - num.mean()) ** 2).sum())
            row["eta_p"] = stats.f_oneway(*groups).pvalue
        else:
            table = pd.crosstab(x, y).to_numpy()
            row["cramers_v"] = association(table, method="cramer")
            row["cramers_v_p"] = stats.chi2_contingency(table, correction=False).pvalue
        la = x if a in categorical else binned[a].loc[pair.index]
        lb = y if b in categorical else binned[b].loc[pair.index]
        row["mutual_info"] = mutual_info_score(la, lb)
        rows.append(row)
    out = pd.DataFrame(rows)
    p = out[["pearson_p", "eta_p", "cramers_v_p"]].bfill(axis=1).iloc[:, 0]
    out["q_value"] = stats.false_discovery_control(p.to_numpy(), method="bh")
    return out


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--missing", type=float, default=0.0, help="NaN share in 4 columns")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stage timing")
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args()

    config = shipped_config()
    frame, categorical = make_frame(args.rows, args.seed, args.missing)
    print(f"frame: {len(frame):,} rows x {frame.shape[1]} columns "
          f"({frame.shape[1] - len(categorical)} numeric, {len(categorical)} categorical with "
          f"{min(LEVELS)}-{max(LEVELS)} levels), missing share {args.missing}; "
          f"{os.cpu_count()} CPUs")  # fmt: skip

    load_before = os.getloadavg()[0]
    runs = [timed(stage_matrix, frame, categorical, config) for _ in range(args.repeat)]
    ours, t_stage = runs[0][0], min(t for _, t in runs)
    t_stage_median = float(np.median([t for _, t in runs]))
    numeric = [c for c in frame.columns if c not in categorical]
    _, t_pandas_pearson = timed(frame[numeric].corr)
    _, t_pandas_spearman = timed(lambda: frame[numeric].corr(method="spearman"))
    target, sensitive = categorical[2], categorical[-1]
    schema = Schema(
        task="multiclass", target=target, numeric=tuple(numeric),
        categorical=tuple(c for c in categorical if c not in (target, sensitive)),
        sensitive=(sensitive,), classes=(), labels=(),
    )  # fmt: skip
    t_correlate = min(
        timed(correlate, frame, schema, config, (numeric[0],), 0)[1] for _ in range(args.repeat)
    )

    rows = [
        (
            f"stage: full matrix, {len(config.measures)} measures, p- and q-values "
            f"(best of {args.repeat})",
            t_stage,
        ),
        (f"stage: full matrix (median of {args.repeat})", t_stage_median),
        (
            f"stage: every report section, correlate() without plots (best of {args.repeat})",
            t_correlate,
        ),
        ("pandas DataFrame.corr, Pearson only, numeric only, no p", t_pandas_pearson),
        ("pandas DataFrame.corr, Spearman only, numeric only, no p", t_pandas_spearman),
    ]
    if not args.skip_reference:
        reference, t_reference = timed(reference_matrix, frame, categorical, config.bins)
        rows.append(("pair by pair: pandas/scipy/sklearn, same measures", t_reference))
    rows.append(("load average (1 min) before / after", (load_before, os.getloadavg()[0])))
    width = max(len(label) for label, _ in rows)
    print(f"\n{'computation':<{width}}  seconds")
    for label, seconds in rows:
        if isinstance(seconds, tuple):
            print(f"{label:<{width}}  {seconds[0]:.2f} / {seconds[1]:.2f}")
        else:
            print(f"{label:<{width}}  {seconds:7.2f}")
    if not args.skip_reference:
        print(f"\nspeed-up of the stage's matrix over pair by pair: {t_reference / t_stage:.0f}x")
        merged = ours.merge(reference, on=["a", "b"], suffixes=("", "_reference"))
        print("largest absolute difference from the pair-by-pair results:")
        for field in ("pearson", "pearson_p", "spearman", "spearman_p", "eta", "eta_p",
                      "cramers_v", "cramers_v_p", "mutual_info", "q_value"):  # fmt: skip
            diff = (merged[field] - merged[f"{field}_reference"]).abs().max()
            print(f"  {field:<12} {diff:.2e}")


if __name__ == "__main__":
    main()
