"""Progress is drawn on a terminal, written as a plain line every few seconds in logs, and not at
all when turned off; a stage that ends well says its time and peak memory in one line."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from helpers import ROOT

SCRIPT = """
import time
from pipeline.progress import steps, working
for _ in steps(range(3), "bootstrap"):
    time.sleep(0.9)
with working("fitting"):
    time.sleep(3.3)
print("done")
"""


def run(terminal: bool, **env: str) -> tuple[str, str]:
    """(stdout, stderr) of SCRIPT, its stderr a pseudo-terminal or a pipe."""
    dropped = ("CI", "PIPELINE_PROGRESS", "PIPELINE_PROGRESS_EVERY")  # the tests turn it off
    environment = {k: v for k, v in os.environ.items() if k not in dropped} | env
    environment["PYTHONPATH"] = str(ROOT)
    if not terminal:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=environment, capture_output=True, text=True
        )
        return done.stdout, done.stderr
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], env=environment, stdout=subprocess.PIPE, stderr=child
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    out = process.communicate()[0]
    os.close(main)
    return out.decode(), b"".join(chunks).decode(errors="replace")


def test_a_terminal_sees_the_bar_and_the_clock() -> None:
    out, err = run(terminal=True)
    assert out == "done\n"
    assert "bootstrap" in err and "3/3" in err
    assert "fitting  00:03" in err


def test_logs_get_a_line_every_few_seconds_and_nothing_for_shorter_work() -> None:
    assert run(terminal=False) == ("done\n", "")  # 2.7 s and 3.3 s: under 10 s each
    out, err = run(terminal=False, PIPELINE_PROGRESS_EVERY="1")
    assert out == "done\n"
    lines = err.splitlines()
    assert lines[0] == "bootstrap: 2 of 3 after 2 s", err
    ticks = [int(m[1]) for x in lines[1:] if (m := re.fullmatch(r"fitting: (\d+) s so far", x))]
    assert len(ticks) == len(lines) - 1 and ticks[:3] == [1, 2, 3], err
    out, err = run(terminal=True, CI="true")  # CI writes a log, not a terminal
    assert (out, err) == ("done\n", "")


def test_progress_off_is_silent_everywhere() -> None:
    for terminal in (True, False):
        found = run(terminal, PIPELINE_PROGRESS="0", PIPELINE_PROGRESS_EVERY="1")
        assert found == ("done\n", "")


def test_a_stage_that_ends_well_says_its_time_and_peak_memory() -> None:
    code = (
        "import time, numpy as np\n"
        "from pipeline.errors import run_stage\n"
        "def main():\n"
        "    time.sleep(0.6)\n"
        "    block = np.ones(40 * 2**20)  # 320 MiB, touched\n"
        "    print(float(block.sum()))\n"
        "run_stage(main)\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=ROOT)  # fmt: skip
    line = found.stdout.splitlines()[-1]
    match = re.fullmatch(r"__main__: done in ([\d.]+) s \(([\d.]+) s CPU\), peak memory (\d+) MiB",
                         line)  # fmt: skip
    assert match is not None, line
    wall, cpu, peak = float(match[1]), float(match[2]), int(match[3])
    assert 0.6 <= wall < 30 and cpu < wall and 320 <= peak < 2000
    assert found.stderr == ""


def test_a_stage_that_fails_prints_no_accounting() -> None:
    code = (
        "from pipeline.errors import ConfigError, run_stage\n"
        "def main():\n"
        "    raise ConfigError('x is wrong; set y')\n"
        "run_stage(main)\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=ROOT)  # fmt: skip
    assert found.returncode == 2 and found.stdout == ""
    assert found.stderr == "error: ConfigError: x is wrong; set y\n"


def test_an_invalid_interval_is_named_once_and_the_default_used() -> None:
    for given in ("ten", "0", "nan"):
        out, err = run(terminal=False, PIPELINE_PROGRESS_EVERY=given)
        assert out == "done\n"
        assert err.splitlines() == [
            f"warning: PIPELINE_PROGRESS_EVERY is {given!r}, not a positive number of seconds; "
            "progress lines come every 10 s"
        ], err
