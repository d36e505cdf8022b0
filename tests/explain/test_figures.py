"""The explain figures: what each draws (bars, lines, shaded cells, panels counted on the Axes),
hostile names drawn literally and inside the figure, and the same bytes from two saves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from pipeline.explain.dependence import MISSING_LABEL, Dependence
from pipeline.explain.figures import (
    ICE_DRAWN,
    LABEL_CHARS,
    MAX_ROWS,
    dependence_figure,
    disparity_figure,
    importance_figure,
)
from pipeline.plots import plt, save_figure

HOSTILE = ["$\\alpha$", "$x^$", "<b>x</b>", "a" * 200, "abc\u202efed", "{}%s\\n"]


def texts(figure: Figure) -> list[str]:
    """Every visible text once drawn (drawing fails if a label were parsed as math)."""
    figure.canvas.draw()
    return [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text()]


def outside(figure: Figure) -> bool:
    """Whether anything drawn (every label, title and legend) leaves the figure."""
    figure.canvas.draw()
    drawn = figure.get_tightbbox(figure.canvas.get_renderer())  # inches
    width, height = figure.get_size_inches()
    slack = 1 / figure.dpi
    return bool(drawn.x0 < -slack or drawn.y0 < -slack or drawn.x1 > width + slack
                or drawn.y1 > height + slack)  # fmt: skip


def importance_rows(n: int) -> list[dict]:
    rng = np.random.default_rng(0)
    names = [*HOSTILE, *(f"feature {i}" for i in range(n - len(HOSTILE)))]
    rows = []
    for i, name in enumerate(names):
        mean = float(rng.random() / 10)
        rows.append({"name": name, "mean": mean, "low": mean - 0.01, "high": mean + 0.02,
                     "kind": "group" if i % 7 == 0 else "feature",
                     "rank_stability": None if i == 3 else 0.5})  # fmt: skip
    return rows


def bars(axes: plt.Axes) -> list[Rectangle]:
    return [p for p in axes.patches if isinstance(p, Rectangle)]


def test_importance_draws_the_largest_thirty_groups_apart_and_names_literally() -> None:
    rows = importance_rows(45)
    figure = importance_figure(rows, "roc_auc")
    axes = figure.axes[0]
    drawn_bars = bars(axes)
    assert len(drawn_bars) == MAX_ROWS
    widths = [b.get_width() for b in sorted(drawn_bars, key=lambda b: -b.get_y())]
    assert widths == sorted((r["mean"] for r in rows), reverse=True)[:MAX_ROWS]
    kept = sorted(rows, key=lambda r: -r["mean"])[:MAX_ROWS]
    groups = sum(r["kind"] == "group" for r in kept)
    assert sum(b.get_hatch() == "//" for b in drawn_bars) == groups > 0
    assert "+ 15 more not shown" in axes.get_title()
    assert "drop in roc_auc" in axes.get_xlabel()
    labels = [t.get_text() for t in axes.get_yticklabels()]
    shown = {r["name"] for r in kept}
    for name in HOSTILE:
        if name in shown and len(name) < LABEL_CHARS and "\u202e" not in name:
            assert any(label.startswith(name) for label in labels)
    assert all(len(label) <= LABEL_CHARS + len(" [group]") for label in labels)
    assert texts(figure) and not outside(figure)
    plt.close(figure)


def dependence_result(kind: str, k: int, outputs: int = 1, ice: int = 80) -> Dependence:
    rng = np.random.default_rng(1)
    grid = [f"{HOSTILE[i % len(HOSTILE)]} {i}" for i in range(k - 1)] + [MISSING_LABEL]
    if kind == "numeric":
        grid = list(np.linspace(0.0, 10.0, k))
    counts = [int(c) for c in rng.integers(0, 400, k)]
    counts[1] = 3  # under 1% of the rows
    individual = rng.random((outputs, ice, k))
    return Dependence(feature="$x^$ <script>", kind=kind, grid=grid,  # type: ignore[arg-type]
                      average=individual.mean(axis=1), individual=individual, counts=counts,
                      n_rows=sum(counts) + 10, outputs=[f"class {i}" for i in range(outputs)],
                      below_rows=4, above_rows=6, missing_level=kind == "categorical")  # fmt: skip


@pytest.mark.parametrize(("kind", "k"), [("numeric", 20), ("categorical", 7), ("categorical", 100)])
def test_dependence_draws_the_curve_ice_lines_and_rows_per_cell(kind: str, k: int) -> None:
    found = dependence_result(kind, k)
    figure = dependence_figure(found, "P($\\alpha$)")
    top, bottom = figure.axes
    ice = [line for line in top.lines if line.get_gid() == "ice"]
    average = [line for line in top.lines if line.get_gid() == "average"]
    assert len(ice) == ICE_DRAWN and len(average) == 1
    np.testing.assert_allclose(average[0].get_ydata(), found.average[0])
    heights = [b.get_height() for b in bars(bottom)]
    assert heights == found.counts  # one bar per grid cell, left to right
    few = [c < 0.01 * found.n_rows for c in found.counts]
    colours = [b.get_facecolor()[:3] for b in bars(bottom)]
    assert sum(c == plt.matplotlib.colors.to_rgb("tab:red") for c in colours) == sum(few) >= 1
    shaded = [p for p in top.patches if not isinstance(p, Rectangle) or p.get_gid() != "counts"]
    assert len(shaded) == sum(few)  # the curve's cells that rest on few rows
    assert top.get_shared_x_axes().joined(top, bottom)
    if kind == "categorical":
        labels = [t.get_text() for t in bottom.get_xticklabels()]
        assert (
            len(labels) == k and labels[-1] == MISSING_LABEL and labels[0].startswith("$\\alpha$")
        )
    title = top.get_title()
    assert "$x^$ <script>" in title and "4 rows below the grid" in title and "6 above" in title
    assert texts(figure) and not outside(figure)
    plt.close(figure)


def test_multiclass_draws_one_line_per_class_with_a_legend() -> None:
    found = dependence_result("numeric", 12, outputs=3)
    figure = dependence_figure(found, "probability")
    top = figure.axes[0]
    assert [line.get_gid() for line in top.lines] == ["average"] * 3  # no ICE lines
    legend = [t.get_text() for t in top.get_legend().get_texts()]
    assert legend[:3] == ["class class 0", "class class 1", "class class 2"]
    plt.close(figure)
    skipped = Dependence("flat", "numeric", [], np.empty((1, 0)), np.empty((1, 0, 0)), [], 9,
                         ["1"], skipped="one value (4): nothing varies")  # fmt: skip
    with pytest.raises(ValueError, match="one value"):
        dependence_figure(skipped, "probability")


def disparity_rows() -> list[dict]:
    rng = np.random.default_rng(2)
    rows = []
    for disparity in ("demographic_parity_difference", "equal_opportunity_difference"):
        for name in [*HOSTILE, *(f"f{i}" for i in range(40))]:
            change = float(rng.normal(0, 0.03))
            low, high = change - 0.01, change + 0.01
            rows.append({"feature": name, "disparity": disparity, "change": change,
                         "baseline": 0.18, "low": low, "high": high})  # fmt: skip
    return rows


def test_disparity_panels_sorted_by_change_around_zero() -> None:
    rows = disparity_rows()
    figure = disparity_figure(rows, "<b>sex</b>")
    assert len(figure.axes) == 2
    for axes, disparity in zip(figure.axes, ["demographic_parity", "equal_opportunity"],
                               strict=True):  # fmt: skip
        assert axes.get_title().startswith(disparity) and "baseline 0.180" in axes.get_title()
        assert "+ 16 more not shown" in axes.get_title()
        (points,) = [line for line in axes.lines if line.get_marker() == "o"]
        x, y = points.get_xdata(), points.get_ydata()
        assert len(x) == MAX_ROWS
        assert list(x[np.argsort(-y)]) == sorted(x, reverse=True)  # largest at the top
        mine = sorted((r["change"] for r in rows if r["disparity"].startswith(disparity)),
                      key=abs, reverse=True)[:MAX_ROWS]  # fmt: skip
        assert sorted(x) == sorted(mine)  # the largest changes in size are the ones kept
        assert any(list(line.get_xdata()) == [0, 0] for line in axes.lines)  # the zero line
        assert not [c for c in axes.collections if isinstance(c, PolyCollection)]
    assert "<b>sex</b>" in figure.get_suptitle()
    assert not outside(figure)
    plt.close(figure)


def test_every_figure_saves_the_same_bytes_twice(tmp_path: Path) -> None:
    builders = {
        "importance": lambda: importance_figure(importance_rows(12), "roc_auc"),
        "numeric": lambda: dependence_figure(dependence_result("numeric", 20), "P(y)"),
        "categorical": lambda: dependence_figure(dependence_result("categorical", 9), "P(y)"),
        "disparity": lambda: disparity_figure(disparity_rows(), "sex"),
    }
    for name, build in builders.items():
        for attempt in (1, 2):
            save_figure(build(), tmp_path / f"{name}{attempt}.png")
        first, second = ((tmp_path / f"{name}{i}.png").read_bytes() for i in (1, 2))
        assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == second, name
