"""Repeated k-fold cross-validation of the configured model on the training split, and for each
metric its mean over the folds with Nadeau and Bengio's corrected resampled t interval.

The folds' training sets overlap, so their scores are correlated and the plain t interval of
their mean is too narrow. Nadeau and Bengio (Machine Learning 52, 2003) widen it by replacing
the variance factor 1/m of m = k * r fold scores with 1/m + n_test/n_train (Bouckaert and Frank's
"corrected repeated k-fold cv test", 2004). Sums are `math.fsum` (correctly rounded), so the
statistics have the same bits on any CPU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from scipy import stats
from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold

from pipeline.config import check_level
from pipeline.data.features import FeaturesConfig
from pipeline.errors import ConfigError, DataValidationError
from pipeline.models.build import train
from pipeline.models.config import ModelConfig
from pipeline.models.metrics import defined_score
from pipeline.models.outputs import model_outputs
from pipeline.models.result import CrossvalResult, Summary
from pipeline.models.threads import cores
from pipeline.schema import Schema

FOLD_COLUMNS = ("repeat", "fold", "n_train", "n_test")  # then the metrics, in score()'s order


@dataclass(frozen=True)
class CrossvalConfig:
    """params/crossval/: k folds, r repeats (each a new shuffle), the interval's level."""

    folds: int  # k: 2 or more; 0 turns cross-validation off
    repeats: int  # r
    ci_level: float

    def __post_init__(self) -> None:
        if self.folds < 0 or self.folds == 1:
            raise ConfigError(
                f"crossval.folds is {self.folds}; use 2 or more, or 0 to turn cross-validation off"
            )
        if self.repeats < 1:
            raise ConfigError(f"crossval.repeats is {self.repeats}; use 1 or more")
        check_level("crossval", self.ci_level)


@dataclass(frozen=True)
class Gap:
    """A test score against the cross-validated one: the overfitting (or split-luck) signal."""

    difference: float | None  # test value minus the cross-validated mean
    within: bool | None  # whether the test value lies inside the cross-validated interval


def gap(cv: CrossvalResult, test_value: float | None, metric: str) -> Gap:
    """How far the test split's `metric` is from its cross-validated mean, and whether it lies
    inside the interval; None where either side is undefined."""
    summary = cv.metrics.get(metric)
    if summary is None or summary.mean is None or test_value is None or math.isnan(test_value):
        return Gap(None, None)
    within = None
    if summary.low is not None and summary.high is not None:
        within = summary.low <= test_value <= summary.high
    return Gap(test_value - summary.mean, within)


def splitter(
    task: str, config: CrossvalConfig, seed: int
) -> RepeatedKFold | RepeatedStratifiedKFold:
    """Stratified on the class for classification; plain shuffled k-fold for regression."""
    kind = RepeatedKFold if task == "regression" else RepeatedStratifiedKFold
    return kind(n_splits=config.folds, n_repeats=config.repeats, random_state=seed)


def check_folds(frame: pd.DataFrame, schema: Schema, config: CrossvalConfig) -> None:
    """Every test fold must hold rows (and, for a classifier, every class): say what to lower."""
    if len(frame) < config.folds:
        raise ConfigError(
            f"crossval.folds is {config.folds} but the training split has {len(frame)} rows; "
            "lower crossval.folds"
        )
    if schema.task == "regression":
        return
    counts = frame[schema.target].value_counts()
    rarest = counts.idxmin()
    if counts[rarest] < config.folds:
        label = dict(zip(schema.classes, schema.labels, strict=True)).get(rarest, rarest)
        raise DataValidationError(
            f"class {label!r} of '{schema.target}' has {counts[rarest]} training rows, fewer "
            f"than crossval.folds={config.folds}, so some fold would lack it; lower crossval.folds"
        )


def fold_metrics(
    frame: pd.DataFrame,
    schema: Schema,
    features: FeaturesConfig,
    model: ModelConfig,
    config: CrossvalConfig,
    seed: int,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """One row per fold (repeat and fold numbered from 0, row counts, then the metrics that the
    test split gets, without those the model cannot have): each fold fits what the train stage
    fits, on `n_jobs` cores, and scores the held-out rows on one core (a forest then sums its
    votes in a fixed order)."""
    if config.folds == 0:
        return pd.DataFrame(columns=list(FOLD_COLUMNS))
    check_folds(frame, schema, config)
    splits = splitter(schema.task, config, seed).split(frame[schema.features], frame[schema.target])
    rows = []
    for index, (train_rows, test_rows) in enumerate(splits):
        with cores(n_jobs):
            fitted = train(frame.iloc[train_rows], schema, features, model)
        with cores(1):
            values = defined_score(model_outputs(fitted, frame.iloc[test_rows], schema))
        del values["n_rows"]
        repeat, fold = divmod(index, config.folds)
        rows.append(
            {"repeat": repeat, "fold": fold, "n_train": len(train_rows), "n_test": len(test_rows)}
            | values
        )
    return pd.DataFrame(rows)


def summarize_metric(
    values: list[float], n_train: list[int], n_test: list[int], ci_level: float
) -> Summary:
    """Mean, standard deviation and corrected resampled t interval of one metric's fold values
    (NaN where undefined): variance (1/m + n_test/n_train) * s^2 over the m defined folds, with
    n_test/n_train their total test rows over total training rows (1/(k-1) for k folds), and
    Student's t with m - 1 degrees of freedom."""
    kept = [i for i, v in enumerate(values) if not math.isnan(v)]
    m = len(kept)
    if m == 0:
        return Summary(None, None, None, None, 0)
    defined = [values[i] for i in kept]
    mean = math.fsum(defined) / m
    if m == 1:
        return Summary(mean, None, None, None, 1)
    variance = math.fsum((v - mean) ** 2 for v in defined) / (m - 1)
    ratio = sum(n_test[i] for i in kept) / sum(n_train[i] for i in kept)
    half = float(stats.t.ppf(0.5 + ci_level / 2, m - 1)) * math.sqrt((1 / m + ratio) * variance)
    return Summary(mean, math.sqrt(variance), mean - half, mean + half, m)


def summarize(table: pd.DataFrame, config: CrossvalConfig) -> CrossvalResult:
    """The cross-validated summary of `fold_metrics`' table, metric by metric."""
    n_train, n_test = table["n_train"].tolist(), table["n_test"].tolist()
    metrics = {
        name: summarize_metric([float(v) for v in table[name]], n_train, n_test, config.ci_level)
        for name in table.columns
        if name not in FOLD_COLUMNS
    }
    return CrossvalResult(config.folds, config.repeats, metrics)
