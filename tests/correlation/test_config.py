"""The `correlation` section: a wrong value fails with its dotted name."""

from __future__ import annotations

import pytest

from pipeline.errors import ConfigError


def test_config_failures_name_the_key(correlation_config) -> None:
    with pytest.raises(ConfigError, match="correlation.measures"):
        correlation_config(measures=["pearson", "kendall"])
    with pytest.raises(ConfigError, match="correlation.leakage_threshold"):
        correlation_config(leakage_threshold=1.5)
    with pytest.raises(ConfigError, match="correlation.bins"):
        correlation_config(bins=1)
    with pytest.raises(ConfigError, match="unknown key 'correlation.threshold'"):
        correlation_config(threshold=0.5)
