"""The explain stage's figures: permutation importance with intervals, partial dependence over the
data's distribution, and what drives a disparity. Names and levels from the data are drawn
literally (`text.drawn`, math text off in pipeline.plots) and cut to LABEL_CHARS."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from pipeline.explain.dependence import Dependence
from pipeline.plots import plt
from pipeline.text import drawn

MAX_ROWS = 30  # bars of an importance or disparity figure; the rest are counted in a note
ICE_DRAWN = 50  # ICE lines drawn per figure
LABEL_CHARS = 40
ANNOTATED = 30  # grid cells up to which each count is written above its bar
SKEWED = 50  # counts are drawn on a log scale when the largest is this many times the smallest
FEW_ROWS = 0.01  # a grid cell holding less than this share of the rows is marked
FEATURE_COLOUR, GROUP_COLOUR, FEW_COLOUR = "tab:blue", "tab:orange", "tab:red"


def label(text: object, limit: int = LABEL_CHARS) -> str:
    return drawn(str(text), limit)


def value(row: dict[str, Any], key: str) -> float:
    """A number of a row; None (not computed) as NaN."""
    found = row.get(key)
    return float("nan") if found is None else float(found)


def interval(rows: Sequence[dict[str, Any]], centre: str) -> np.ndarray:
    """Error-bar half-lengths (2, n) from `low`/`high` around `centre`; none where unknown."""
    mid = np.array([value(r, centre) for r in rows])
    low = np.array([value(r, "low") for r in rows])
    high = np.array([value(r, "high") for r in rows])
    return np.nan_to_num(np.clip(np.vstack([mid - low, high - mid]), 0.0, None))


def by(key: str, size: bool = False) -> Any:
    """A sort key: `key` largest first (its magnitude with `size`), unknown last, ties by name."""

    def rank(row: dict[str, Any]) -> tuple[float, str]:
        number = abs(value(row, key)) if size else value(row, key)
        return -np.nan_to_num(number, nan=-np.inf), str(row.get("name", row.get("feature")))

    return rank


def cut(rows: Sequence[dict[str, Any]], key: str) -> tuple[list[dict[str, Any]], str]:
    """At most MAX_ROWS rows, those with the largest `key` in magnitude, sorted by `key`
    (largest first), and a note of how many more there are."""
    kept = sorted(rows, key=by(key, size=True))[:MAX_ROWS]
    more = len(rows) - len(kept)
    return sorted(kept, key=by(key)), (f"+ {more} more not shown" if more > 0 else "")


def bar_height(n: int) -> float:
    return 1.4 + 0.26 * max(n, 1)


def importance_figure(rows: list[dict[str, Any]], metric: str) -> Figure:
    """Horizontal bars of permutation importance (the drop in `metric`), largest at the top, with
    their intervals; groups of features in another colour, hatched; rank stability at the right."""
    shown, note = cut(rows, "mean")
    figure, axes = plt.subplots(figsize=(8.0, bar_height(len(shown))), layout="constrained")
    y = np.arange(len(shown))[::-1]
    groups = np.array([r.get("kind") == "group" for r in shown], dtype=bool)
    means = np.nan_to_num(np.array([value(r, "mean") for r in shown]))
    errors = interval(shown, "mean")
    for mask, colour, hatch in ((~groups, FEATURE_COLOUR, None), (groups, GROUP_COLOUR, "//")):
        if mask.any():
            axes.barh(y[mask], means[mask], xerr=errors[:, mask], color=colour, hatch=hatch,
                      edgecolor="white", height=0.7, capsize=2,
                      error_kw={"elinewidth": 0.8})  # fmt: skip
    names = [
        label(r["name"]) + (" [group]" if g else "") for r, g in zip(shown, groups, strict=True)
    ]
    axes.set_yticks(y, names, fontsize=7)
    axes.axvline(0.0, color="k", linewidth=0.8)
    stability = [row.get("rank_stability") for row in shown]
    if any(s is not None for s in stability):
        right = axes.twinx()  # the rank stability of each bar, beside it on the right
        right.set_ylim(axes.get_ylim())
        right.set_yticks(y, ["" if s is None else f"{float(s):.2f}" for s in stability],
                         fontsize=6, color="0.35")  # fmt: skip
        right.set_ylabel("rank stability", fontsize=7, color="0.35")
    axes.set_xlabel(f"drop in {label(metric)} when permuted (bars: mean; lines: interval)")
    axes.legend(handles=[Patch(color=FEATURE_COLOUR, label="feature"),
                         Patch(facecolor=GROUP_COLOUR, hatch="//", label="group of features")],
                fontsize=7, loc="lower right")  # fmt: skip
    axes.grid(axis="x", alpha=0.3)
    axes.set_title("Permutation importance" + (f"; {note}" if note else ""), fontsize=9)
    return figure


def cell_edges(grid: np.ndarray) -> np.ndarray:
    """The edges of the grid cells (midpoints; the end cells as wide as half their gap)."""
    if len(grid) == 1:
        return np.array([grid[0] - 0.5, grid[0] + 0.5])
    middles = (grid[1:] + grid[:-1]) / 2
    return np.concatenate([[2 * grid[0] - middles[0]], middles, [2 * grid[-1] - middles[-1]]])


def dependence_figure(found: Dependence, metric_label: str) -> Figure:
    """The partial dependence (thick) over up to ICE_DRAWN ICE lines (thin; single-output models),
    above the rows per grid cell on the same x axis; cells with less than FEW_ROWS of the rows
    are red below and shaded above, where the curve rests on few rows."""
    if found.skipped is not None or not found.grid:
        raise ValueError(f"no partial dependence to draw for {found.feature!r}: {found.skipped}")
    k = len(found.grid)
    categorical = found.kind == "categorical"
    labels = [label(g, 30) for g in found.grid] if categorical else []
    long = categorical and (k > 8 or max(len(t) for t in labels) > 10)
    width = min(max(7.0, 0.22 * k + 2.0), 24.0) if categorical else 7.0
    figure, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(width, 5.6 + (1.6 if long else 0.0)),
        gridspec_kw={"height_ratios": [3, 1]}, layout="constrained",
    )  # fmt: skip
    x = np.arange(k, dtype=np.float64) if categorical else np.asarray(found.grid, np.float64)
    edges = np.array([-0.5, *(np.arange(k) + 0.5)]) if categorical else cell_edges(x)
    few = np.asarray(found.counts) < FEW_ROWS * found.n_rows
    for i in np.flatnonzero(few):
        top.axvspan(edges[i], edges[i + 1], color="0.88", linewidth=0, zorder=0)
    single = len(found.outputs) == 1
    style = {"marker": "o", "linestyle": "none"} if categorical else {}
    if single:
        lines = found.individual[0, :ICE_DRAWN]
        if categorical:
            jitter = np.linspace(-0.25, 0.25, max(len(lines), 1))
            for offset, line in zip(jitter, lines, strict=True):
                top.plot(x + offset, line, ".", color="0.55", alpha=0.35, markersize=2,
                         gid="ice")  # fmt: skip
        else:
            for line in lines:
                top.plot(x, line, color="0.55", alpha=0.3, linewidth=0.6, gid="ice")
    for row, output in zip(found.average, found.outputs, strict=True):
        name = f"class {label(output, 30)}" if not single else "partial dependence"
        top.plot(x, row, linewidth=2.2, markersize=6, label=name, gid="average", **style)
    handles, names = top.get_legend_handles_labels()
    if single and len(found.individual[0]):
        look = {"marker": ".", "linestyle": "none"} if categorical else {"linewidth": 0.6}
        handles.append(plt.Line2D([], [], color="0.55", **look))
        names.append(f"ICE: {min(ICE_DRAWN, found.individual.shape[1])} rows")
    if few.any():
        handles.append(Patch(color="0.88"))
        names.append(f"< {FEW_ROWS:.0%} of rows")
    top.legend(handles, names, fontsize=7, ncol=1 if len(names) < 8 else 2)
    top.set_ylabel(label(metric_label))
    top.grid(alpha=0.3)
    colours = np.where(few, FEW_COLOUR, FEATURE_COLOUR)
    bottom.bar((edges[:-1] + edges[1:]) / 2, found.counts, width=np.diff(edges) * 0.9,
               color=colours, gid="counts")  # fmt: skip
    bottom.set_ylabel("rows")
    counts = np.asarray(found.counts)
    if counts.max() > SKEWED * max(counts[counts > 0].min(), 1):
        bottom.set_yscale("log")  # a few rows beside thousands stay visible
        bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # no math text
        bottom.yaxis.set_minor_formatter(NullFormatter())
        bottom.set_ylabel("rows (log scale)")
    if k <= ANNOTATED:
        for centre, count in zip((edges[:-1] + edges[1:]) / 2, counts, strict=True):
            bottom.annotate(str(count), (centre, max(count, 1)), xytext=(0, 1), fontsize=6,
                            textcoords="offset points", ha="center", va="bottom")  # fmt: skip
        bottom.margins(y=0.25)
    if categorical:
        bottom.set_xticks(x, labels, rotation=90 if long else 0, fontsize=7 if k <= 30 else 5)
        bottom.set_xlim(-0.6, k - 0.4)
    bottom.set_xlabel(label(found.feature))
    title = f"Partial dependence of {label(found.feature)} over {found.n_rows} rows"
    # wrapped here: matplotlib's own wrapping parses `$...$` as math text whatever the settings
    note = found.note
    title += f"; {label(note, 200)}" if note else ""
    top.set_title(textwrap.fill(title, int(width * 13)), fontsize=9)
    return figure


def disparity_figure(rows: list[dict[str, Any]], sensitive: str) -> Figure:
    """For one sensitive attribute, one panel per disparity: how much permuting each feature
    changes it (point and interval), largest change at the top, around a zero line."""
    kinds = sorted({str(r["disparity"]) for r in rows})
    panels = [cut([r for r in rows if r["disparity"] == d], "change") for d in kinds]
    most = max((len(p) for p, _ in panels), default=1)
    longest = max((len(label(r["feature"])) for r in rows), default=1)
    panel = 3.4 + longest * 7 * 0.62 / 72  # the plot, and room for the longest feature name
    size = (panel * max(len(kinds), 1), bar_height(most) + 0.6)
    figure, axes = plt.subplots(1, max(len(kinds), 1), figsize=size, layout="constrained",
                                squeeze=False)  # fmt: skip
    for ax, disparity, (shown, note) in zip(axes[0], kinds, panels, strict=True):
        y = np.arange(len(shown))[::-1]
        change = np.array([value(r, "change") for r in shown])
        ax.errorbar(change, y, xerr=interval(shown, "change"), fmt="o", color=FEATURE_COLOUR,
                    capsize=2, markersize=4, gid="change")  # fmt: skip
        ax.axvline(0.0, color="k", linewidth=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(5))  # tick labels that do not run together
        ax.set_yticks(y, [label(r["feature"]) for r in shown], fontsize=7)
        baseline = next((value(r, "baseline") for r in shown), float("nan"))
        ax.set_title(f"{label(disparity)}\nbaseline {baseline:.3f}" + (f"\n{note}" if note else ""),
                     fontsize=8)  # fmt: skip
        ax.set_xlabel("change when the feature is permuted", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    figure.suptitle(f"What drives the disparity by {label(sensitive)}", fontsize=10)
    return figure
