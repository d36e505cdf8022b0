"""Progress: a bar for a loop and a ticking clock for one long call (a fit) on a terminal, and in
logs (DVC's captured runs, a SLURM job's file, CI) a plain line every `PIPELINE_PROGRESS_EVERY`
seconds (10) for work that lasts that long.

On a terminal (not in CI) nothing is drawn for work shorter than `DELAY` seconds; the bar is
erased when done. `PIPELINE_PROGRESS=0` turns both off (the tests do). Progress goes to stderr; a
stage's results and its one-line errors are unaffected.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")
DELAY = 2.0  # seconds before anything is drawn on a terminal
EVERY = 10.0  # seconds between two lines in a log, unless PIPELINE_PROGRESS_EVERY says otherwise


def mode() -> str:
    """'bar' on a terminal (not in CI), 'off' with PIPELINE_PROGRESS=0, 'lines' otherwise."""
    if os.environ.get("PIPELINE_PROGRESS") == "0":
        return "off"
    if sys.stderr.isatty() and not os.environ.get("CI"):
        return "bar"
    return "lines"


@functools.cache
def every() -> float:
    """Seconds between two progress lines in a log (at least 0.1); a value that is not a positive
    number of seconds is named in a warning, once, and EVERY is used."""
    given = os.environ.get("PIPELINE_PROGRESS_EVERY")
    if given is None:
        return EVERY
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        line(f"warning: PIPELINE_PROGRESS_EVERY is {given!r}, not a positive number of seconds; "
             f"progress lines come every {EVERY:g} s")  # fmt: skip
        return EVERY
    return max(seconds, 0.1)


def line(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def steps(items: Iterable[T], what: str, total: int | None = None) -> Iterator[T]:
    """`items`, with a bar named `what` while they are consumed (in a log: `what: 3 of 10 after
    20 s` every few seconds)."""
    shown = mode()
    if shown != "lines":
        yield from tqdm(
            items, desc=what, total=total, disable=shown == "off", file=sys.stderr, leave=False,
            delay=DELAY, mininterval=0.5, dynamic_ncols=True,
        )  # fmt: skip
        return
    pause = every()
    start = last = time.monotonic()
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    of = f" of {total:,}" if total is not None else ""
    for done, item in enumerate(items, 1):
        yield item
        if (now := time.monotonic()) - last >= pause:
            last = now
            line(f"{what}: {done:,}{of} after {now - start:.0f} s")


@contextmanager
def working(what: str) -> Iterator[None]:
    """A line `what  0:12` that ticks each second while the block runs (a fit reports no
    progress of its own), erased when the block ends; in a log, `what: 20 s so far` every few
    seconds."""
    shown = mode()
    if shown == "off":
        yield
        return
    done = threading.Event()
    bar = None
    if shown == "bar":
        bar = tqdm(
            total=None, desc=what, bar_format="{desc}  {elapsed}", file=sys.stderr, leave=False,
            delay=DELAY, dynamic_ncols=True,
        )  # fmt: skip
    start, pause = time.monotonic(), (1.0 if bar is not None else every())

    def tick() -> None:
        while not done.wait(pause):
            if bar is not None:
                bar.refresh()
            else:
                line(f"{what}: {time.monotonic() - start:.0f} s so far")

    clock = threading.Thread(target=tick, daemon=True)
    clock.start()
    try:
        yield
    finally:
        done.set()
        clock.join()
        if bar is not None:
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
