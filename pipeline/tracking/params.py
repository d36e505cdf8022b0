"""The composed config and DVC's metrics as MLflow params and metrics: dotted names, plain values.

A param reads as it would be written in YAML or on the command line; a metric is named as
`dvc metrics show` names it, so a run in MLflow and `dvc exp show` agree on every name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

LEFT_OUT = ("paths",)  # config sections a run does not log as params


def param_value(value: Any) -> str:
    """A parameter value as it would be written in YAML or on the command line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return json.dumps(list(value))
    return str(value)


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as one level with dotted keys; an empty mapping stays, as `{}`."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat |= flatten(value, f"{name}.")
        elif isinstance(value, Mapping):
            flat[name] = "{}"
        else:
            flat[name] = value
    return flat


def flat_params(raw: Mapping[str, Any]) -> dict[str, str]:
    """The composed config as MLflow params: `model.n_estimators`, `dataset.name`, ..."""
    return {key: param_value(value) for key, value in sorted(flatten(raw).items())}


def run_params(raw: Mapping[str, Any]) -> dict[str, str]:
    """The params a run logs: the composed config without `paths` (where the stages keep their
    files, the same in every run: two dozen params of noise in a comparison)."""
    return flat_params({key: value for key, value in raw.items() if key not in LEFT_OUT})


def merge_metrics(files: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One dict of metric name to value, named as `dvc metrics show` names them.

    Nested keys are joined with dots; a name found in two files is prefixed with `file:`.
    """
    flat = {name: flatten(data) for name, data in files.items()}
    counts: dict[str, int] = {}
    for data in flat.values():
        for key in data:
            counts[key] = counts.get(key, 0) + 1
    merged: dict[str, Any] = {}
    for name, data in sorted(flat.items()):
        for key, value in data.items():
            merged[key if counts[key] == 1 else f"{name}:{key}"] = value
    return merged


def numeric_metrics(metrics: Mapping[str, Any]) -> tuple[dict[str, float], list[str]]:
    """(metrics MLflow can store, names skipped): nulls and text are skipped; booleans are 0/1."""
    kept: dict[str, float] = {}
    skipped: list[str] = []
    for name, value in sorted(metrics.items()):
        if isinstance(value, bool | int | float) and value == value:  # NaN != NaN
            kept[name] = float(value)
        else:
            skipped.append(name)
    return kept, skipped
