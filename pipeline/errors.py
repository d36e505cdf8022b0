"""Domain errors that a stage reports to its user as one line, and the entry point that does so.

The entry point also turns a stop (SIGTERM, Ctrl-C) into one line, and keeps credentials out of
every line it prints.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

# A name part that says its value is a credential: `password`, `api_key`, `AccessToken`, ...
SECRET_WORD = re.compile(
    r"(?:^|[^a-z])(?:passwords?|passwd|secrets?|token|api_?keys?|credentials?|private_?keys?"
    r"|access_?keys?)(?:$|[^a-z])"
)
MASK = "***"
# `scheme://user:password@`: the password; `?token=...`: the value of a secret-named parameter
# (up to the last `@` of the authority, as URL parsers read a password holding an `@`)
URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s/@:]*:)(?P<secret>[^\s/?#]*)@", re.I)
QUERY_SECRET = re.compile(r"(?P<head>[?&;](?P<name>[^=&;#\s]+)=)(?P<secret>[^&;#\s'\"]+)")
# Every character `str.splitlines` breaks at: shown escaped, so that a message stays one line
LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
MIN_SECRET_LENGTH = 4  # shorter environment values are not searched for in messages
SIGNAL_NAMES: dict[int, str] = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "Ctrl-C (SIGINT)"}


class PipelineError(Exception):
    """An error in the user's data or configuration: printed as one line, exit status 2."""


class ConfigError(PipelineError):
    """A parameter is missing, unknown or has a value the stage cannot use."""


class DataValidationError(PipelineError):
    """The data cannot be used as it is: names the column or file and what to do."""


class Interrupted(KeyboardInterrupt):
    """The stage was stopped by a signal: unwinds like Ctrl-C, so temporary files are removed."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum


def is_secret_name(name: str) -> bool:
    """Whether a (dotted) parameter name has a part that names a credential."""
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
    return any(SECRET_WORD.search(part) for part in snake.split("."))


def hide_secrets(text: str, environ: dict[str, str] | None = None) -> str:
    """`text` without credentials: URL passwords, secret-named query values, and the value of
    every secret-named environment variable (MLFLOW_TRACKING_PASSWORD, ...) become `***`."""
    text = URL_PASSWORD.sub(lambda m: m["head"] + MASK + "@", text)
    text = QUERY_SECRET.sub(lambda m: m["head"] + MASK if is_secret_name(m["name"]) else m[0], text)
    env = os.environ if environ is None else environ
    for name, value in env.items():
        if is_secret_name(name) and len(value) >= MIN_SECRET_LENGTH and value in text:
            text = text.replace(value, MASK)
    return text


def one_line(text: str) -> str:
    """`text` with its line breaks escaped (`\\n`, `\\r`, ...): data values may hold them."""
    return LINE_BREAK.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def first_line(error: BaseException) -> str:
    """The first non-empty line of an exception's message, or its type's name without one."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _stop(signum: int, frame: FrameType | None) -> None:
    """First signal: unwind as Ctrl-C does. A second one while unwinding: exit at once."""
    if getattr(_stop, "stopping", False):
        os._exit(128 + signum)
    _stop.stopping = True  # type: ignore[attr-defined]
    raise Interrupted(signum)


@contextmanager
def stop_handlers() -> Iterator[None]:
    """SIGTERM and SIGINT raise `Interrupted` while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _stop.stopping = False  # type: ignore[attr-defined]
    previous = {signum: signal.signal(signum, _stop) for signum in SIGNAL_NAMES}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_stage(main: Callable[[], None]) -> None:
    """Run a stage's `main()`; a domain error becomes one line on stderr and exit status 2, a stop
    (SIGTERM, Ctrl-C) one line and exit status 128 + the signal's number (143, 130).

    Programming errors keep their traceback. No line carries a credential. A stage that ends
    well says how long it took and how much memory it held at most (`progress.accounting`).
    """
    entered = time.monotonic()
    try:
        with stop_handlers():
            main()
    except PipelineError as error:
        print(one_line(hide_secrets(f"error: {type(error).__name__}: {error}")), file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt as error:
        signum = error.signum if isinstance(error, Interrupted) else int(signal.SIGINT)
        print(stop_line(signum), file=sys.stderr)
        sys.exit(128 + signum)
    from pipeline.progress import accounting

    module = getattr(sys.modules.get(main.__module__), "__spec__", None)
    stage = (module.name if module is not None else main.__module__).rsplit(".", 1)[-1]
    print(accounting(stage, entered))


def stop_line(signum: int) -> str:
    return (
        f"error: interrupted by {SIGNAL_NAMES.get(signum, f'signal {signum}')}; no output was "
        "left half-written (each is renamed into place when complete), re-run dvc repro"
    )


def _stopped_while_starting(signum: int, frame: FrameType | None) -> None:
    print(stop_line(signum), file=sys.stderr)
    os._exit(128 + signum)


def stop_while_starting() -> None:
    """A stop before `run_stage` takes over (a stage's imports take seconds) is the same one
    line: nothing has been written yet, so the process ends at once."""
    for signum in SIGNAL_NAMES:
        signal.signal(signum, _stopped_while_starting)
