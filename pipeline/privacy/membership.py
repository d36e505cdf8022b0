"""Membership inference by loss threshold (Yeom et al. 2018): how well an attacker who guesses
"was in the training data" when the model's loss on a person's row is low tells training rows
(members) from rows the model never saw (non-members). No shadow models: the attack needs only the
losses, so it measures what the model's fit reveals, a lower bound on what stronger attacks see.

The attack is balanced (the same number of rows drawn from each side) and its numbers carry
percentile bootstrap intervals, members and non-members resampled separately (pipeline.stats).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.privacy.losses import RowLosses, loss_quantum, round_losses
from pipeline.privacy.membership_passes import BEST, PAIRS, Layout, Passes, layout, point
from pipeline.privacy.membership_passes import replicates as pass_replicates
from pipeline.privacy.membership_result import Estimate, GroupAttack, Membership, json_float
from pipeline.stats.intervals import percentile_interval
from pipeline.stats.resample import replicate_keys

MIN_GROUP_SIZE = 30  # rows per side below which a group gets no attack numbers of its own
MISSING_GROUP = "(missing)"
GroupLabels = tuple[np.ndarray, np.ndarray]  # (members' labels, non-members' labels)


def _as_losses(losses: RowLosses | np.ndarray) -> RowLosses:
    if isinstance(losses, RowLosses):
        return losses
    return RowLosses(np.asarray(losses, dtype=np.float64), None, "log_loss")


def _labels(values: np.ndarray) -> np.ndarray:
    series = pd.Series(np.asarray(values, dtype=object))
    return series.map(str).where(series.notna(), MISSING_GROUP).to_numpy(dtype=object)


@dataclass(frozen=True)
class _Stats:
    """Per replicate (rows) and group (columns): the attack's numbers and the side gaps."""

    auc: np.ndarray
    advantage: np.ndarray
    loss: np.ndarray  # (B, 2G) mean loss per stratum: group g's members 2g, non-members 2g + 1
    accuracy: np.ndarray  # (B, 2G) share of rows the model gets right, per stratum
    loss_gap: np.ndarray  # non-members' mean loss minus members'
    accuracy_gap: np.ndarray  # members' accuracy minus non-members'


def _stats(rows: Layout, passes: Passes) -> _Stats:
    sizes = rows.sizes.astype(np.float64)
    pairs = sizes[0::2] * sizes[1::2]
    loss, accuracy = passes.sums / sizes, passes.hits / sizes
    return _Stats(
        auc=passes.ints[:, :, PAIRS] / (2.0 * pairs),
        advantage=passes.ints[:, :, BEST] / pairs,
        loss=loss,
        accuracy=accuracy,
        loss_gap=loss[:, 1::2] - loss[:, 0::2],
        accuracy_gap=accuracy[:, 0::2] - accuracy[:, 1::2],
    )


@dataclass(frozen=True)
class _Attack:
    """The attack's numbers on the rows themselves and on each bootstrap replicate (or None)."""

    point: _Stats
    boot: _Stats | None
    level: float

    def estimate(self, name: str, group: int = 0) -> Estimate:
        value = float(getattr(self.point, name)[0, group])
        if self.boot is None:
            return Estimate(value)
        low, high, _ = percentile_interval(getattr(self.boot, name)[:, group, None], self.level)
        return Estimate(value, json_float(low[0]), json_float(high[0]))


def _attack(rows: Layout, n_boot: int, level: float, seed: list[int]) -> _Attack:
    boot = _stats(rows, pass_replicates(rows, replicate_keys(seed, n_boot))) if n_boot else None
    return _Attack(_stats(rows, point(rows)), boot, level)


Side = tuple[np.ndarray, np.ndarray]  # the drawn rows' rounded losses and correct (0/1)


def drawn_rows(
    members: int, nonmembers: int, max_rows: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """The rows the attack takes from each side: min(members, non-members, max_rows) of each,
    drawn without replacement (seeded), in their order."""
    n = min(members, nonmembers, max_rows)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    first, second = (np.sort(rng.choice(size, n, replace=False)) for size in (members, nonmembers))
    return first, second


def membership_attack(
    member_losses: RowLosses | np.ndarray,
    nonmember_losses: RowLosses | np.ndarray,
    groups: Mapping[str, GroupLabels] | None = None,
    *,
    n_boot: int,
    ci_level: float,
    seed: int,
    max_rows: int,
    min_group_size: int = MIN_GROUP_SIZE,
    available: tuple[int, int] | None = None,
) -> Membership:
    """The loss-threshold attack on min(members, non-members, max_rows) rows drawn (seeded) from
    each side; `groups` gives each attribute's labels for the members' and non-members' rows.
    When the caller drew the rows already (`drawn_rows`, to predict only those), the losses are
    theirs and `available` the sizes of the sides they came from.
    Losses are rounded first (losses.LOSS_DIGITS), so ties and order ignore their last bits."""
    members, nonmembers = _as_losses(member_losses), _as_losses(nonmember_losses)
    if members.kind != nonmembers.kind:
        raise ValueError(f"losses of two kinds: {members.kind} and {nonmembers.kind}")
    if len(members) == 0 or len(nonmembers) == 0:
        raise ValueError("the attack needs at least one member and one non-member row")
    if available is None:
        available = (len(members), len(nonmembers))
        take = drawn_rows(len(members), len(nonmembers), max_rows, seed)
    elif len(members) != len(nonmembers) or len(members) > max_rows:
        raise ValueError("rows drawn by drawn_rows have as many members as non-members")
    else:
        take = (np.arange(len(members)), np.arange(len(nonmembers)))
    n = len(take[0])
    quantum = loss_quantum(members.loss, nonmembers.loss)
    sides: list[Side] = []
    for side, rows in zip((members, nonmembers), take, strict=True):
        right = np.zeros(n) if side.correct is None else side.correct[rows]
        sides.append((round_losses(side.loss[rows], quantum), np.asarray(right, np.int64)))
    overall = _attack(layout([sides[0]], [sides[1]]), n_boot, ci_level, [seed, 1])
    classify = members.correct is not None and nonmembers.correct is not None
    by_attribute = {}
    for attribute, labels in sorted((groups or {}).items()):
        drawn = [_labels(np.asarray(v)[rows]) for v, rows in zip(labels, take, strict=True)]
        key = [seed, 2, zlib.crc32(attribute.encode())]  # independent of the other attributes
        by_attribute[attribute] = _group_attacks(sides, drawn, n_boot, ci_level, key,
                                                 min_group_size)  # fmt: skip
    return Membership(
        score_kind=members.kind,
        rows_per_side=n,
        members_available=available[0],
        nonmembers_available=available[1],
        auc=overall.estimate("auc"),
        advantage=overall.estimate("advantage"),
        member_loss=float(overall.point.loss[0, 0]),
        nonmember_loss=float(overall.point.loss[0, 1]),
        loss_gap=overall.estimate("loss_gap"),
        member_accuracy=float(overall.point.accuracy[0, 0]) if classify else None,
        nonmember_accuracy=float(overall.point.accuracy[0, 1]) if classify else None,
        accuracy_gap=overall.estimate("accuracy_gap") if classify else None,
        groups=by_attribute,
        n_boot=n_boot,
        ci_level=ci_level,
        seed=seed,
        min_group_size=min_group_size,
        loss_quantum=quantum,
    )


def _group_attacks(
    sides: list[Side],
    labels: list[np.ndarray],
    n_boot: int,
    ci_level: float,
    seed: list[int],
    min_group_size: int,
) -> list[GroupAttack]:
    """The attack within each group of one attribute, each group's two sides resampled
    separately; a group with fewer than `min_group_size` rows on a side gets no numbers."""
    names = sorted(set(labels[0].tolist()) | set(labels[1].tolist()))
    sizes = {g: (int(np.sum(labels[0] == g)), int(np.sum(labels[1] == g))) for g in names}
    large = [g for g in names if min(sizes[g]) >= min_group_size]
    numbers: dict[str, tuple[Estimate | None, Estimate | None]] = dict.fromkeys(names, (None, None))
    if large:
        parts: list[list[Side]] = [
            [(side[0][labels[s] == g], side[1][labels[s] == g]) for g in large]
            for s, side in enumerate(sides)
        ]
        attack = _attack(layout(parts[0], parts[1]), n_boot, ci_level, seed)
        for j, g in enumerate(large):
            numbers[g] = (attack.estimate("auc", j), attack.estimate("advantage", j))
    return [GroupAttack(g, *sizes[g], *numbers[g]) for g in names]
