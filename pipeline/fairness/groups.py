"""Who is audited: the audits (each attribute, and their combination), each row's group, and
which groups are left out of disparities and verdicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError, DataValidationError
from pipeline.fairness.config import FairnessConfig
from pipeline.schema import Schema

MISSING_GROUP = "(missing)"


@dataclass(frozen=True)
class AuditSpec:
    """One audit to run: an attribute, or all of them combined, and its reference group."""

    name: str  # the attribute, or the attributes joined by "_x_"
    attributes: tuple[str, ...]
    reference: str | None  # the reference group's label


def audit_specs(settings: FairnessConfig, schema: Schema) -> list[AuditSpec]:
    """Each attribute alone, then (intersectional) all of them combined."""
    attributes = schema.sensitive if settings.sensitive is None else settings.sensitive
    for name in attributes:
        if name not in schema.sensitive:
            raise ConfigError(
                f"fairness.sensitive names '{name}', which is not in dataset.sensitive "
                f"({', '.join(schema.sensitive) or 'empty'}); add it there or remove it"
            )
    reference = {k: str(v) for k, v in (settings.reference_group or {}).items()}
    for name in reference:
        if name not in attributes:
            raise ConfigError(
                f"fairness.reference_group names '{name}', which is not an audited attribute "
                f"({', '.join(attributes) or 'none'})"
            )
    specs = [AuditSpec(a, (a,), reference.get(a)) for a in attributes]
    if settings.intersectional and len(attributes) >= 2:
        joint = None
        if all(a in reference for a in attributes):
            joint = ", ".join(reference[a] for a in attributes)
        specs.append(AuditSpec("_x_".join(attributes), tuple(attributes), joint))
    return specs


@dataclass(frozen=True)
class Groups:
    """Each row's group code (0 .. len(labels) - 1) for one attribute or a combination of them."""

    codes: np.ndarray
    labels: tuple[str, ...]
    missing: int | None  # the code of rows with a missing attribute value, if there are any
    sizes: np.ndarray


def factorize(
    column: pd.Series, bins: Mapping[str, Sequence[float]] | None = None
) -> tuple[np.ndarray, list[str]]:
    """(code of each row, -1 where missing; its groups as text): the sorted distinct values, or,
    when `bins` has edges for the column (fairness.bins), its bins in order."""
    if bins and column.name in bins:
        return binned(column, bins[str(column.name)])
    codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), [str(value) for value in uniques]


def bin_labels(edges: Sequence[float]) -> list[str]:
    """Readable labels of the bins that `edges` make: <25, 25-45, 45-65, >=65."""
    text = [f"{edge:g}" for edge in edges]
    dash = " to " if edges[0] < 0 else "-"
    middle = [f"{a}{dash}{b}" for a, b in zip(text, text[1:], strict=False)]
    return [f"<{text[0]}", *middle, f">={text[-1]}"]


def binned(column: pd.Series, edges: Sequence[float]) -> tuple[np.ndarray, list[str]]:
    """(bin of each row, -1 where missing; the bins' labels); a bin holds its lower edge."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        raise DataValidationError(
            f"fairness.bins bins '{column.name}', which is not numeric ({column.dtype}); "
            "remove it from fairness.bins"
        )
    values = column.to_numpy(dtype=float, na_value=np.nan)
    codes = np.searchsorted(np.asarray(edges, dtype=float), values, side="right").astype(np.int64)
    codes[np.isnan(values)] = -1
    return codes, bin_labels(edges)


def combine(factorized: Sequence[tuple[np.ndarray, list[str]]]) -> Groups:
    """Groups of the observed combinations of factorized columns, sorted, labelled "a, b".

    Rows missing any of the values form one more group, `(missing)`, last.
    """
    codes = np.zeros(len(factorized[0][0]), dtype=np.int64)
    radix = []
    for column_codes, levels in factorized:
        radix.append(max(len(levels), 1))
        codes = codes * radix[-1] + column_codes
    missing = None
    if any(column_codes.min(initial=0) < 0 for column_codes, _ in factorized):
        missing = np.zeros(len(codes), dtype=bool)
        for column_codes, _ in factorized:
            missing |= column_codes < 0
        codes[missing] = 0
    counts = np.bincount(
        codes if missing is None else codes[~missing], minlength=int(np.prod(radix))
    )
    present = np.flatnonzero(counts)
    labels = []
    for combined in present:
        parts = zip(factorized, np.unravel_index(combined, radix), strict=True)
        labels.append(", ".join(levels[i] for (_, levels), i in parts))
    sizes = counts[present]
    if len(present) < len(counts):
        lookup = np.full(len(counts), -1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        codes = lookup[codes]
    missing_code = None
    if missing is not None:
        missing_code = len(labels)
        codes[missing] = missing_code
        labels.append(MISSING_GROUP)
        sizes = np.append(sizes, missing.sum())
    return Groups(codes=codes, labels=tuple(labels), missing=missing_code, sizes=sizes)


def exclusions(
    groups: Groups, positives: np.ndarray | None, settings: FairnessConfig
) -> list[list[str]]:
    """Why each group is left out of disparities and verdicts (empty: it is compared)."""
    out = []
    for g, size in enumerate(groups.sizes):
        reasons = ["the attribute is missing in these rows"] if g == groups.missing else []
        if size < settings.min_group_size:
            reasons.append(f"{size} rows < min_group_size {settings.min_group_size}")
        if positives is not None:
            if positives[g] < settings.min_positives:
                reasons.append(f"{positives[g]} positives < min_positives {settings.min_positives}")
            if size - positives[g] < settings.min_negatives:
                negatives = size - positives[g]
                reasons.append(f"{negatives} negatives < min_negatives {settings.min_negatives}")
        out.append(reasons)
    return out
