"""The model's answers on the test rows with one feature (or a group of features) permuted: the
row orders scikit-learn's `permutation_importance` uses, so that the importances equal its own,
and one model pass per permuted frame."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline.models.intervals import Answers
from pipeline.models.outputs import labels_from_proba
from pipeline.progress import steps


@dataclass(frozen=True)
class Permuted:
    """A target (one feature, or a group permuted together) and the answers of each repeat."""

    name: str
    columns: tuple[str, ...]
    answers: tuple[Answers, ...]


def row_orders(n_rows: int, n_repeats: int, seed: int) -> np.ndarray:
    """(n_repeats, n_rows): the rows each repeat puts in place of the original ones, as
    `permutation_importance(random_state=seed)` draws them for every column. It draws one int seed
    from RandomState(seed), then shuffles one index array with RandomState(that seed) repeat after
    repeat, each shuffle applied to the column the previous repeat left: the orders compose."""
    inner = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    state = np.random.RandomState(inner)
    shuffling = np.arange(n_rows)
    order = np.arange(n_rows)
    out = np.empty((n_repeats, n_rows), dtype=np.int64)
    for r in range(n_repeats):
        state.shuffle(shuffling)
        order = order[shuffling]
        out[r] = order
    return out


def _classes(model: Any) -> np.ndarray:
    return np.asarray(model.classes_)


def answers(model: Any, inputs: pd.DataFrame, task: str, predict_from_proba: bool) -> Answers:
    """The model's answers on `inputs`: labels, and the binary score or the class probabilities.
    With `predict_from_proba`, the labels are the most probable classes (one model pass)."""
    if task == "regression":
        return Answers(y_pred=np.asarray(model.predict(inputs)))
    has_proba = hasattr(model, "predict_proba")
    proba = np.asarray(model.predict_proba(inputs)) if has_proba else None
    if proba is not None and predict_from_proba:
        y_pred = _classes(model)[np.argmax(proba, axis=1)]
    else:
        y_pred = np.asarray(model.predict(inputs))
    if task == "binary":
        if proba is None:
            return Answers(y_pred, y_score=np.asarray(model.decision_function(inputs)),
                           probabilities=False)  # fmt: skip
        return Answers(y_pred, y_score=proba[:, list(_classes(model)).index(1)])
    return Answers(y_pred, proba=proba)


def predicts_from_proba(model: Any, inputs: pd.DataFrame) -> bool:
    """Whether the model's labels are the most probable classes on these rows (False for a model
    without predict_proba), so that one predict_proba pass gives both."""
    if not hasattr(model, "predict_proba"):
        return False
    if labels_from_proba(model):  # so by scikit-learn's own code: no need to look
        return True
    found = _classes(model)[np.argmax(model.predict_proba(inputs), axis=1)]
    return bool(np.array_equal(np.asarray(model.predict(inputs)), found))


def permuted(
    model: Any,
    inputs: pd.DataFrame,
    targets: Sequence[tuple[str, tuple[str, ...]]],
    orders: np.ndarray,
    task: str,
    predict_from_proba: bool,
) -> list[Permuted]:
    """For each target (name, columns): the answers with its columns' rows put in each order of
    `orders` together, so a group keeps its rows' joint values. `inputs` is left unchanged."""
    frame = inputs.copy()
    found: dict[str, list[Answers]] = {name: [] for name, _ in targets}
    passes = ((name, columns, order) for name, columns in targets for order in orders)
    current: tuple[str, ...] = ()
    for name, columns, order in steps(passes, "permutation importance",
                                      total=len(targets) * len(orders)):  # fmt: skip
        if columns != current:
            for column in current:  # restore the previous target's columns
                frame[column] = inputs[column]
            current = columns
        for column in columns:
            shuffled = inputs[column].iloc[order]
            shuffled.index = inputs.index
            frame[column] = shuffled
        found[name].append(answers(model, frame, task, predict_from_proba))
    return [Permuted(name, tuple(columns), tuple(found[name])) for name, columns in targets]
