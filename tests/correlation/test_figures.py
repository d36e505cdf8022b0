"""The figures and the CSV tables: the files the stage writes beside its JSON result; every text
of a figure inside it, at 2, 10 and 100 columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from pipeline.correlation import spurious
from pipeline.correlation.example_figure import pool_cage_figure
from pipeline.correlation.figures import MAX_COLUMNS, figures, label, write_figures
from pipeline.correlation.result import HEATMAP, MUTUAL_INFO_HEATMAP, POOL_CAGE_FIGURE
from pipeline.correlation.sections import Matrices
from pipeline.correlation.tables import Tables
from pipeline.plots import plt

PNG = b"\x89PNG\r\n\x1a\n"


POOL_CAGE = spurious.pool_cage()


def text_outside(figure: Figure) -> list[str]:
    """The texts whose rendered extent leaves the figure (more than half a pixel)."""
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    box = figure.bbox
    outside = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text():
            continue
        extent = text.get_window_extent(renderer)
        if (extent.x0 < box.x0 - 0.5 or extent.y0 < box.y0 - 0.5
                or extent.x1 > box.x1 + 0.5 or extent.y1 > box.y1 + 0.5):  # fmt: skip
            outside.append(text.get_text())
    return outside


def random_matrices(k: int, seed: int = 0) -> Matrices:
    rng = np.random.default_rng(seed)
    strength = rng.random((k, k))
    strength = (strength + strength.T) / 2
    np.fill_diagonal(strength, np.nan)
    q = np.where(strength > 0.3, 0.001, 0.5)
    names = tuple(f"column {i} with a rather long name" if i % 3 == 0 else f"c{i}"
                  for i in range(k))  # fmt: skip
    values = {"strength": strength, "q_value": q, "mutual_info_r": strength / 2,
              "mutual_info_q": q}  # fmt: skip
    return Matrices(names, values)


@pytest.mark.parametrize("k", [2, 10, 100])
def test_every_text_of_every_figure_fits_inside_it(k: int) -> None:
    matrix = random_matrices(k)
    drawn = figures(matrix, 0.05, matrix.columns[-1], POOL_CAGE)
    assert list(drawn) == [HEATMAP, MUTUAL_INFO_HEATMAP, POOL_CAGE_FIGURE]
    for name, figure in drawn.items():
        assert text_outside(figure) == [], name
        plt.close(figure)


def test_beyond_the_limit_a_heatmap_shows_the_strongest_columns_and_says_so() -> None:
    matrix = random_matrices(100)
    target = matrix.columns[-1]
    matrix.values["strength"][4, 5] = matrix.values["strength"][5, 4] = 1.0  # planted strongest
    figure = figures(matrix, 0.05, target, POOL_CAGE)[HEATMAP]
    axes = figure.axes[0]
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert len(labels) == MAX_COLUMNS
    assert label(target) in labels and "c4" in labels and "c5" in labels
    assert labels == [label(n) for n in matrix.columns if label(n) in labels]  # original order
    title = " ".join(figure.get_suptitle().split())
    assert f"the {MAX_COLUMNS} of 100 columns with the strongest" in title
    assert all(len(text) <= 24 for text in labels)
    plt.close("all")


def test_cells_not_significant_after_fdr_are_grey_and_blank() -> None:
    strength = np.array([[np.nan, 0.7, 0.35], [0.7, np.nan, 0.1], [0.35, 0.1, np.nan]])
    q = np.array([[np.nan, 0.001, 0.2], [0.001, np.nan, 0.9], [0.2, 0.9, np.nan]])
    matrix = Matrices(("a", "b", "c"), {"strength": strength, "q_value": q})
    drawn = figures(matrix, 0.05, None, POOL_CAGE)
    assert list(drawn) == [HEATMAP, POOL_CAGE_FIGURE]  # no information: no heatmap of it
    axes = drawn[HEATMAP].axes[0]
    shown = axes.images[0].get_array()
    assert not np.ma.getmaskarray(shown)[0, 1] and np.ma.getmaskarray(shown)[0, 2]
    assert sorted(t.get_text() for t in axes.texts) == ["0.70", "0.70"]
    plt.close("all")


def test_the_pool_cage_figure_draws_both_series_on_two_axes() -> None:
    figure = pool_cage_figure(POOL_CAGE)
    pool_axes, cage_axes = figure.axes
    assert list(pool_axes.lines[0].get_ydata()) == list(spurious.POOL_DROWNINGS)
    assert list(cage_axes.lines[0].get_ydata()) == list(spurious.CAGE_FILMS)
    assert list(pool_axes.lines[0].get_xdata()) == list(range(1999, 2010))
    assert "swimming pool" in pool_axes.get_ylabel() and "Nicolas Cage" in cage_axes.get_ylabel()
    title = pool_axes.get_title(loc="left")
    assert "r = 0.666 (95% interval 0.11 to 0.90), p = 0.025, n = 11" in title
    assert "Spurious" in title
    plt.close(figure)


def test_the_stage_writes_each_figure_as_png(tmp_path: Path) -> None:
    matrix = random_matrices(3)
    write_figures(matrix, tmp_path, 0.05, None, POOL_CAGE)
    for name in (HEATMAP, MUTUAL_INFO_HEATMAP, POOL_CAGE_FIGURE):
        assert (tmp_path / name).read_bytes()[:8] == PNG


def test_tables_are_written_by_file_name(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1.0, np.nan], "b": ["x", None]})
    Tables(frame, frame, frame, pd.DataFrame([]), frame).write(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pairs.csv", "partial_correlations.csv", "proxies.csv", "random_walks.csv",
        "target_associations.csv",
    ]  # fmt: skip
    assert (tmp_path / "pairs.csv").read_text() == "a,b\n1,x\n,\n"  # NaN and None: empty
