"""Figures written deterministically: no dates, software versions or random ids in the bytes."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from pipeline.io import atomic_path  # noqa: E402

plt.rcParams["svg.hashsalt"] = "pipeline"  # fixed ids inside SVG files
plt.rcParams["svg.fonttype"] = "none"  # text stays text, no embedded glyph paths
# Labels come from the data: draw every one literally (`$x^$` is a group, not math text).
plt.rcParams["text.parse_math"] = False
plt.rcParams["text.usetex"] = False

METADATA = {
    ".png": {"Software": None},
    ".svg": {"Date": None, "Creator": None},
    ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def save_figure(figure: plt.Figure, path: str | Path, dpi: int = 100) -> None:
    """Write `figure` atomically to `path` (format from the suffix) and close it."""
    path = Path(path)
    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format=suffix[1:], dpi=dpi, metadata=METADATA.get(suffix, {}))
    plt.close(figure)
