"""fairlearn's mitigations compared with the model (binary tasks, fairness.mitigation):
ThresholdOptimizer (post-processing) and ExponentiatedGradient (a reduction, refitting the model
on the training split). fairlearn is imported only when a comparison runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import first_line
from pipeline.fairness.audit import audit
from pipeline.fairness.config import FairnessConfig
from pipeline.fairness.groups import MISSING_GROUP, audit_specs, factorize
from pipeline.fairness.headline import HEADLINE, headline
from pipeline.fairness.mitigation_result import (
    MitigationComparison,
    MitigationRow,
    MitigationSkipped,
)
from pipeline.predictions import Predictions
from pipeline.schema import Schema


def mitigated_predictions(
    model: Any,
    train: pd.DataFrame,
    test: pd.DataFrame,
    schema: Schema,
    settings: FairnessConfig,
    attributes: Sequence[str],
    seed: int,
) -> dict[str, np.ndarray | str]:
    """Test predictions (0/1) of the model and of each mitigation, or why one failed."""
    from fairlearn.postprocessing import ThresholdOptimizer
    from fairlearn.reductions import (
        DemographicParity,
        EqualizedOdds,
        ExponentiatedGradient,
        TruePositiveRateParity,
    )
    from sklearn.base import clone
    from sklearn.utils.validation import has_fit_parameter

    moments = {
        "demographic_parity": DemographicParity,
        "equalized_odds": EqualizedOdds,
        "true_positive_rate_parity": TruePositiveRateParity,
    }

    def sensitive(frame: pd.DataFrame) -> pd.DataFrame:
        """The audit's groups as text (binned by fairness.bins, `(missing)` where missing)."""
        groups = {}
        for name in attributes:
            codes, labels = factorize(frame[name], settings.bins)
            groups[name] = np.asarray([*labels, MISSING_GROUP], dtype=object)[codes]
        return pd.DataFrame(groups, index=frame.index)

    x_train, y_train, a_train = train[schema.features], train[schema.target], sensitive(train)
    x_test, a_test = test[schema.features], sensitive(test)
    out: dict[str, np.ndarray | str] = {"unmitigated": np.asarray(model.predict(x_test))}
    step = model.steps[-1][0] if hasattr(model, "steps") else None
    final = model.steps[-1][1] if step else model
    for constraint in settings.mitigation_constraints:
        name = f"threshold_optimizer/{constraint}"
        try:
            post = ThresholdOptimizer(estimator=model, constraints=constraint, prefit=True)
            post.fit(x_train, y_train, sensitive_features=a_train)
            out[name] = post.predict(x_test, sensitive_features=a_test, random_state=seed)
        except ValueError as error:
            out[name] = f"failed: {first_line(error)}"
        name = f"exponentiated_gradient/{constraint}"
        if not has_fit_parameter(final, "sample_weight"):
            out[name] = f"skipped: {type(final).__name__} does not take sample weights"
            continue
        reduction = ExponentiatedGradient(
            clone(model),
            moments[constraint](),
            eps=settings.mitigation_eps,
            max_iter=settings.mitigation_max_iter,
            sample_weight_name=f"{step}__sample_weight" if step else "sample_weight",
        )
        try:
            reduction.fit(x_train, y_train, sensitive_features=a_train)
            out[name] = reduction.predict(x_test, random_state=seed)
        except ValueError as error:
            out[name] = f"failed: {first_line(error)}"
    return out


def mitigation_skipped(schema: Schema, settings: FairnessConfig) -> MitigationSkipped | None:
    """Why there is nothing to compare, or None when the mitigations apply."""
    if schema.task != "binary":
        return MitigationSkipped("mitigation applies to binary tasks only")
    if not audit_specs(settings, schema):
        return MitigationSkipped("no sensitive attribute to mitigate for")
    return None


def compare_mitigations(
    model: Any,
    train: pd.DataFrame,
    test: pd.DataFrame,
    schema: Schema,
    settings: FairnessConfig,
    seed: int,
) -> MitigationComparison:
    """Accuracy and each headline disparity of the model and its mitigations, per audit.

    Call it when `mitigation_skipped` is None: a binary task with attributes to audit.
    """
    specs = audit_specs(settings, schema)
    attributes = [spec.name for spec in specs if len(spec.attributes) == 1]
    candidates = mitigated_predictions(model, train, test, schema, settings, attributes, seed)
    point_only = replace(settings, n_boot=0)
    y_true = test[schema.target].to_numpy()
    rows, notes = [], {}
    for model_name, predicted in candidates.items():
        if isinstance(predicted, str):
            notes[model_name] = predicted
            continue
        predictions = Predictions(y_true, np.asarray(predicted), None, test[attributes])
        result = audit(predictions, schema, point_only, seed)
        for found in result.audits:
            values = headline(found, result.task)
            rows.append(
                MitigationRow(
                    model=model_name,
                    audit=found.name,
                    accuracy_score=found.comparison.overall["accuracy_score"].value,
                    disparities={k: values[k] for k in HEADLINE},
                )
            )
    return MitigationComparison(
        status=f"{len(candidates) - len(notes)} models compared on the test split",
        constraints_fit_on=tuple(attributes),
        notes=notes,
        table=tuple(rows),
    )
