"""A cheap first pass over a wide model's features (hundreds of pixels): which ones get the full
permutation importance.

Each feature is shuffled once on a seeded sample of the explained rows, and scored by how far the
model's output moves on average (probabilities, scores or predictions, whatever the model gives);
a feature that is constant on the sample moves nothing and costs no model pass. The
`explain.max_features` features that move it most are then measured in full (repeats, bootstrap,
groups, partial dependence).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.explain.permutation import answers, permuted, row_orders
from pipeline.explain.result import Screening
from pipeline.models.intervals import Answers


def output_of(found: Answers, task: str) -> tuple[str, np.ndarray]:
    """(what it is, the model's output per row as a matrix): probabilities, a score, or the
    prediction, or the labels as indicators when the model gives nothing else."""
    if found.proba is not None:
        return "class probabilities", np.asarray(found.proba, dtype=np.float64)
    if found.y_score is not None:
        what = "predicted probability" if found.probabilities else "decision value"
        return what, np.asarray(found.y_score, dtype=np.float64)[:, None]
    if task == "regression":
        return "prediction", np.asarray(found.y_pred, dtype=np.float64)[:, None]
    labels = np.asarray(found.y_pred)
    return "predicted label", (labels[:, None] == np.unique(labels)[None, :]).astype(np.float64)


def output_change(before: np.ndarray, after: np.ndarray) -> float:
    """Mean over rows of the sum of absolute changes of the outputs (twice the total variation
    distance for probabilities)."""
    return float(np.mean(np.sum(np.abs(after - before), axis=1)))


def screen(
    model: Any,
    inputs: pd.DataFrame,
    task: str,
    from_proba: bool,
    max_features: int,
    n_rows: int,
    seed: int,
) -> tuple[list[str], Screening]:
    """(the `max_features` features measured in full, in the inputs' order; the screening)."""
    features = list(inputs.columns)
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(inputs), min(n_rows, len(inputs)), replace=False))
    sample = inputs.iloc[chosen].reset_index(drop=True)
    varying = [f for f in features if sample[f].nunique(dropna=False) > 1]
    what, before = output_of(answers(model, sample, task, from_proba), task)
    order = row_orders(len(sample), 1, seed)
    found = permuted(model, sample, [(f, (f,)) for f in varying], order, task, from_proba)
    scores = dict.fromkeys(features, 0.0)
    for target in found:
        scores[target.name] = output_change(before, output_of(target.answers[0], task)[1])
    position = {f: i for i, f in enumerate(features)}
    ranked = sorted(features, key=lambda f: (-scores[f], position[f]))[:max_features]
    kept = sorted(ranked, key=position.__getitem__)
    method = (
        f"{len(features)} features, more than explain.max_features={max_features}: each was "
        f"shuffled once on a seeded sample of {len(sample)} rows (explain.screen_rows) and scored "
        f"by the mean absolute change of the model's {what}; the {len(kept)} that changed it most "
        "get the full permutation importance, its intervals and partial dependence, the others "
        f"none ({len(features) - len(varying)} had a single value on the sample: score 0)"
    )
    screening = Screening(
        features=len(features),
        kept=len(kept),
        rows=len(sample),
        constant=len(features) - len(varying),
        output=what,
        method=method,
        scores={f: scores[f] for f in kept},
    )
    return kept, screening


def wide(features: Sequence[str], max_features: int) -> bool:
    return len(features) > max_features
