"""A bounded run on wide data: hundreds of columns must not become hundreds of params or metrics.

The params come from the composed config, not from the data, so their number does not grow with
the columns; a value that does (a `features.drop` naming 700 pixels) is cut to MLflow's limit
with a note, the whole value staying in the logged params.yaml. Metrics named per column
(`explain/importance/<column>`) are kept to the strongest MAX_PER_FAMILY of each family.
"""

from __future__ import annotations

from collections.abc import Mapping

MAX_PARAM_LENGTH = 6000  # MLflow refuses a longer param value (mlflow/utils/validation.py)
# metrics of one family, `<family>/<name>`, kept by their absolute value: above every family of
# fixed names (a multiclass run's `test` has 36), far below one metric per column of 784
MAX_PER_FAMILY = 64


def bounded_params(params: Mapping[str, str]) -> dict[str, str]:
    """Each param value within MLflow's length limit: a longer one is cut, and says so."""
    bounded = {}
    for key, value in params.items():
        if len(value) > MAX_PARAM_LENGTH:
            note = f"... ({len(value)} characters; the whole value is in params.yaml)"
            value = value[: MAX_PARAM_LENGTH - len(note)] + note
        bounded[key] = value
    return bounded


def family(name: str) -> str:
    """`explain/importance` for `explain/importance/pixel_14_14`; `` for a name without `/`."""
    return name.rsplit("/", 1)[0] if "/" in name else ""


def bounded_metrics(
    metrics: Mapping[str, float], limit: int = MAX_PER_FAMILY
) -> tuple[dict[str, float], dict[str, int]]:
    """(the metrics kept, the number left out per family): a family of more than `limit`
    metrics keeps the `limit` largest in absolute value (ties by name)."""
    families: dict[str, list[str]] = {}
    for name in metrics:
        families.setdefault(family(name), []).append(name)
    kept: dict[str, float] = {}
    left_out: dict[str, int] = {}
    for group, names in sorted(families.items()):
        if len(names) > limit:
            names = sorted(names, key=lambda n: (-abs(metrics[n]), n))[:limit]
            left_out[group] = len(families[group]) - limit
        kept |= {name: metrics[name] for name in names}
    return dict(sorted(kept.items())), left_out
