"""The `dp` section (pipeline/dp/config.py): the defaults load, a wrong value fails with its
dotted name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import from_mapping
from pipeline.dp.config import DpConfig
from pipeline.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = yaml.safe_load((ROOT / "params/dp/default.yaml").read_text())


def dp_config(**changes: Any) -> DpConfig:
    """The defaults of params/dp/default.yaml with `changes`, checked as the stage does."""
    return from_mapping(DpConfig, DEFAULTS | changes, "dp")


def test_the_defaults_are_off_and_budgets_load_as_floats() -> None:
    assert dp_config() == DpConfig(epsilons=(), releases=3, delta=1e-8, n_boot=1000, ci_level=0.95)
    assert dp_config(epsilons=[0.5, 1, 50]).epsilons == (0.5, 1.0, 50.0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"epsilons": [0]}, r"dp\.epsilons holds 0\.0; use budgets in \(0, 50\]"),
        ({"epsilons": [1, -0.5]}, r"dp\.epsilons holds -0\.5"),
        ({"epsilons": [50.5]}, r"dp\.epsilons holds 50\.5"),
        ({"epsilons": [float("nan")]}, r"dp\.epsilons holds nan"),
        ({"epsilons": [1, 2, 1.0]}, r"dp\.epsilons \[1\.0, 2\.0, 1\.0\] repeats a budget"),
        ({"delta": 0}, r"dp\.delta is 0\.0"),
        ({"delta": -1e-9}, r"dp\.delta is -1e-09"),
        ({"delta": 1e-3}, r"dp\.delta is 0\.001"),
        ({"n_boot": 1}, r"dp\.n_boot is 1; use 0 \(off\) or at least 2"),
        ({"n_boot": -5}, r"dp\.n_boot is -5"),
        ({"ci_level": 1.0}, r"dp\.ci_level is 1\.0; use a level in \(0, 1\)"),
        ({"ci_level": 0}, r"dp\.ci_level is 0"),
        ({"epsilon": [1]}, r"unknown key 'dp\.epsilon'.*did you mean dp\.epsilons"),
    ],
)
def test_a_wrong_value_fails_naming_the_key(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        dp_config(**changes)


def test_the_edges_of_the_ranges_are_accepted() -> None:
    found = dp_config(epsilons=[50, 1e-3], delta=9.99e-4, n_boot=0, ci_level=0.5)
    assert (found.epsilons, found.delta, found.n_boot) == ((50.0, 1e-3), 9.99e-4, 0)
    assert dp_config(n_boot=2).n_boot == 2
