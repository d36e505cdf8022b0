"""MLflow's messages that say nothing to the user are silenced, one by one, and nothing else."""

from __future__ import annotations

import logging
import warnings

import pytest

from pipeline.tracking.quiet import QUIET, quiet


def say_all() -> None:
    """Each silenced message as MLflow words it, then unrelated ones on the same loggers."""
    for name, level, start in QUIET:
        logging.getLogger(name).log(level, f"{start} ... as MLflow goes on")
    logging.getLogger("mlflow.sklearn").warning("the model file is 2 GB")
    logging.getLogger("mlflow.utils.environment").info("Failed to resolve installed pip version")
    warnings.warn("an unrelated warning", UserWarning, stacklevel=1)


def test_only_the_listed_messages_are_silenced_and_only_while_logging(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.warns(UserWarning, match="an unrelated warning"), quiet():
        say_all()
    shown = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert shown == [
        ("mlflow.sklearn", logging.WARNING, "the model file is 2 GB"),
        # the same text at another level is another message
        ("mlflow.utils.environment", logging.INFO, "Failed to resolve installed pip version"),
    ]
    caplog.clear()
    with pytest.warns(UserWarning):
        say_all()
    assert len(caplog.records) == len(QUIET) + 2  # afterwards every message shows again
