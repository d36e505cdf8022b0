"""The privacy figure under paths.privacy_plots: the training rows by the size of their
equivalence class (each re-identification assessment), and the membership attack's AUC overall and
per group with intervals, against 0.5 (an attacker who guesses). Names and groups from the data
are drawn literally (`drawn`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.text import drawn

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pipeline.privacy.result import PrivacyResult

FIGURE = "privacy.png"


def class_sizes(ax: Axes, assessments: list[dict[str, Any]]) -> None:
    """Share of the rows per class-size bucket, one bar per assessment."""
    labels = [bucket["sizes"] for bucket in assessments[0]["sizes"]]
    width = 0.8 / len(assessments)
    for i, found in enumerate(assessments):
        shares = [bucket["rows"] / found["n_rows"] for bucket in found["sizes"]]
        name = "bands" if found["bands"] else "exact values"
        x = np.arange(len(labels)) + (i - (len(assessments) - 1) / 2) * width
        ax.bar(x, shares, width, label=f"{name}: k = {found['k']}")
    ax.set_xticks(np.arange(len(labels)), labels)
    ax.set_xlabel("rows sharing the quasi-identifiers (class size)")
    ax.set_ylabel("share of training rows")
    ax.legend(fontsize="small")
    ax.set_title("re-identification")


def attack(ax: Axes, membership: dict[str, Any]) -> None:
    """AUC with its interval: overall first, then each group large enough to have one."""
    rows = [("overall", membership["auc"])]
    for attribute, groups in membership["groups"].items():
        rows += [(f"{attribute}: {g['group']}", g["auc"]) for g in groups if g["auc"] is not None]
    y = np.arange(len(rows))[::-1]
    value = np.array([auc["value"] for _, auc in rows], dtype=np.float64)
    low = np.array([np.nan if a["low"] is None else a["low"] for _, a in rows], np.float64)
    high = np.array([np.nan if a["high"] is None else a["high"] for _, a in rows], np.float64)
    error = np.nan_to_num(np.abs(np.vstack([low, high]) - value))
    ax.errorbar(value, y, xerr=error, fmt="o", color="tab:red", capsize=3)
    ax.axvline(0.5, color="0.4", linestyle="--", linewidth=1)
    ax.set_yticks(y, [drawn(name) for name, _ in rows])
    ax.set_xlabel("attack AUC (0.5: no better than a guess)")
    ax.set_title("membership inference")


def privacy_figure(result: PrivacyResult) -> Figure | None:
    """One panel per assessment that ran; None when none did."""
    import matplotlib.pyplot as plt

    panels = int(bool(result.reidentification)) + int(result.membership is not None)
    if panels == 0:
        return None
    groups = 0 if result.membership is None else sum(
        len(g) for g in result.membership["groups"].values()
    )  # fmt: skip
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 2.5 + 0.25 * groups))
    axes = list(np.atleast_1d(axes))
    if result.reidentification:
        class_sizes(axes.pop(0), result.reidentification)
    if result.membership is not None:
        attack(axes.pop(0), result.membership)
    fig.tight_layout()
    return fig
