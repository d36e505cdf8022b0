"""The privacy stage's questions, asked of one run: how identifiable the people in the training
split are (by the dataset's quasi-identifiers, exactly and with numeric ones in bands), and how
much the model's losses tell its training rows from rows it never saw."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from pipeline.config import DatasetConfig
from pipeline.fairness.groups import factorize
from pipeline.privacy.config import PrivacyConfig
from pipeline.privacy.identify import reidentification
from pipeline.privacy.losses import row_losses
from pipeline.privacy.membership import MISSING_GROUP, drawn_rows, membership_attack
from pipeline.privacy.result import PrivacyResult
from pipeline.schema import Schema


def disclosed(schema: Schema, quasi_identifiers: Sequence[str]) -> list[str]:
    """The attributes whose disclosure matters: the target, then each sensitive attribute that
    is not itself a quasi-identifier."""
    others = [s for s in schema.sensitive if s not in quasi_identifiers and s != schema.target]
    return [schema.target, *others]


def assess_reidentification(
    train: pd.DataFrame, schema: Schema, dataset: DatasetConfig
) -> list[dict[str, Any]]:
    """The training split assessed by the exact quasi-identifiers, then (when the dataset gives
    bands) with its numeric ones in bands."""
    quasi = list(dataset.quasi_identifiers)
    attributes = disclosed(schema, quasi)
    categorical = [] if schema.task == "regression" else [schema.target]
    banded = [dataset.quasi_identifier_bands] if dataset.quasi_identifier_bands else []
    found = []
    for bands in [None, *banded]:
        result = reidentification(train, quasi, attributes, bands, categorical)
        found.append(result.to_json() | {"words": result.plain_words()})
    return found


def group_labels(
    members: pd.DataFrame, nonmembers: pd.DataFrame, attributes: Sequence[str],
    bins: Mapping[str, Sequence[float]] | None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:  # fmt: skip
    """Each attribute's group label of every member and non-member row (fairness.bins apply)."""
    found = {}
    both = pd.concat([members[list(attributes)], nonmembers[list(attributes)]], ignore_index=True)
    for name in attributes:
        codes, labels = factorize(both[name], bins)
        text = np.array([*labels, MISSING_GROUP], dtype=object)[codes]
        found[name] = (text[: len(members)], text[len(members) :])
    return found


def assess_membership(
    model: Pipeline, train: pd.DataFrame, test: pd.DataFrame, schema: Schema,
    settings: PrivacyConfig, bins: Mapping[str, Sequence[float]] | None, seed: int,
) -> dict[str, Any]:  # fmt: skip
    """The loss-threshold attack: training rows (members) against test rows (non-members), the
    model predicting only the rows the attack draws."""
    rows = drawn_rows(len(train), len(test), settings.max_rows, seed)
    members, nonmembers = train.iloc[rows[0]], test.iloc[rows[1]]
    losses = row_losses(model, members, schema), row_losses(model, nonmembers, schema)
    groups = group_labels(members, nonmembers, schema.sensitive, bins)
    result = membership_attack(
        *losses, groups, n_boot=settings.n_boot, ci_level=settings.ci_level, seed=seed,
        max_rows=settings.max_rows, min_group_size=settings.min_group_size,
        available=(len(train), len(test)),
    )  # fmt: skip
    return result.to_json() | {"words": result.summary()}


def assess(
    model: Pipeline | None, train: pd.DataFrame, test: pd.DataFrame | None, schema: Schema,
    dataset: DatasetConfig, settings: PrivacyConfig, bins: Mapping[str, Sequence[float]] | None,
    seed: int,
) -> PrivacyResult:  # fmt: skip
    """Every assessment the settings ask for; the model and test split only for the attack."""
    not_assessed = []
    reid: list[dict[str, Any]] = []
    if not settings.reidentification:
        not_assessed.append("re-identification: privacy.reidentification is false")
    elif not dataset.quasi_identifiers:
        not_assessed.append(
            "re-identification: the dataset names no quasi-identifiers; list the columns others "
            "may know about a person in dataset.quasi_identifiers"
        )
    else:
        reid = assess_reidentification(train, schema, dataset)
    membership = None
    if not settings.membership:
        not_assessed.append("membership inference: privacy.membership is false")
    elif model is not None and test is not None:
        membership = assess_membership(model, train, test, schema, settings, bins, seed)
    return PrivacyResult(reid, membership, not_assessed)
