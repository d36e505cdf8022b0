"""The `fairness` parameters (pipeline/fairness/config.py): the defaults compose; a mistake names
its key."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from fairness.cases import DEFAULTS, ROOT, settings

from pipeline.config import from_mapping, load_config
from pipeline.errors import ConfigError
from pipeline.fairness.config import FairnessConfig


def test_bad_configuration_fails_with_the_name() -> None:
    with pytest.raises(ConfigError, match="unknown key 'fairness.n_bootstrap'"):
        from_mapping(FairnessConfig, DEFAULTS | {"n_bootstrap": 10}, "fairness")
    with pytest.raises(ConfigError, match="missing key 'fairness.ci_level'"):
        from_mapping(FairnessConfig, {k: v for k, v in DEFAULTS.items() if k != "ci_level"},
                     "fairness")  # fmt: skip
    with pytest.raises(ConfigError, match="fairness.ci_level is 1.5"):
        settings(ci_level=1.5)
    with pytest.raises(ConfigError, match="fairness.mitigation_constraints names 'parity'"):
        settings(mitigation_constraints=["parity"])


def test_composed_params_hold_a_valid_fairness_section(tmp_path: Path, monkeypatch) -> None:
    from pipeline.stages.params import compose

    monkeypatch.chdir(tmp_path)
    compose(Path("params.yaml"), ["fairness.n_boot=10"], config_dir=ROOT / "params")
    config = load_config()
    assert config.section(FairnessConfig, "fairness") == settings(n_boot=10)
    assert config.paths.fairness_metrics.endswith(".json")


def test_bins_are_increasing_finite_edges_per_attribute() -> None:
    assert settings().bins is None
    found = settings(bins={"age": [25, 45.5, 65]})
    assert found.bins == {"age": (25.0, 45.5, 65.0)}
    assert from_mapping(FairnessConfig, asdict(found), "fairness") == found
    for edges, message in [
        ([], r"fairness.bins.age is \[\]; give a list of increasing numbers"),
        (30, "fairness.bins.age is 30; give a list"),
        ([25, "old"], "fairness.bins.age has 'old'; every edge must be a finite number"),
        ([25, float("inf")], "fairness.bins.age has inf"),
        ([45, 25], r"fairness.bins.age is \[45, 25\]; the edges must increase"),
        ([25, 25], "the edges must increase"),
    ]:
        with pytest.raises(ConfigError, match=message):
            settings(bins={"age": edges})
    with pytest.raises(ConfigError, match="fairness.bins is"):
        settings(bins=[25, 45])
