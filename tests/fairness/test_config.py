"""The `fairness` parameters (pipeline/fairness/config.py): the defaults compose; a mistake names
its key."""

from __future__ import annotations

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
