"""MLflow's messages that say nothing to the user of this pipeline, silenced one by one.

Each is matched by its logger, level and the start of its text, and only while a run is logged;
every other message, of MLflow or anyone else, still shows.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

QUIET = (
    # pickle is chosen on purpose (model.py says why); the caution is for the loader, not the user
    ("mlflow.sklearn", logging.WARNING, "Saving scikit-learn models in the pickle or cloudpickle"),
    # a uv environment has no pip: the model's conda.yaml lists pip without a version, as it should
    ("mlflow.utils.environment", logging.WARNING, "Failed to resolve installed pip version"),
    # the model's requirements are given, not exported from uv; the message names a temporary
    # folder under a queued experiment
    ("mlflow.utils.uv_utils", logging.INFO, "Detected uv project"),
    # a new mlflow.db: the stage's line names the store
    ("mlflow.store.db.utils", logging.INFO, "Creating initial MLflow database tables"),
    ("mlflow.store.db.utils", logging.INFO, "Updating database tables"),
)


class Drop(logging.Filter):
    """Drops the records of one level whose text starts with `start`."""

    def __init__(self, level: int, start: str) -> None:
        super().__init__()
        self.level = level
        self.start = start

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == self.level and record.getMessage().startswith(self.start))


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the messages of QUIET while the block runs."""
    installed = [(logging.getLogger(name), Drop(level, start)) for name, level, start in QUIET]
    for logger, drop in installed:
        logger.addFilter(drop)
    try:
        yield
    finally:
        for logger, drop in installed:
            logger.removeFilter(drop)
