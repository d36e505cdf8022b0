"""The worked spurious correlation drawn: yearly US pool drownings and the films Nicolas Cage
appeared in, on two axes over the same years, with r, its interval and p-value."""

from __future__ import annotations

from matplotlib.figure import Figure

from pipeline.correlation.sections import PoolCage
from pipeline.plots import plt

POOL_COLOUR = "#1f77b4"
CAGE_COLOUR = "#d62728"


def pool_cage_figure(example: PoolCage) -> Figure:
    """Both series against the year, each on its own axis (left: drownings, right: films)."""
    test = example.pearson
    figure, pool_axes = plt.subplots(figsize=(7.5, 4.4), layout="constrained")
    years = list(example.years)
    pool_axes.plot(years, example.pool_drownings, marker="o", color=POOL_COLOUR)
    pool_axes.set_ylabel("Drownings after falling into a swimming pool (US)", color=POOL_COLOUR,
                         fontsize=8)  # fmt: skip
    pool_axes.tick_params(axis="y", labelcolor=POOL_COLOUR, labelsize=8)
    pool_axes.tick_params(axis="x", labelsize=8)
    pool_axes.set_xticks(years, [str(year) for year in years])
    pool_axes.set_xlabel("Year", fontsize=8)
    cage_axes = pool_axes.twinx()
    cage_axes.plot(years, example.nicolas_cage_films, marker="s", linestyle="--",
                   color=CAGE_COLOUR)  # fmt: skip
    cage_axes.set_ylabel("Films Nicolas Cage appeared in", color=CAGE_COLOUR, fontsize=8)
    cage_axes.tick_params(axis="y", labelcolor=CAGE_COLOUR, labelsize=8)
    cage_axes.set_ylim(0, max(example.nicolas_cage_films) + 1)
    pool_axes.set_title(
        f"Pool drownings and Nicolas Cage films, {years[0]}-{years[-1]}: "
        f"r = {test.r:.3f} ({test.confidence:.0%} interval {test.low:.2f} to {test.high:.2f}), "
        f"p = {test.p:.3f}, n = {example.n}\n"
        "Spurious: nothing links the two; this pair was picked out of many unrelated series.\n"
        f"Source: {example.source}.",
        fontsize=8, loc="left",
    )  # fmt: skip
    return figure
