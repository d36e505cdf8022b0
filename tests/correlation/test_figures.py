"""The heatmaps and the CSV tables: the files the stage writes beside its JSON result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.correlation.figures import write_figures
from pipeline.correlation.result import HEATMAP, MUTUAL_INFO_HEATMAP
from pipeline.correlation.sections import Matrices
from pipeline.correlation.tables import Tables

PNG = b"\x89PNG\r\n\x1a\n"


def test_the_mutual_information_heatmap_is_drawn_only_when_computed(tmp_path: Path) -> None:
    strength = np.array([[np.nan, 0.7], [0.7, np.nan]])
    write_figures(Matrices(("a", "b"), {"strength": strength}), tmp_path / "one")
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [HEATMAP]
    both = Matrices(("a", "b"), {"strength": strength, "mutual_info_r": strength / 2})
    write_figures(both, tmp_path / "two")
    for name in (HEATMAP, MUTUAL_INFO_HEATMAP):
        assert (tmp_path / "two" / name).read_bytes()[:8] == PNG


def test_tables_are_written_by_file_name(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1.0, np.nan], "b": ["x", None]})
    Tables(frame, frame, frame, pd.DataFrame([]), frame).write(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pairs.csv", "partial_correlations.csv", "proxies.csv", "random_walks.csv",
        "target_associations.csv",
    ]  # fmt: skip
    assert (tmp_path / "pairs.csv").read_text() == "a,b\n1,x\n,\n"  # NaN and None: empty
