"""Headless Chromium (Debian's `chromium`, installed by `make browser`) for the tests that must see
a page as a reader does: the DOM after the page's scripts ran, with every network request refused
(a proxy on a closed port), so a page that needs the internet shows it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CLOSED_PORT = "127.0.0.1:9"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise AssertionError("Chromium is not installed: run `make browser` (Debian's chromium)")
    return found


def rendered_dom(page: Path, budget_ms: int = 15000) -> str:
    """The DOM of `page` (a local file) once its scripts ran, offline."""
    result = subprocess.run(
        [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--proxy-server={CLOSED_PORT}", "--proxy-bypass-list=<-loopback>",
            f"--virtual-time-budget={budget_ms}", "--dump-dom", page.resolve().as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise AssertionError(f"chromium exited {result.returncode}: {result.stderr[-2000:]}")
    return result.stdout


def screenshot(page: Path, output: Path, width: int = 1280, height: int = 2400) -> None:
    """A PNG of `page` as rendered offline, for a reader to look at."""
    subprocess.run(
        [
            chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--proxy-server={CLOSED_PORT}", "--proxy-bypass-list=<-loopback>",
            "--hide-scrollbars", f"--window-size={width},{height}",
            f"--screenshot={output.resolve()}", page.resolve().as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
