"""The report's own figures: evaluation curves and the confusion matrix, drawn from the CSV
files the evaluate stage writes for `dvc plots`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.plots import plt, save_figure
from pipeline.report.markup import table
from pipeline.text import csv_text, drawn


def curve_figures(plot_dir: Path, out_dir: Path) -> list[Path]:
    """PNG figures of the evaluation curves (the CSV files are what `dvc plots` reads)."""
    specs = [
        ("roc.csv", "fpr", "tpr", "ROC curve (test)"),
        ("precision_recall.csv", "recall", "precision", "Precision-recall curve (test)"),
        ("calibration.csv", "mean_predicted_probability", "fraction_of_positives", "Calibration"),
        ("residuals.csv", "actual", "predicted", "Predicted against actual (test)"),
    ]
    made = []
    for name, x, y, title in specs:
        if not (plot_dir / name).is_file():
            continue
        data = pd.read_csv(plot_dir / name)
        figure, axes = plt.subplots(figsize=(4.5, 4))
        style = "." if name == "residuals.csv" else "-"
        axes.plot(data[x], data[y], style, markersize=3)
        if name in ("roc.csv", "calibration.csv"):
            axes.plot([0, 1], [0, 1], ":", color="grey")
        axes.set(xlabel=x, ylabel=y, title=title)
        figure.tight_layout()
        made.append(out_dir / name.replace(".csv", ".png"))
        save_figure(figure, made[-1])
    return made


def label_order(label: str) -> tuple[int, float, str]:
    """Labels read back as text in their natural order: numbers by value (2 before 10), then
    text."""
    try:
        return 0, float(label), label
    except ValueError:
        return 1, 0.0, label


def read_counts(plot_dir: Path) -> pd.DataFrame | None:
    """The confusion counts, actual classes by rows; None without confusion.csv. More than two
    classes: square, every label on both axes in its natural order."""
    if not (plot_dir / "confusion.csv").is_file():
        return None
    # labels as written, back from their CSV cells (io.write_csv quotes formula-like text)
    data = pd.read_csv(plot_dir / "confusion.csv", dtype=str, keep_default_na=False).map(csv_text)
    counts = pd.crosstab(data["actual"], data["predicted"])
    if len(counts.index) <= 2 and len(counts.columns) <= 2:
        return counts
    labels = sorted({*counts.index, *counts.columns}, key=label_order)
    return counts.reindex(index=labels, columns=labels, fill_value=0)


def multiclass(counts: pd.DataFrame) -> bool:
    return len(counts.index) > 2 or len(counts.columns) > 2


def confusion(plot_dir: Path, out_dir: Path) -> tuple[tuple[str, str], Path | None]:
    """The confusion matrix as a table and as a figure (classification tasks only)."""
    counts = read_counts(plot_dir)
    if counts is None:
        return ("", ""), None
    rows = [{"actual \\ predicted": str(a), **{str(p): int(counts.loc[a, p]) for p in counts}}
            for a in counts.index]  # fmt: skip
    path = out_dir / "confusion.png"
    if multiclass(counts):
        save_figure(matrix_figure(counts, normalised_rows=False), path)
    else:
        figure, axes = plt.subplots(figsize=(4.5, 4))
        grid = counts.to_numpy()
        axes.imshow(grid, cmap="Blues")
        for (i, j), value in pd.DataFrame(grid).stack().items():
            colour = "white" if value > grid.max() / 2 else "black"
            axes.text(j, i, str(value), ha="center", va="center", fontsize=8, color=colour)
        axes.set_xticks(range(len(counts.columns)), [drawn(str(c)) for c in counts.columns])
        axes.set_yticks(range(len(counts.index)), [drawn(str(c)) for c in counts.index])
        axes.set(xlabel="predicted", ylabel="actual", title="Confusion matrix (test)")
        figure.tight_layout()
        save_figure(figure, path)
    columns = ["actual \\ predicted", *[str(p) for p in counts.columns]]
    return table(rows, columns), path


def normalised(counts: pd.DataFrame) -> pd.DataFrame:
    """Each row of the confusion counts as shares of its actual class (each row sums to 1)."""
    return counts.div(counts.sum(axis=1).replace(0, 1), axis=0)


def matrix_figure(counts: pd.DataFrame, normalised_rows: bool) -> plt.Figure:
    """A multiclass confusion matrix, sized to its classes: counts, or the row-normalised
    shares in percent (each row: where the test rows of one actual class went)."""
    k = max(len(counts.index), len(counts.columns))
    side = max(4.5, 0.42 * k + 1.8)
    font = 8 if k <= 12 else 6 if k <= 24 else 0  # no numbers in the cells beyond 24 classes
    grid = (normalised(counts) * 100).to_numpy() if normalised_rows else counts.to_numpy()
    figure, axes = plt.subplots(figsize=(side, side * 0.9))
    axes.imshow(grid, cmap="Blues", vmin=0, vmax=100 if normalised_rows else None)
    top = 100 if normalised_rows else grid.max()
    for (i, j), value in pd.DataFrame(grid).stack().items():
        if font and (value or i == j):
            shown = str(value) if not normalised_rows else "<1" if value < 1 else f"{value:.0f}"
            colour = "white" if value > top / 2 else "black"
            axes.text(j, i, shown, ha="center", va="center", fontsize=font, color=colour)
    names = [drawn(str(c), 16) for c in counts.columns], [drawn(str(c), 16) for c in counts.index]
    rotation = 90 if max(map(len, names[0]), default=0) > 3 else 0
    axes.set_xticks(range(len(counts.columns)), names[0], rotation=rotation)
    axes.set_yticks(range(len(counts.index)), names[1])
    title = (
        "Confusion matrix, % of each actual class (test)"
        if normalised_rows
        else ("Confusion matrix, counts (test)")
    )
    axes.set(xlabel="predicted", ylabel="actual", title=title)
    figure.tight_layout()
    return figure


def normalised_confusion(plot_dir: Path, out_dir: Path) -> tuple[tuple[str, str], Path | None]:
    """Multiclass: the row-normalised confusion matrix as a table (shares) and a figure (%);
    nothing for a binary task, whose table and figure stay the counts."""
    counts = read_counts(plot_dir)
    if counts is None or not multiclass(counts):
        return ("", ""), None
    shares = normalised(counts)
    head = "actual \\ predicted (share of row)"
    rows = [{head: str(a), **{str(p): float(round(shares.loc[a, p], 4)) for p in shares}}
            for a in shares.index]  # fmt: skip
    path = out_dir / "confusion_normalised.png"
    save_figure(matrix_figure(counts, normalised_rows=True), path)
    return table(rows, [head, *[str(p) for p in counts.columns]]), path
