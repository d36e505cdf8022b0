"""The image section's core: which rows are drawn, the mistakes' order, the probabilities (against
scikit-learn's), the pixel checks, and the multiclass confusion matrix (against scikit-learn's)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from pipeline.config import dataset_config
from pipeline.errors import ConfigError
from pipeline.report.figures import normalised_confusion, read_counts
from pipeline.report.images import (
    image_shape,
    mistakes,
    not_drawable,
    pixels,
    predicted_probability,
    samples,
)
from pipeline.schema import Schema


def schema(n_features: int, categorical: tuple[str, ...] = (), task: str = "multiclass") -> Schema:
    numeric = tuple(f"p{i}" for i in range(n_features))
    return Schema(task, "y", numeric, categorical, (), (0, 1, 2), (0, 1, 2))


def test_image_shape_is_rows_and_columns() -> None:
    assert image_shape([28, 28]) == (28, 28) and image_shape(None) is None
    raw = {"name": "x", "source": "x", "target": "y", "task": "auto", "positive_label": None}
    for bad in ([28], [28, 0], [2, 3, 4]):
        with pytest.raises(ConfigError, match=r"dataset.image_shape is .*\[rows, columns\]"):
            dataset_config({**raw, "sensitive": [], "image_shape": bad})


def test_pixels_must_fill_the_image() -> None:
    assert not_drawable(schema(64), (8, 8)) is None
    assert "784 pixels), but the model has 780 feature columns" in str(
        not_drawable(schema(780), (28, 28))
    )
    assert "not numeric" in str(not_drawable(schema(63, ("c",)), (8, 8)))
    assert "classification task only" in str(not_drawable(schema(64, task="regression"), (8, 8)))


def test_pixels_are_read_row_major() -> None:
    names = [f"pixel_{r}_{c}" for r in range(2) for c in range(3)]
    frame = pd.DataFrame([list(range(6)), list(range(6, 12))], columns=names)
    images = pixels(frame, names, (2, 3))
    assert images.shape == (2, 2, 3) and images[1, 1, 0] == frame.loc[1, "pixel_1_0"]


def test_samples_are_the_first_rows_of_each_class() -> None:
    y = np.array([2, 0, 2, 1, 2, 0, 2])
    found = samples(y, [0, 1, 2], 3)
    assert {k: v.tolist() for k, v in found.items()} == {0: [1, 5], 1: [3], 2: [0, 2, 4]}


def test_mistakes_most_confident_first_then_by_row() -> None:
    y_true = np.array([0, 1, 2, 0, 1, 2])
    y_pred = np.array([1, 1, 0, 2, 0, 2])  # rows 0, 2, 3, 4 wrong
    found = mistakes(y_true, y_pred, np.array([0.6, 0.9, 0.6000000001, 0.7]))
    assert [m.row for m in found] == [2, 4, 0, 3]  # 0.6 and 0.6000000001 tie: by row
    assert (found[0].true, found[0].predicted, found[0].probability) == (2, 0, 0.9)
    assert [m.row for m in mistakes(y_true, y_pred, None)] == [0, 2, 3, 4]


def test_predicted_probability_is_scikit_learns() -> None:
    x, y = load_digits(return_X_y=True, as_frame=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=200)).fit(x[:300], y[:300])
    test = x[300:500]
    y_pred = model.predict(test)
    found = predicted_probability(model, test, y_pred)
    assert found is not None
    np.testing.assert_allclose(found, model.predict_proba(test).max(axis=1))


def write_confusion(folder: Path, actual: list[int], predicted: list[int]) -> None:
    pd.DataFrame({"actual": actual, "predicted": predicted}).to_csv(
        folder / "confusion.csv", index=False
    )


def test_normalised_confusion_is_scikit_learns_at_20_classes(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    actual = rng.integers(0, 20, 2000)
    predicted = np.where(rng.random(2000) < 0.8, actual, rng.integers(0, 19, 2000))  # never 19
    write_confusion(tmp_path, actual.tolist(), predicted.tolist())
    counts = read_counts(tmp_path)
    assert counts is not None and list(counts.index) == [str(k) for k in range(20)]  # 2 before 10
    np.testing.assert_array_equal(counts.to_numpy(), confusion_matrix(actual, predicted))
    (html, markdown), figure = normalised_confusion(tmp_path, tmp_path)
    assert figure is not None and figure.is_file()
    shares = confusion_matrix(actual, predicted, normalize="true")
    first = markdown.splitlines()[2].split(" | ")  # the row of actual class 0
    np.testing.assert_allclose([float(v) for v in first[1:-1]], shares[0, :-1], atol=5e-5)


def test_a_binary_confusion_has_no_normalised_twin(tmp_path: Path) -> None:
    write_confusion(tmp_path, [0, 1, 1, 0], [0, 1, 0, 0])
    assert normalised_confusion(tmp_path, tmp_path) == (("", ""), None)
