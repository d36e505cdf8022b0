"""The report's image section (`dataset.image_shape` set): sample test images per class and the
misclassified test images with their true and predicted labels, drawn from the test split's
pixels and the predictions the evaluate stage wrote."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Config
from pipeline.errors import DataValidationError
from pipeline.io import read_pickle
from pipeline.plots import save_figure
from pipeline.predictions import Predictions
from pipeline.report.images import (
    MAX_CLASSES_DRAWN,
    MAX_MISTAKES,
    SAMPLES_PER_CLASS,
    Mistake,
    image_shape,
    mistakes,
    mistakes_figure,
    not_drawable,
    pixels,
    predicted_probability,
    sample_figure,
    samples,
)
from pipeline.report.markup import Page, table
from pipeline.schema import Schema

SAMPLES_FIGURE = "image_samples.png"
MISTAKES_FIGURE = "image_mistakes.png"
HEADING = "Test images"


@dataclass(frozen=True)
class ImageFigures:
    """What the image section drew: the figure files (under the report's plots folder; None
    when not drawn), how many classes and mistakes are shown, and why nothing was drawn."""

    samples: Path | None
    mistakes: Path | None
    classes_shown: int
    mistakes_shown: int
    mistakes_total: int
    with_probability: bool
    shown: tuple[Mistake, ...] = ()  # the mistakes drawn, in the figure's order
    note: str | None = None  # why the images are not drawn

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.samples, self.mistakes) if p is not None)

    def line(self) -> str:
        """One line for the stage's output."""
        if self.note is not None:
            return f"images not drawn: {self.note}"
        return (
            f"images: {self.classes_shown} classes x up to {SAMPLES_PER_CLASS} samples, "
            f"{self.mistakes_shown} of {self.mistakes_total} misclassified test rows"
        )


def label_names(schema: Schema) -> dict[Any, str]:
    """Each model class (as the predictions hold it) to its original label, as text."""
    return {c: str(label) for c, label in zip(schema.classes, schema.labels, strict=True)}


def draw(config: Config, schema: Schema, figures_dir: Path) -> ImageFigures:
    """Read the test split, its predictions and (for probabilities) the model; draw both figures.
    Only image datasets come here, so only they import scikit-learn (through `cores`)."""
    from pipeline.models.threads import cores

    shape = image_shape(config.dataset.image_shape)
    assert shape is not None
    if (reason := not_drawable(schema, shape)) is not None:
        return ImageFigures(None, None, 0, 0, 0, False, note=reason)
    test = pd.read_parquet(config.paths.test)
    predictions = Predictions.read(config.paths.predictions)
    y_true, y_pred = predictions.y_true, predictions.y_pred
    if len(y_true) != len(test) or (y_true != test[schema.target].to_numpy()).any():
        raise DataValidationError(
            f"{config.paths.predictions} does not match the rows of {config.paths.test}; re-run "
            "the evaluate stage (dvc repro evaluate)"
        )
    names = label_names(schema)
    wrong = test.loc[y_true != y_pred, schema.features]
    model = read_pickle(config.paths.model)
    with cores(1):  # the same probabilities whatever the machine's cores
        probability = predicted_probability(model, wrong, y_pred[y_true != y_pred])
    found = mistakes(y_true, y_pred, probability)
    shown = found[:MAX_MISTAKES]
    classes = list(schema.classes)[:MAX_CLASSES_DRAWN]
    rows = samples(y_true, classes, SAMPLES_PER_CLASS)
    images = pixels(test, schema.features, shape)
    figures_dir.mkdir(parents=True, exist_ok=True)
    samples_path = figures_dir / SAMPLES_FIGURE
    save_figure(sample_figure(images, rows, names), samples_path)
    mistakes_path = None
    if shown:
        mistakes_path = figures_dir / MISTAKES_FIGURE
        drawn_rows = images[[m.row for m in shown]]
        save_figure(mistakes_figure(drawn_rows, shown, names), mistakes_path)
    return ImageFigures(samples_path, mistakes_path, len(classes), len(shown), len(found),
                        probability is not None, tuple(shown))  # fmt: skip


def link(path: Path, summary_dir: Path) -> str:
    """The figure's path relative to the Markdown summary's folder, with forward slashes."""
    return Path(os.path.relpath(path, summary_dir)).as_posix()


def images_section(
    page: Page, config: Config, schema: Schema, figures_dir: Path, summary_dir: Path
) -> ImageFigures:
    """The section: its figures embedded in the page and linked from the summary."""
    drawn = draw(config, schema, figures_dir)
    height, width = image_shape(config.dataset.image_shape) or (0, 0)
    page.section(
        HEADING,
        f"The features are the pixels of {height} x {width} images (dataset.image_shape), read "
        "row by row. The images below are rows of the test split.",
    )
    if drawn.note is not None:
        page.paragraph(f"The images are not drawn: {drawn.note}.")
        return drawn
    page.subsection("Sample images per class")
    more = len(schema.classes) - drawn.classes_shown
    page.paragraph(
        f"The first {SAMPLES_PER_CLASS} test rows of each class, one class per row"
        + (f"; the first {drawn.classes_shown} classes of {len(schema.classes)}." if more else ".")
    )
    assert drawn.samples is not None
    page.linked_figure(
        drawn.samples, "Sample test images per class", link(drawn.samples, summary_dir)
    )
    page.subsection("Misclassified test images")
    if drawn.mistakes is None:
        page.paragraph("No test row is misclassified.")
        return drawn
    order = (
        "most confident mistakes first: by the model's probability of the label it predicted"
        if drawn.with_probability
        else "in the test split's order (the model gives no probabilities)"
    )
    page.paragraph(
        f"{drawn.mistakes_shown} of the {drawn.mistakes_total} misclassified test rows, {order}. "
        "Each image is titled with its true label and the predicted one."
    )
    page.linked_figure(
        drawn.mistakes, "Misclassified test images", link(drawn.mistakes, summary_dir)
    )
    names = label_names(schema)
    listed = [
        {"test row": m.row, "true": names[m.true], "predicted": names[m.predicted],
         "probability": m.probability}
        for m in drawn.shown
    ]  # fmt: skip
    columns = ["test row", "true", "predicted"]
    page.add(table(listed, [*columns, "probability"] if drawn.with_probability else columns))
    return drawn
