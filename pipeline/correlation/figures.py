"""The correlation stage's heatmaps: association strength, and mutual information on a
correlation scale, over every pair of columns. File names are fixed (correlation.result); column
names are drawn literally, invisible characters shown (`text.drawn`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from pipeline.correlation.result import HEATMAP, MUTUAL_INFO_HEATMAP
from pipeline.correlation.sections import Matrices
from pipeline.plots import plt, save_figure
from pipeline.text import drawn


def heatmap(matrix: np.ndarray, names: Sequence[str], title: str) -> Figure:
    """A 0-1 heatmap of a symmetric matrix, annotated when small."""
    size = max(5.0, 0.45 * len(names) + 2.5)
    figure, axes = plt.subplots(figsize=(size + 1.0, size))
    image = axes.imshow(np.ma.masked_invalid(matrix), vmin=0.0, vmax=1.0, cmap="viridis")
    axes.set_xticks(range(len(names)), names, rotation=90, fontsize=8)
    axes.set_yticks(range(len(names)), names, fontsize=8)
    axes.set_facecolor("#dddddd")
    if len(names) <= 25:
        for i, j in zip(*np.nonzero(np.isfinite(matrix)), strict=True):
            colour = "white" if matrix[i, j] < 0.6 else "black"
            axes.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=6,
                      color=colour)  # fmt: skip
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def write_figures(matrix: Matrices, folder: Path) -> None:
    """The strength heatmap, and the mutual-information one when it was computed."""
    names = [drawn(str(name)) for name in matrix.columns]
    save_figure(
        heatmap(matrix.get("strength"), names,
                "Association strength (training split)\n|Pearson r| numeric pairs, eta "
                "numeric-categorical, bias-corrected Cramér's V categorical"),
        folder / HEATMAP,
    )  # fmt: skip
    mutual_info_r = matrix.get("mutual_info_r")
    if np.isfinite(mutual_info_r).any():
        save_figure(
            heatmap(mutual_info_r, names,
                    "Mutual information on a correlation scale, sqrt(1 - exp(-2 MI))\n"
                    "(numeric columns binned), every pair type"),
            folder / MUTUAL_INFO_HEATMAP,
        )  # fmt: skip
