"""Domain errors that a stage reports to its user as one line, and the entry point that does so."""

from __future__ import annotations

import sys
from collections.abc import Callable


class PipelineError(Exception):
    """An error in the user's data or configuration: printed as one line, exit status 2."""


class ConfigError(PipelineError):
    """A parameter is missing, unknown or has a value the stage cannot use."""


class DataValidationError(PipelineError):
    """The data cannot be used as it is: names the column or file and what to do."""


def first_line(error: BaseException) -> str:
    """The first non-empty line of an exception's message, or its type's name without one."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def run_stage(main: Callable[[], None]) -> None:
    """Run a stage's `main()`; a domain error becomes one line on stderr and exit status 2.

    Programming errors keep their traceback.
    """
    try:
        main()
    except PipelineError as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
