"""The synthetic table: seeded, and it plants exactly the biases its docstring promises."""

import numpy as np
import pandas as pd
import pytest

from pipeline.config import DatasetConfig
from pipeline.data.synthetic import load_synthetic, make_synthetic
from pipeline.errors import DataValidationError


def test_synthetic_is_seeded() -> None:
    a = make_synthetic(500, 1, 0.3, 0.9)
    pd.testing.assert_frame_equal(a, make_synthetic(500, 1, 0.3, 0.9))
    assert not a.equals(make_synthetic(500, 2, 0.3, 0.9))


def test_synthetic_plants_what_it_says() -> None:
    n, bias, strength = 200_000, 0.3, 0.9
    frame = make_synthetic(n, 3, bias, strength, plant_leak=True)
    rate = frame.groupby("group")["label"].mean()
    counts = frame["group"].value_counts()
    # base rate of b is (1 - bias) x that of a; allow 4 standard errors of the ratio
    se = np.sqrt(rate["b"] * (1 - rate["b"]) / counts["b"]) / rate["a"]
    assert abs(rate["b"] / rate["a"] - (1 - bias)) < 4 * se + 4 * se * rate["b"] / rate["a"]
    region_b = frame["region"].str[1:].astype(int) >= 5
    agreement = (region_b == (frame["group"] == "b")).mean()
    assert abs(agreement - strength) < 4 * np.sqrt(strength * (1 - strength) / n)
    assert abs((frame["leak"] == frame["label"]).mean() - 0.998) < 0.001
    # spurious tracks z, and z the label; spurious is not an input of the label model
    assert np.corrcoef(frame["spurious"], frame["z"])[0, 1] > 0.85
    assert "leak" not in make_synthetic(100, 3, bias, strength).columns


def test_synthetic_rejects_bad_parameters() -> None:
    with pytest.raises(DataValidationError, match="must lie in"):
        make_synthetic(100, 0, 1.5, 0.9)


def test_the_recipe_names_the_generator_and_its_arguments() -> None:
    config = DatasetConfig(
        name="synthetic", source="-", target="label", task="binary", positive_label=1,
        sensitive=("group",), options={"n_rows": 50, "bias": 0.3, "proxy_strength": 0.9},
    )  # fmt: skip
    loaded = load_synthetic(config, 7)
    recipe = "make_synthetic(n_rows=50, seed=7, bias=0.3, proxy_strength=0.9, plant_leak=False)"
    assert loaded.source.endswith(recipe)
    pd.testing.assert_frame_equal(loaded.frame, make_synthetic(50, 7, 0.3, 0.9))
    assert list(loaded.files) == ["recipe"]
