"""The audit: each sensitive attribute (and their combination) on the test predictions, from
group codes and confusion counts to the typed result.

Groups too small for a verdict (`min_group_size`, `min_positives`, `min_negatives`) and rows whose
attribute is missing are reported and flagged, and left out of every disparity and verdict.
Metric names follow fairlearn's and scikit-learn's function names.
"""

from __future__ import annotations

import zlib

import numpy as np

from pipeline.errors import ConfigError, DataValidationError
from pipeline.fairness.bootstrap import BOOTSTRAP, Tables
from pipeline.fairness.compare import Block, binary_block, compare
from pipeline.fairness.config import FairnessConfig
from pipeline.fairness.counts import (
    FN,
    NO_ROWS,
    TP,
    binary_cells,
    confusion_counts,
    one_vs_rest,
    ratio,
)
from pipeline.fairness.disparities import BINARY_DISPARITIES, REGRESSION_DISPARITIES
from pipeline.fairness.groups import AuditSpec, Groups, audit_specs, combine, exclusions, factorize
from pipeline.fairness.outcomes import Outcomes, outcomes
from pipeline.fairness.result import (
    Audit,
    BinaryTarget,
    ClassAudit,
    FairnessResult,
    MulticlassAudit,
    MulticlassTarget,
)
from pipeline.fairness.scores import regression_tables, score_tables
from pipeline.fairness.verdicts import verdicts
from pipeline.predictions import Predictions
from pipeline.schema import Schema
from pipeline.stats.resample import multinomial_cells


def audit_one(
    spec: AuditSpec,
    groups: Groups,
    y: Outcomes,
    settings: FairnessConfig,
    seed: int,
) -> Audit | MulticlassAudit:
    """The audit of one attribute (or combination of attributes)."""
    key = [seed, zlib.crc32(spec.name.encode())]
    rng = np.random.default_rng(key)
    entropy = [*key, 1]  # the row multiplicities' own stream
    n_groups, n_boot, level = len(groups.labels), settings.n_boot, settings.ci_level
    n_missing = 0 if groups.missing is None else int(groups.sizes[groups.missing])
    ref = None
    if spec.reference is not None:
        if spec.reference not in groups.labels:
            raise ConfigError(
                f"fairness.reference_group: '{spec.reference}' is not a group of {spec.name}; "
                f"the groups are {', '.join(groups.labels)}"
            )
        ref = groups.labels.index(spec.reference)
    head = (spec.name, spec.attributes, n_missing)
    if y.task == "regression":
        point, boot = regression_tables(groups, y.y_true, y.y_pred, n_boot, entropy)
        block = Block(point, boot, dict.fromkeys(point.groups, NO_ROWS))
        reasons = exclusions(groups, None, settings)
        result = compare(block, groups, reasons, ref, REGRESSION_DISPARITIES, False, level)
        return Audit(*head, comparison=result, verdicts=())
    confusion = confusion_counts(groups.codes, n_groups, y.y_true, y.y_pred, len(y.classes))
    boot_confusion = None
    if n_boot:
        cells = multinomial_cells(confusion.reshape(n_groups, -1), n_boot, rng)
        boot_confusion = cells.reshape(n_boot, *confusion.shape)
    if y.task == "binary":
        scores = None
        if y.y_score is not None:
            bins = settings.calibration_bins
            scores = score_tables(groups, y.y_true, y.y_score, bins, y.proba, n_boot, entropy)
        cells = binary_cells(confusion)
        boot_cells = None if boot_confusion is None else binary_cells(boot_confusion)
        block = binary_block(cells, boot_cells, scores)
        reasons = exclusions(groups, cells[:, FN] + cells[:, TP], settings)
        result = compare(block, groups, reasons, ref, BINARY_DISPARITIES, True, level)
        return Audit(*head, comparison=result, verdicts=verdicts(result, settings))
    # multiclass: accuracy per group, then each class against the rest, as a binary audit
    correct = np.trace(confusion, axis1=-2, axis2=-1)
    point = Tables(
        groups={"accuracy_score": ratio(correct, groups.sizes)},
        overall={"accuracy_score": ratio(correct.sum(), groups.sizes.sum())},
    )
    boot = None
    if boot_confusion is not None:
        boot_correct = np.trace(boot_confusion, axis1=-2, axis2=-1)
        boot = Tables(
            groups={"accuracy_score": ratio(boot_correct, groups.sizes)},
            overall={"accuracy_score": ratio(boot_correct.sum(1), groups.sizes.sum())},
        )
    block = Block(point, boot, {"accuracy_score": NO_ROWS})
    accuracy = {"accuracy_score": "accuracy_score"}
    result = compare(block, groups, exclusions(groups, None, settings), ref, accuracy, True, level)
    ovr = one_vs_rest(confusion)
    boot_ovr = None if boot_confusion is None else one_vs_rest(boot_confusion)
    classes = []
    for k, name in enumerate(y.classes):
        cells = ovr[:, k]
        block = binary_block(cells, None if boot_ovr is None else boot_ovr[:, :, k], None)
        reasons = exclusions(groups, cells[:, FN] + cells[:, TP], settings)
        found = compare(block, groups, reasons, ref, BINARY_DISPARITIES, True, level)
        classes.append(ClassAudit(name, found, verdicts(found, settings)))
    return MulticlassAudit(*head, comparison=result, classes=tuple(classes))


def verdict_status(audits: tuple[Audit | MulticlassAudit, ...], settings: FairnessConfig) -> str:
    """The failed criteria of the audits, or `nothing assessed` when no audit had two groups
    above the size limits, with the limits and what to change."""
    failed = sum(found.failed for found in audits)
    empty = [found.name for found in audits if not found.assessed]
    if not empty:
        return f"{failed} failed criteria in {len(audits)} audits"
    why = (
        "no two groups reach the size limits (fairness.min_group_size="
        f"{settings.min_group_size}, fairness.min_positives={settings.min_positives}, "
        f"fairness.min_negatives={settings.min_negatives}); merge rare levels into fewer "
        "groups, bin a numeric attribute with fairness.bins, or use a larger test split "
        "(split.test_size)"
    )
    if len(empty) == len(audits):
        return f"nothing assessed in {len(audits)} audits: {why}"
    names = ", ".join(empty)
    return (
        f"{failed} failed criteria in {len(audits) - len(empty)} of {len(audits)} audits; "
        f"nothing assessed for {names}: {why}"
    )


def not_configured(schema: Schema) -> str:
    """The status of a run with no attribute to audit: said plainly, with how to name one."""
    if schema.sensitive:  # fairness.sensitive is [] while the data has sensitive columns
        where, how = "fairness.sensitive is empty", "-S fairness.sensitive=null (every column of "
        how += f"dataset.sensitive: {', '.join(schema.sensitive)})"
    else:
        where = "dataset.sensitive is empty"
        how = "-S 'dataset.sensitive=[<column>]' (a column of the data, kept out of the model)"
    return (
        f"no sensitive attribute is configured ({where}), so no fairness audit was run: this is "
        f"not a pass; to audit, run dvc exp run {how}"
    )


def audit(
    predictions: Predictions, schema: Schema, settings: FairnessConfig, seed: int
) -> FairnessResult:
    """The fairness result of the predictions on one test set."""
    specs = audit_specs(settings, schema)
    y = outcomes(predictions, schema, settings.positive_label)
    for column in dict.fromkeys(a for spec in specs for a in spec.attributes):
        if column not in predictions.sensitive.columns:
            raise DataValidationError(
                f"column '{column}' (sensitive) is missing from the predictions; its sensitive "
                f"columns are {', '.join(map(str, predictions.sensitive.columns)) or 'none'}; "
                "re-run the evaluate stage"
            )
    target: BinaryTarget | MulticlassTarget | None = None
    if y.task == "binary":
        scores = None if y.y_score is None else ("probability" if y.proba else "decision")
        target = BinaryTarget(y.classes[1], scores)
    elif y.task == "multiclass":
        target = MulticlassTarget(y.classes)
    audits: dict[str, Audit | MulticlassAudit] = {}
    if not specs:
        status = not_configured(schema)
    else:
        factorized = {
            a: factorize(predictions.sensitive[a], settings.bins)
            for spec in specs
            for a in spec.attributes
        }
        for spec in specs:
            groups = combine([factorized[a] for a in spec.attributes])
            audits[spec.name] = audit_one(spec, groups, y, settings, seed)
        if y.task == "regression":
            status = f"{len(audits)} audits; regression has no verdict criteria"
        else:
            status = verdict_status(tuple(audits.values()), settings)
    return FairnessResult(
        task=y.task,
        n_rows=len(predictions.y_true),
        sensitive=tuple(spec.name for spec in specs if len(spec.attributes) == 1),
        settings=settings,
        seed=seed,
        bootstrap=BOOTSTRAP,
        target=target,
        audits=tuple(audits.values()),
        status=status,
    )
