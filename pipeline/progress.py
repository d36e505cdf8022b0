"""Progress on a terminal: a bar for a loop, a ticking clock for one long call (a fit).

Shown only when stderr is a terminal and the run is not in CI (`CI` set) or asked to be quiet
(`PIPELINE_PROGRESS=0`), and only for work that lasts more than `DELAY` seconds, so logs, DVC's
captured runs and the tests stay free of carriage returns. Progress goes to stderr; a stage's
results and its one-line errors are unaffected.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")
DELAY = 2.0  # seconds before anything is drawn


def shown() -> bool:
    """Whether progress is drawn: a terminal on stderr, not CI, not turned off."""
    if os.environ.get("CI") or os.environ.get("PIPELINE_PROGRESS") == "0":
        return False
    return sys.stderr.isatty()


def steps(items: Iterable[T], what: str, total: int | None = None) -> Iterator[T]:
    """`items`, with a bar named `what` while they are consumed."""
    yield from tqdm(
        items, desc=what, total=total, disable=not shown(), file=sys.stderr, leave=False,
        delay=DELAY, mininterval=0.5, dynamic_ncols=True,
    )  # fmt: skip


@contextmanager
def working(what: str) -> Iterator[None]:
    """A line `what  0:12` that ticks each second while the block runs (a fit reports no
    progress of its own); erased when the block ends."""
    if not shown():
        yield
        return
    bar = tqdm(
        total=None, desc=what, bar_format="{desc}  {elapsed}", file=sys.stderr, leave=False,
        delay=DELAY, dynamic_ncols=True,
    )  # fmt: skip
    done = threading.Event()

    def tick() -> None:
        while not done.wait(1.0):
            bar.refresh()

    clock = threading.Thread(target=tick, daemon=True)
    clock.start()
    try:
        yield
    finally:
        done.set()
        clock.join()
        bar.close()


def process_seconds() -> float | None:
    """Wall-clock seconds since this process started (its imports included), from /proc on
    Linux; None elsewhere."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            started = int(handle.read().rsplit(")", 1)[1].split()[19])  # field 22: starttime
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return max(uptime - started / os.sysconf("SC_CLK_TCK"), 0.0)


def peak_mebibytes() -> float:
    """The process's peak resident memory so far, in MiB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def accounting(stage: str, entered: float) -> str:
    """The line a stage prints when it ends: its wall time since the process started (since
    `entered`, a `time.monotonic()` reading, where that is unknown), CPU time and peak memory."""
    import time

    wall = process_seconds()
    since = "" if wall is not None else " after imports"
    if wall is None:
        wall = time.monotonic() - entered
    return (f"{stage}: done in {wall:.1f} s{since} ({time.process_time():.1f} s CPU), peak "
            f"memory {peak_mebibytes():.0f} MiB")  # fmt: skip
