"""What every loader returns: the table, where it came from, the checksums of what it read,
warnings about how it was read, and the source's own train/test partition when it has one."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.data.partition import Partition
from pipeline.errors import DataValidationError

UCI_LICENSE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


@dataclass(frozen=True)
class Loaded:
    frame: pd.DataFrame
    source: str
    license: str
    files: dict[str, str]  # relative file name -> SHA-256 of its bytes
    warnings: tuple[str, ...] = ()  # how the source was read, for the user to check
    partition: Partition | None = None  # the source's own train/test rows, in the frame's order


def check_sha256(files: dict[str, str], expected: dict[str, str] | str | None, name: str) -> None:
    """Compare the measured checksums with the configured ones, naming the first mismatch."""
    if expected is None:
        return
    if isinstance(expected, str):
        expected = {next(iter(files)): expected}
    for file, want in expected.items():
        got = files.get(file)
        if got is None:
            raise DataValidationError(f"dataset.sha256 names '{file}', which {name} does not read")
        if got != want:
            raise DataValidationError(
                f"{file}: SHA-256 is {got}, expected {want}; the source file changed "
                "(restore it with git, or update dataset.sha256 if the change is intended)"
            )
