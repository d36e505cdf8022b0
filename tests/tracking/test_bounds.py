"""A run on wide data stays bounded: long param values cut to MLflow's limit, a per-column metric
family cut to its strongest members, the fixed families untouched."""

from __future__ import annotations

import json

from pipeline.tracking.bounds import (
    MAX_PARAM_LENGTH,
    MAX_PER_FAMILY,
    bounded_metrics,
    bounded_params,
)


def test_a_param_longer_than_mlflow_takes_is_cut_and_says_so() -> None:
    pixels = json.dumps([f"pixel_{r:02d}_{c:02d}" for r in range(28) for c in range(28)])
    assert len(pixels) > MAX_PARAM_LENGTH
    bounded = bounded_params({"features.drop": pixels, "seed": "42"})
    assert bounded["seed"] == "42" and len(bounded["features.drop"]) == MAX_PARAM_LENGTH
    assert bounded["features.drop"].startswith(pixels[:100])
    assert bounded["features.drop"].endswith(
        f"({len(pixels)} characters; the whole value is in params.yaml)"
    )


def test_784_importances_keep_the_strongest_and_fixed_families_stay() -> None:
    importance = {f"explain/importance/pixel_{i:03d}": (i % 97) / 97 - 0.2 for i in range(784)}
    fixed = {f"test/metric_{i}": float(i) for i in range(46)} | {"explain/rows": 450.0}
    kept, left_out = bounded_metrics(importance | fixed)
    assert left_out == {"explain/importance": 784 - MAX_PER_FAMILY}
    assert {k: v for k, v in kept.items() if not k.startswith("explain/importance/")} == fixed
    chosen = [v for k, v in kept.items() if k.startswith("explain/importance/")]
    weakest_kept = min(abs(v) for v in chosen)
    dropped = [abs(v) for k, v in importance.items() if k not in kept]
    assert len(chosen) == MAX_PER_FAMILY and max(dropped) <= weakest_kept
