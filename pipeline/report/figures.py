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


def confusion(plot_dir: Path, out_dir: Path) -> tuple[tuple[str, str], Path | None]:
    """The confusion matrix as a table and as a figure (classification tasks only)."""
    if not (plot_dir / "confusion.csv").is_file():
        return ("", ""), None
    # labels as written, back from their CSV cells (io.write_csv quotes formula-like text)
    data = pd.read_csv(plot_dir / "confusion.csv", dtype=str, keep_default_na=False).map(csv_text)
    counts = pd.crosstab(data["actual"], data["predicted"])
    rows = [{"actual \\ predicted": str(a), **{str(p): int(counts.loc[a, p]) for p in counts}}
            for a in counts.index]  # fmt: skip
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
    path = out_dir / "confusion.png"
    save_figure(figure, path)
    columns = ["actual \\ predicted", *[str(p) for p in counts.columns]]
    return table(rows, columns), path
