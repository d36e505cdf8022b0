"""Test images, when the features are an image's pixels (`dataset.image_shape`): which rows the
report draws as sample images per class, which misclassified rows it shows (most confident
mistakes first), and the two figures.

Pixels are the feature columns in row-major order; their count must be rows x columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline.plots import plt
from pipeline.schema import Schema
from pipeline.text import drawn

SAMPLES_PER_CLASS = 10
MAX_CLASSES_DRAWN = 20  # rows of the sample grid
MAX_MISTAKES = 36
MISTAKES_PER_ROW = 6
PROBABILITY_DIGITS = 4  # rounded before sorting: the last bits of a BLAS product vary by CPU
LABEL_LIMIT = 12  # characters of a label drawn under a small image


@dataclass(frozen=True)
class Mistake:
    """A misclassified test row: its position in the test split, its true and predicted
    labels, and the model's probability of the predicted label (None without probabilities)."""

    row: int
    true: Any
    predicted: Any
    probability: float | None


def image_shape(shape: Sequence[int] | None) -> tuple[int, int] | None:
    """`dataset.image_shape` (checked by DatasetConfig: two positive sizes) as (rows, columns)."""
    return None if shape is None else (int(shape[0]), int(shape[1]))


def not_drawable(schema: Schema, shape: tuple[int, int]) -> str | None:
    """Why the feature columns cannot be drawn as images of `shape`; None when they can."""
    rows, columns = shape
    given = f"dataset.image_shape is [{rows}, {columns}]"
    if schema.categorical:
        return (
            f"{given}, but {len(schema.categorical)} feature columns are not numeric "
            f"({drawn(schema.categorical[0], 40)}, ...); pixels must be numbers: check "
            "the data, or set dataset.image_shape=null"
        )
    if len(schema.features) != rows * columns:
        return (
            f"{given} ({rows * columns} pixels), but the model has {len(schema.features)} "
            "feature columns; set dataset.image_shape to the images' [rows, columns] (and keep "
            "every pixel: features.drop), or null"
        )
    if schema.task not in ("binary", "multiclass"):
        return "the images are drawn per class: a classification task only"
    return None


def pixels(frame: pd.DataFrame, features: Sequence[str], shape: tuple[int, int]) -> np.ndarray:
    """The rows of `frame` as images: (rows of frame, *shape), the features in row-major order."""
    values = frame[list(features)].to_numpy(dtype=np.float64)
    return values.reshape(len(frame), *shape)


def samples(y_true: np.ndarray, classes: Sequence[Any], per_class: int) -> dict[Any, np.ndarray]:
    """Per class, the positions of its first `per_class` test rows (in the split's order)."""
    return {c: np.flatnonzero(y_true == c)[:per_class] for c in classes}


def mistakes(
    y_true: np.ndarray, y_pred: np.ndarray, probability: np.ndarray | None
) -> list[Mistake]:
    """Every misclassified row, most confident first (by the rounded probability of the
    predicted label, then by row); by row without probabilities. `probability` holds one value
    per misclassified row, in row order."""
    rows = np.flatnonzero(y_true != y_pred)
    found = []
    for i, row in enumerate(rows):
        p = None if probability is None else round(float(probability[i]), PROBABILITY_DIGITS)
        found.append(Mistake(int(row), y_true[row].item(), y_pred[row].item(), p))
    return sorted(found, key=lambda m: (-(m.probability or 0.0), m.row))


def predicted_probability(
    model: Any, inputs: pd.DataFrame, y_pred: np.ndarray
) -> np.ndarray | None:
    """The model's probability of each row's predicted label; None without predict_proba."""
    if not len(inputs) or not hasattr(model, "predict_proba"):
        return None
    proba = model.predict_proba(inputs)
    column = {c: j for j, c in enumerate(model.classes_)}
    return proba[np.arange(len(inputs)), [column[p] for p in y_pred]]


def _show(axes: Any, image: np.ndarray, low: float, high: float) -> None:
    axes.imshow(image, cmap="gray_r", vmin=low, vmax=high, interpolation="nearest")
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)


def sample_figure(images: np.ndarray, rows: dict[Any, np.ndarray], names: dict[Any, str]) -> Any:
    """A grid: one row of sample images per class, its label on the left."""
    per_row = max((len(r) for r in rows.values()), default=1) or 1
    low, high = float(images.min(initial=0.0)), float(images.max(initial=1.0))
    figure, grid = plt.subplots(len(rows), per_row, figsize=(0.7 * per_row + 0.6,
                                0.7 * len(rows) + 0.5), squeeze=False)  # fmt: skip
    for i, (label, found) in enumerate(rows.items()):
        for j in range(per_row):
            axes = grid[i, j]
            if j < len(found):
                _show(axes, images[found[j]], low, high)
            else:
                axes.axis("off")
        grid[i, 0].set_ylabel(drawn(names[label], LABEL_LIMIT), rotation=0, ha="right",
                              va="center", fontsize=9)  # fmt: skip
    figure.suptitle("Sample test images per class (first rows of each class)", fontsize=10)
    figure.tight_layout()
    return figure


def mistakes_figure(images: np.ndarray, shown: list[Mistake], names: dict[Any, str]) -> Any:
    """The misclassified images, each titled `true -> predicted` and the probability."""
    n_rows = -(-len(shown) // MISTAKES_PER_ROW)
    low, high = float(images.min(initial=0.0)), float(images.max(initial=1.0))
    figure, grid = plt.subplots(n_rows, MISTAKES_PER_ROW, figsize=(1.5 * MISTAKES_PER_ROW,
                                1.75 * n_rows + 0.4), squeeze=False)  # fmt: skip
    for k, axes in enumerate(grid.flat):
        if k >= len(shown):
            axes.axis("off")
            continue
        mistake = shown[k]
        _show(axes, images[k], low, high)
        true = drawn(names[mistake.true], LABEL_LIMIT)
        predicted = drawn(names[mistake.predicted], LABEL_LIMIT)
        title = f"true {true}\npredicted {predicted}"
        if mistake.probability is not None:
            title += f" ({mistake.probability:.2f})"
        axes.set_title(title, fontsize=8)
    figure.suptitle("Misclassified test images, most confident first", fontsize=10)
    figure.tight_layout()
    return figure
