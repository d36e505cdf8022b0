"""A seeded sample of a frame's rows, kept in their order: where a stage looks at fewer rows than a
split has (the explained test rows, the training rows scored for the train/ metrics)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def sample_rows(frame: pd.DataFrame, max_rows: int | None, seed: int) -> pd.DataFrame:
    """All of `frame`'s rows (None, or no more than `max_rows`), or a seeded sample of `max_rows`
    in the frame's order; the index is reset either way."""
    if max_rows is None or len(frame) <= max_rows:
        return frame.reset_index(drop=True)
    chosen = np.sort(np.random.default_rng(seed).choice(len(frame), max_rows, replace=False))
    return frame.iloc[chosen].reset_index(drop=True)
