"""The correlation stage's figures: heatmaps of association strength and of bias-corrected mutual
information, readable from 2 to any number of columns, and the pool-drownings/Nicolas Cage
series. File names are fixed (correlation.result); column names are drawn literally, invisible
characters shown (`text.drawn`), and cut to LABEL_CHARS."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from pipeline.correlation.example_figure import pool_cage_figure
from pipeline.correlation.result import HEATMAP, MUTUAL_INFO_HEATMAP, POOL_CAGE_FIGURE
from pipeline.correlation.sections import Matrices, PoolCage
from pipeline.plots import plt, save_figure
from pipeline.text import drawn

MAX_COLUMNS = 40  # beyond this a heatmap shows the columns with the strongest associations
ANNOTATE_COLUMNS = 15  # cells carry their value up to this many columns
LABEL_CHARS = 24  # longer column names are cut, with an ellipsis
TITLE_POINTS = 9.0
MASKED = "#e4e4e4"  # cells not told apart from chance, or not defined


def label(name: str) -> str:
    """A column name drawn literally and cut to LABEL_CHARS."""
    text = drawn(str(name))
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def strongest_columns(matrix: np.ndarray, keep: Sequence[int], limit: int) -> list[int]:
    """Indices of at most `limit` columns, in their original order: those in `keep`, then those
    with the largest association with any other column (ties by position)."""
    if len(matrix) <= limit:
        return list(range(len(matrix)))
    with np.errstate(all="ignore"):
        peak = np.where(np.isfinite(matrix), matrix, -1.0).max(axis=1)
    ranked = [i for i in np.lexsort((np.arange(len(matrix)), -peak)) if i not in keep]
    return sorted([*keep, *ranked[: limit - len(keep)]])


def heatmap(
    matrix: np.ndarray, names: Sequence[str], title: str, shown: np.ndarray | None = None
) -> Figure:
    """A 0-1 heatmap of a symmetric matrix; cells where `shown` is False are drawn grey and
    blank. Fonts, cell size and the title's line breaks follow the number of columns, so every
    label and the whole title stay inside the figure."""
    k = len(names)
    labels = [label(name) for name in names]
    tick_points = 9.0 if k <= 10 else 8.0 if k <= 20 else 6.5
    cell = 0.5 if k <= 10 else 0.36 if k <= 20 else 0.2
    label_inches = max(len(text) for text in labels) * tick_points * 0.62 / 72 + 0.6
    side = max(k * cell, 2.4)
    width = max(side + label_inches + 1.4, 6.0)
    wrapped = "\n".join(
        textwrap.fill(line, width=int(width * 72 / (TITLE_POINTS * 0.62)) - 4)
        for line in title.split("\n")
    )
    height = side + label_inches + 0.3 + (wrapped.count("\n") + 1) * TITLE_POINTS * 1.5 / 72
    figure, axes = plt.subplots(figsize=(width, height), layout="constrained")
    values = np.ma.masked_invalid(np.where(shown, matrix, np.nan) if shown is not None else matrix)
    image = axes.imshow(values, vmin=0.0, vmax=1.0, cmap="viridis")
    axes.set_xticks(range(k), labels, rotation=90, fontsize=tick_points)
    axes.set_yticks(range(k), labels, fontsize=tick_points)
    axes.set_facecolor(MASKED)
    if k <= ANNOTATE_COLUMNS:
        for i, j in zip(*np.nonzero(~np.ma.getmaskarray(values)), strict=True):
            colour = "white" if values[i, j] < 0.6 else "black"
            axes.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center",
                      fontsize=tick_points - 2, color=colour)  # fmt: skip
    figure.colorbar(image, ax=axes, shrink=min(1.0, 0.9 + k / 100))
    figure.suptitle(wrapped, x=0.02, ha="left", fontsize=TITLE_POINTS)
    return figure


def significant(q: np.ndarray, alpha: float) -> np.ndarray | None:
    """Where q < alpha; None (show every cell) when no q-value was computed."""
    return (q < alpha) if np.isfinite(q).any() else None


def subset(matrix: np.ndarray, chosen: list[int]) -> np.ndarray:
    return matrix[np.ix_(chosen, chosen)]


def figures(
    matrix: Matrices, alpha: float, target: str | None, pool_cage: PoolCage
) -> dict[str, Figure]:
    """By file name: the strength heatmap, the mutual-information one when it was computed, and
    the pool-drownings/Nicolas Cage series over the years."""
    total = len(matrix.columns) if matrix.total is None else matrix.total
    keep = [matrix.columns.index(target)] if target in matrix.columns else []
    chosen = strongest_columns(matrix.get("strength"), keep, MAX_COLUMNS)
    names = [matrix.columns[i] for i in chosen]
    scope = (
        f"the {len(chosen)} of {total} columns with the strongest associations (the target "
        "kept); every pair is in pairs.csv"
        if len(chosen) < total
        else f"all {total} columns"
    )
    if matrix.total is not None:
        scope = (
            f"the target and the {len(chosen) - 1} of {total - 1} features most associated with "
            "it; the strongest pairs are in pairs.csv, every pair counted in correlation.json's "
            "screening"
        )
    grey = f"grey: not significant after FDR control (q >= {alpha:g}) or undefined"
    strength_q = significant(subset(matrix.get("q_value"), chosen), alpha)
    drawn_figures = {
        HEATMAP: heatmap(
            subset(matrix.get("strength"), chosen), names,
            "Association strength (training split): |Pearson r| numeric pairs, eta "
            f"numeric-categorical, bias-corrected Cramér's V categorical. Shown: {scope}; "
            f"{grey}.", strength_q,
        )
    }  # fmt: skip
    mutual_info_r = matrix.get("mutual_info_r")
    if np.isfinite(mutual_info_r).any():
        info_q = significant(subset(matrix.get("mutual_info_q"), chosen), alpha)
        drawn_figures[MUTUAL_INFO_HEATMAP] = heatmap(
            subset(mutual_info_r, chosen), names,
            "Mutual information on a correlation scale, sqrt(1 - exp(-2 MI)), numeric columns "
            "binned, every pair type. MI is the plug-in estimate less the information two "
            "independent columns with the same margins show by chance (its bias). "
            f"Shown: {scope}; {grey}.", info_q,
        )  # fmt: skip
    drawn_figures[POOL_CAGE_FIGURE] = pool_cage_figure(pool_cage)
    return drawn_figures


def write_figures(
    matrix: Matrices, folder: Path, alpha: float, target: str | None, pool_cage: PoolCage
) -> None:
    """Every figure of `figures` as PNG in `folder`."""
    for name, figure in figures(matrix, alpha, target, pool_cage).items():
        save_figure(figure, folder / name)
