"""Row multiplicities of the bootstrap, drawn exactly and fast: `n_s` rows with replacement from
each stratum of `n_s` rows (one stratum: the plain bootstrap), i.e. a multinomial per stratum.

Every replicate has its own 64-bit key (`replicate_keys`: from `np.random.SeedSequence(seed)`), so a
replicate depends only on (seed, replicate index), never on the number of threads or the CPU.
Random words are splitmix64 of a counter (integer arithmetic only). Each stratum is cut into blocks
of 2^b rows (b <= BLOCK_BITS). Pass 1 counts the draws that land in each block: a stratum's index
space padded to 2^K blocks is split in halves down a binary tree, each split a Binomial(m, 1/2)
drawn exactly as the popcount of m random bits; draws landing past the stratum's last row are
rejected and drawn again (rejection sampling, so the accepted draws are i.i.d. uniform on the
stratum's rows). Pass 2 places each block's draws with b random bits each (a draw past a short
block's end is rejected) into the block's rows, whose counts stay in the L1 cache.

Counts are uint8 and `lanes` replicates are drawn side by side into a (rows, lanes) matrix, so the
metric passes read one replicate group's counts of a row at once. A row drawn 256 times or more in
one replicate (probability below n / 256!, i.e. < 1e-400 for any n) would wrap: every consumer
checks that each replicate's counts add up to its stratum's size (`check_total`) and raises.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

BLOCK_BITS = 9  # 512 rows per block: a block of 16 replicates' uint8 counts is 8 KB (L1)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
SPLIT_A = np.uint64(0xBF58476D1CE4E5B9)
SPLIT_B = np.uint64(0x94D049BB133111EB)


def replicate_keys(seed: int | list[int], n_boot: int) -> np.ndarray:
    """The key of each replicate: word b depends only on (seed, b), not on n_boot."""
    return np.random.SeedSequence(seed).generate_state(n_boot, np.uint64)


@dataclass(frozen=True)
class Strata:
    """Contiguous row ranges resampled separately (sizes fixed), cut into blocks for the draw."""

    starts: np.ndarray  # first row of each stratum (int64)
    sizes: np.ndarray  # rows of each stratum (int64)
    table: np.ndarray  # per stratum: bits, levels, full blocks, remainder, first block (int64)
    blocks: np.ndarray  # per block: first row, rows, bits (int64)

    @property
    def n_rows(self) -> int:
        return int(self.sizes.sum())


def strata(sizes: np.ndarray | list[int]) -> Strata:
    """Strata of the given sizes, laid out one after the other from row 0."""
    sizes = np.asarray(sizes, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    table: list[tuple[int, ...]] = []
    blocks: list[tuple[int, ...]] = []
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        bits = min(BLOCK_BITS, max(1, (size - 1).bit_length()))
        full, rem = size >> bits, size & ((1 << bits) - 1)
        count = full + (rem > 0)
        levels = (count - 1).bit_length() if count > 1 else 0
        table.append((bits, levels, full, rem, len(blocks)))
        blocks += [(start + (i << bits), 1 << bits, bits) for i in range(full)]
        if rem:
            blocks.append((start + (full << bits), rem, bits))
    return Strata(
        starts,
        sizes,
        np.array(table, dtype=np.int64).reshape(-1, 5),
        np.array(blocks, dtype=np.int64).reshape(-1, 3),
    )


@nb.njit(inline="always")
def mix(z: np.uint64) -> np.uint64:
    """splitmix64's output function: a bijection of 64-bit words with full avalanche."""
    z = (z ^ (z >> np.uint64(30))) * SPLIT_A
    z = (z ^ (z >> np.uint64(27))) * SPLIT_B
    return z ^ (z >> np.uint64(31))


@nb.njit(inline="always")
def popcount(x: np.uint64) -> np.int64:
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@nb.njit(inline="always")
def half_binomial(state: np.uint64, m: np.int64) -> tuple[np.int64, np.uint64]:
    """Binomial(m, 1/2), exactly: the number of ones in m random bits."""
    k = np.int64(0)
    while m >= 64:
        state += GOLDEN
        k += popcount(mix(state))
        m -= 64
    if m > 0:
        state += GOLDEN
        k += popcount(mix(state) & ((np.uint64(1) << np.uint64(m)) - np.uint64(1)))
    return k, state


@nb.njit(inline="always")
def below(state: np.uint64, m: np.int64, bits: np.int64, limit: np.int64):
    """How many of m uniform `bits`-bit numbers are below `limit` (a short block's acceptance)."""
    per = 64 // bits
    mask = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    hits = np.int64(0)
    while m > 0:
        state += GOLDEN
        w = mix(state)
        for _ in range(min(per, m)):
            hits += np.int64(w & mask) < limit
            w >>= np.uint64(bits)
        m -= min(per, m)
    return hits, state


@nb.njit(nogil=True, cache=True)
def block_draws(state, size, bits, levels, full, rem, first, hist, nodes):
    """Pass 1 for one stratum: add to hist[first + i] the draws that land in its block i."""
    leaves = np.int64(1) << levels
    m = size
    while m > 0:
        nodes[1] = m
        for v in range(1, leaves):
            c = nodes[v]
            left = np.int64(0)
            if c > 0:
                left, state = half_binomial(state, c)
            nodes[2 * v] = left
            nodes[2 * v + 1] = c - left
        m = 0
        for i in range(leaves):
            c = nodes[leaves + i]
            if i < full:
                hist[first + i] += c
            elif i == full and rem > 0 and c > 0:
                hits, state = below(state, c, bits, rem)
                hist[first + i] += hits
                m += c - hits
            else:
                m += c
    return state


@nb.njit(nogil=True, cache=True)
def draw_lanes(keys, table, blocks, counts, hist, nodes):
    """Multiplicities of len(keys) replicates into counts (rows, lanes) uint8 (see OVERFLOW).

    `hist` is (lanes, blocks) int64 scratch, `nodes` (2 << max levels) int64 scratch.
    """
    lanes = keys.shape[0]
    counts[:, :lanes] = 0
    hist[:lanes] = 0
    states = keys.copy()
    for r in range(lanes):
        state = keys[r]
        for s in range(table.shape[0]):
            bits, levels, full, rem, first = table[s]
            size = (full << bits) + rem
            state = block_draws(state, size, bits, levels, full, rem, first, hist[r], nodes)
        states[r] = state
    for j in range(blocks.shape[0]):
        start, size, bits = blocks[j]
        per = 64 // bits
        mask = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
        shift = np.uint64(bits)
        rows = counts[start : start + size]
        for r in range(lanes):
            state = states[r]
            k = hist[r, j]
            lane = np.uint64(r)
            if size == np.int64(1) << bits:  # every offset is a row of the block
                while k >= per:
                    state += GOLDEN
                    w = mix(state)
                    for _ in range(per):
                        rows[w & mask, lane] += np.uint8(1)
                        w >>= shift
                    k -= per
                if k > 0:
                    state += GOLDEN
                    w = mix(state)
                    for _ in range(k):
                        rows[w & mask, lane] += np.uint8(1)
                        w >>= shift
            else:  # a short block: offsets past its end are rejected
                limit = np.uint64(size)
                while k > 0:
                    state += GOLDEN
                    w = mix(state)
                    for _ in range(per):
                        o = w & mask
                        w >>= shift
                        if o < limit and k > 0:
                            rows[o, lane] += np.uint8(1)
                            k -= 1
            states[r] = state


def scratch(layout: Strata, lanes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Buffers for draw_lanes: counts (rows, lanes), hist (lanes, blocks), tree nodes."""
    levels = int(layout.table[:, 1].max()) if len(layout.table) else 0
    return (
        np.zeros((layout.n_rows, lanes), np.uint8),
        np.zeros((lanes, len(layout.blocks)), np.int64),
        np.zeros(2 << levels, np.int64),
    )


OVERFLOW = "a row was drawn 256 times or more in one bootstrap replicate (probability < 1e-400)"


def check_total(totals: np.ndarray, sizes: np.ndarray | int) -> None:
    """Each replicate drew each stratum's size in rows (totals (..., strata)): a uint8 count that
    wrapped would make a total short."""
    if np.any(totals != sizes):
        raise OverflowError(OVERFLOW)


def draw(keys: np.ndarray, layout: Strata) -> np.ndarray:
    """Multiplicities (rows, len(keys)) of the replicates with these keys, in layout order."""
    counts, hist, nodes = scratch(layout, len(keys))
    draw_lanes(keys.astype(np.uint64), layout.table, layout.blocks, counts, hist, nodes)
    for start, size in zip(layout.starts, layout.sizes, strict=True):
        check_total(counts[start : start + size].sum(axis=0, dtype=np.int64), size)
    return counts


def multiplicities(
    seed: int | list[int], replicate: int, sizes: list[int] | np.ndarray
) -> np.ndarray:
    """How often replicate `replicate` of `seed` draws each row (strata of `sizes`, in order)."""
    key = replicate_keys(seed, replicate + 1)[replicate : replicate + 1]
    return draw(key, strata(sizes))[:, 0].astype(np.int64)


def multinomial_cells(cells: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, groups, m) replicates of (groups, m) cell counts, resampling rows within groups.

    Drawing n_g rows with replacement from group g and counting them per cell is a multinomial
    draw with n_g trials and the group's observed cell proportions.
    """
    sizes = cells.sum(axis=-1)
    proportions = cells / np.maximum(sizes, 1)[:, None]
    return rng.multinomial(sizes, proportions, size=(n_boot, len(sizes)))


def nested_cells(
    cells: np.ndarray, counts: np.ndarray, n_boot: int, rngs: list[np.random.Generator]
) -> np.ndarray:
    """(n_boot, cells) replicates of the counts of joint cells (cells, columns: the rows' codes,
    sorted as np.unique sorts them) when all `counts.sum()` rows are drawn with replacement.

    The same distribution as one multinomial over the joint cells, drawn column by column: the
    cells of the first two columns with rngs[0], then each of those split among the values of the
    third column with rngs[1] (a multinomial given its drawn count), and so on; one generator
    per column after the second. So the draws of the first two columns (the truth and the model)
    depend only on them: what a later column (a baseline) predicts cannot move them.
    """
    n = int(counts.sum())
    parents, of_parent = np.unique(cells[:, :2], axis=0, return_inverse=True)
    parent_counts = np.bincount(of_parent.ravel(), weights=counts, minlength=len(parents))
    drawn = rngs[0].multinomial(n, parent_counts / max(n, 1), size=n_boot)
    for column in range(3, cells.shape[1] + 1):
        kids, of_kid = np.unique(cells[:, :column], axis=0, return_inverse=True)
        kid_counts = np.bincount(of_kid.ravel(), weights=counts, minlength=len(kids))
        kid_parent = np.unique(kids[:, :-1], axis=0, return_inverse=True)[1].ravel()
        split = np.zeros((n_boot, len(kids)), dtype=np.int64)
        for parent in range(len(parent_counts)):
            members = np.flatnonzero(kid_parent == parent)
            if len(members) == 1:
                split[:, members[0]] = drawn[:, parent]
            else:
                shares = kid_counts[members] / kid_counts[members].sum()
                split[:, members] = rngs[column - 2].multinomial(drawn[:, parent], shares)
        drawn, parent_counts = split, kid_counts
    return drawn
