"""The dp figure under paths.dp_plots: test accuracy against epsilon (the mean over releases with
its interval, and each release as a dot), the real model's as a band; and, for the first audit,
each group's accuracy against epsilon, so that a group that differential privacy costs more shows
as a steeper line. Group names are drawn literally (`drawn`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.text import drawn

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pipeline.dp.result import DpResult, DpRun

FIGURE = "dp.png"


def _points(estimates: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Values and (2, n) error bar lengths; a missing value or interval draws nothing."""
    value = np.array([np.nan if e["value"] is None else e["value"] for e in estimates])
    bounds = np.array(
        [[np.nan, np.nan] if e["interval"] is None else e["interval"] for e in estimates]
    )
    return value, np.nan_to_num(np.abs(bounds.T - value))


def log_axis(ax: Axes, epsilons: np.ndarray) -> None:
    """epsilon on a log scale, ticked at the swept values only."""
    from matplotlib.ticker import NullLocator

    ax.set_xscale("log")
    ax.set_xticks(epsilons, [f"{e:g}" for e in epsilons])
    ax.xaxis.set_minor_locator(NullLocator())


def _real_band(ax: Axes, estimate: dict[str, Any], color: str, label: str | None) -> None:
    ax.axhline(estimate["value"], color=color, linestyle="--", linewidth=1, label=label)
    if estimate["interval"] is not None:
        ax.axhspan(*estimate["interval"], color=color, alpha=0.12, linewidth=0)


def utility(ax: Axes, real: DpRun, private: list[DpRun]) -> None:
    epsilons = np.array([run.epsilon for run in private], dtype=np.float64)
    value, error = _points([run.accuracy for run in private])
    ax.errorbar(epsilons, value, yerr=error, fmt="o-", color="tab:blue", capsize=3,
                label="fitted on a private synthetic table (mean)")  # fmt: skip
    each = [(run.epsilon, v) for run in private for v in run.accuracy.get("releases", [])]
    if each:
        x, y = zip(*[(e, v) for e, v in each if v is not None], strict=True)
        ax.scatter(x, y, s=12, color="tab:blue", alpha=0.4, label="each release")
    _real_band(ax, real.accuracy, "0.3", "fitted on the real training rows")
    log_axis(ax, epsilons)
    ax.set_xlabel("epsilon (smaller: more private)")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize="small")
    ax.set_title("privacy and accuracy")


def groups(ax: Axes, real: DpRun, private: list[DpRun]) -> None:
    """Accuracy per group of the first audit, one line per eligible group."""
    audit = real.audits[0]
    epsilons = np.array([run.epsilon for run in private], dtype=np.float64)
    colors = iter(["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"] * 9)
    for i, group in enumerate(audit["groups"]):
        if not group["eligible"]:
            continue
        color = next(colors)
        found = [run.audits[0]["groups"][i]["accuracy"] for run in private]
        value, error = _points(found)
        shift = epsilons * (1 + 0.03 * (i - len(audit["groups"]) / 2))  # bars side by side
        ax.errorbar(shift, value, yerr=error, fmt="o-", color=color, capsize=2,
                    label=drawn(str(group["label"])))  # fmt: skip
        ax.axhline(group["accuracy"]["value"], color=color, linestyle="--", linewidth=0.8)
    log_axis(ax, epsilons)
    ax.set_xlabel("epsilon (dashed: fitted on the real rows)")
    ax.set_ylabel("test accuracy in the group")
    ax.legend(fontsize="small", title=drawn(audit["name"]))
    ax.set_title("privacy and accuracy by group")


def dp_figure(result: DpResult) -> Figure:
    """Two panels with an audit to show, else accuracy alone; when nothing ran, the status (the
    plots folder is a DVC output, never left empty)."""
    import matplotlib.pyplot as plt

    if not result.runs:
        fig, ax = plt.subplots(figsize=(5.5, 1.2))
        ax.axis("off")
        ax.text(0.5, 0.5, drawn(result.status), ha="center", va="center", wrap=True)
        return fig
    real, *private = result.runs
    panels = 2 if real.audits else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 3.8))
    axes = list(np.atleast_1d(axes))
    utility(axes[0], real, private)
    if real.audits:
        groups(axes[1], real, private)
    fig.tight_layout()
    return fig
