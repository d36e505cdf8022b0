"""The figures under paths.fairness_plots/figures: per audit, each group's plotted metrics with
their intervals; the mitigation comparison. Each audit's file is recorded in its result
(`result.figure_file`); names and groups from the data are drawn literally (`drawn`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.text import drawn

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MITIGATION_FIGURE = "mitigation.png"


def audit_figure(name: str, frames: dict[str, pd.DataFrame]) -> Figure:
    """One panel per metric: each group's value with its interval; excluded groups in grey."""
    import matplotlib.pyplot as plt

    panels = [(m, f[f["audit"] == name].reset_index(drop=True)) for m, f in frames.items()]
    panels = [(m, f) for m, f in panels if len(f)]
    rows = max(len(f) for _, f in panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 1.4 + 0.28 * rows))
    for ax, (metric, frame) in zip(np.atleast_1d(axes), panels, strict=True):
        y = np.arange(len(frame))[::-1]
        value = frame[metric].to_numpy(np.float64)
        error = np.abs(frame[["lower", "upper"]].to_numpy(np.float64).T - value)
        for compared, color, label in ((True, "tab:blue", "compared"), (False, "0.6", "excluded")):
            mask = frame["eligible"].to_numpy() == compared
            if mask.any():
                ax.errorbar(
                    value[mask],
                    y[mask],
                    xerr=np.nan_to_num(error[:, mask]),
                    fmt="o",
                    color=color,
                    capsize=2,
                    markersize=4,
                    label=label,
                )
        overall = frame["overall"].dropna()
        if len(overall) and frame["group"].str.contains(" | class ", regex=False).sum() == 0:
            ax.axvline(overall.iloc[0], color="k", linestyle="--", linewidth=0.8, label="overall")
        ax.set_yticks(y, [drawn(g.removeprefix(f"{name}: ")) for g in frame["group"]], fontsize=7)
        ax.set_title(metric, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    np.atleast_1d(axes)[0].legend(fontsize=7)
    fig.suptitle(f"{drawn(name)}: per-group metrics with bootstrap intervals", fontsize=10)
    fig.tight_layout()
    return fig


def mitigation_figure(table: pd.DataFrame) -> Figure:
    """Accuracy against each disparity, one point per model and audit."""
    import matplotlib.pyplot as plt

    shown = (
        "demographic_parity_difference",
        "equalized_odds_difference",
        "equal_opportunity_difference",
        "predictive_parity_difference",
    )
    fig, axes = plt.subplots(1, len(shown), figsize=(3.6 * len(shown), 3.6), sharey=True)
    markers = dict(zip(table["audit"].unique(), "osD^v<>", strict=False))
    for ax, disparity in zip(axes, shown, strict=True):
        for (model, audit_name), row in table.groupby(["model", "audit"], sort=True):
            ax.scatter(
                row[disparity],
                row["accuracy_score"],
                marker=markers.get(audit_name, "o"),
                label=f"{model} ({drawn(str(audit_name))})",
            )
        ax.set_xlabel(disparity, fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy_score")
    fig.legend(*axes[0].get_legend_handles_labels(), fontsize=6, loc="lower center", ncol=3)
    fig.tight_layout(rect=(0, 0.25, 1, 1))
    return fig
