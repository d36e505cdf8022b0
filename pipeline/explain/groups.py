"""Groups of features that carry the same information (by the correlation stage's pair
strengths), to be permuted together so that one cannot stand in for another."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def correlated_groups(
    pairs: Sequence[Mapping[str, Any]], features: Sequence[str], threshold: float
) -> list[tuple[str, ...]]:
    """The connected components of 2+ features linked by a pair `strength` >= `threshold`
    (correlation.json's `pairs`; other columns and undefined strengths are ignored). Columns are
    in the order of `features`, groups by the position of their first column."""
    position = {name: i for i, name in enumerate(features)}
    parent = list(range(len(features)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for pair in pairs:
        a, b, strength = pair.get("a"), pair.get("b"), pair.get("strength")
        if a in position and b in position and strength is not None and strength >= threshold:
            ra, rb = root(position[a]), root(position[b])
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[str]] = {}
    for i, name in enumerate(features):
        members.setdefault(root(i), []).append(name)
    return [tuple(columns) for _, columns in sorted(members.items()) if len(columns) >= 2]


def group_name(columns: Sequence[str]) -> str:
    """A group's name: its columns joined by " + "."""
    return " + ".join(columns)
