"""Who is audited: the audits (each attribute, and their combination), each row's group, and
which groups are left out of disparities and verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError
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


def factorize(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(code of each row, -1 where missing; sorted distinct values as text)."""
    codes, uniques = pd.factorize(column, sort=True, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), [str(value) for value in uniques]


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
