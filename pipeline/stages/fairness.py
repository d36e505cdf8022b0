"""Stage `fairness`: group metrics, disparities with bootstrap intervals, and pass/fail verdicts.

Each sensitive attribute is audited on the test predictions, and with `fairness.intersectional`
also the combination of all of them (e.g. `sex_x_race`). Groups too small for a verdict
(`min_group_size`, `min_positives`, `min_negatives`) and rows whose attribute is missing are
reported and flagged, and left out of every disparity and verdict. Metric names follow fairlearn's
and scikit-learn's function names; pipeline/fairness_metrics.py computes them from counts.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline import fairness_metrics as fm
from pipeline.config import Config, Label, load_config
from pipeline.errors import ConfigError, DataValidationError, run_stage
from pipeline.io import read_pickle, write_csv, write_json
from pipeline.schema import Schema, read_schema

CONSTRAINTS = ("demographic_parity", "equalized_odds", "true_positive_rate_parity")
BOOTSTRAP = (
    "percentile intervals over n_boot replicates, each resampling rows with replacement within "
    "every group of the audit (group sizes fixed); confusion-count metrics are drawn as "
    "multinomials of the per-group counts, metrics of single rows (ROC AUC, Brier score, "
    "calibration error, regression errors) from row multiplicities drawn the same way, except "
    "the overall score metrics, which resample the whole test set once for every audit; a "
    "replicate in which a quantity is undefined is left out of its interval, which is null if "
    "fewer than half of the replicates remain"
)
HEADLINE = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "predictive_parity_difference",
    "average_odds_difference",
)


@dataclass(frozen=True)
class Criterion:
    disparity: str
    key: str  # the FairnessConfig field holding the threshold
    rule: str  # ">=" or "<="

    def passes(self, value: float, threshold: float) -> bool:
        return value >= threshold if self.rule == ">=" else value <= threshold


CRITERIA = (
    Criterion("demographic_parity_ratio", "min_demographic_parity_ratio", ">="),
    Criterion("equalized_odds_difference", "max_equalized_odds_difference", "<="),
    Criterion("equal_opportunity_difference", "max_equal_opportunity_difference", "<="),
    Criterion("predictive_parity_difference", "max_predictive_parity_difference", "<="),
)


@dataclass(frozen=True)
class FairnessConfig:
    sensitive: tuple[str, ...] | None  # None: every attribute of dataset.sensitive
    intersectional: bool  # also audit the combination of all the attributes
    positive_label: Label  # binary: the favourable outcome; None: dataset.positive_label
    reference_group: dict[str, Label] | None  # attribute -> group; None: all pairs and overall
    min_group_size: int
    min_positives: int  # classification: per group (multiclass: per class and group)
    min_negatives: int
    n_boot: int  # 0: no intervals
    ci_level: float
    calibration_bins: int  # equal-width bins of the expected calibration error
    min_demographic_parity_ratio: float  # the four-fifths rule: 0.8
    max_equalized_odds_difference: float
    max_equal_opportunity_difference: float
    max_predictive_parity_difference: float
    mitigation: bool  # compare fairlearn's ThresholdOptimizer and ExponentiatedGradient
    mitigation_constraints: tuple[str, ...]
    mitigation_eps: float
    mitigation_max_iter: int

    def __post_init__(self) -> None:
        for key in ("min_group_size", "min_positives", "min_negatives", "n_boot"):
            if getattr(self, key) < 0:
                raise ConfigError(f"fairness.{key} is {getattr(self, key)}; use 0 or more")
        if not 0.0 < self.ci_level < 1.0:
            raise ConfigError(f"fairness.ci_level is {self.ci_level}; use a level in (0, 1)")
        for key in ("calibration_bins", "mitigation_max_iter"):
            if getattr(self, key) < 1:
                raise ConfigError(f"fairness.{key} is {getattr(self, key)}; use 1 or more")
        if self.mitigation_eps <= 0:
            raise ConfigError(f"fairness.mitigation_eps is {self.mitigation_eps}; use more than 0")
        for criterion in CRITERIA:
            threshold = getattr(self, criterion.key)
            if not 0.0 <= threshold <= 1.0:
                raise ConfigError(f"fairness.{criterion.key} is {threshold}; use a value in [0, 1]")
        for name in self.mitigation_constraints:
            if name not in CONSTRAINTS:
                raise ConfigError(
                    f"fairness.mitigation_constraints names {name!r}; use {', '.join(CONSTRAINTS)}"
                )


@dataclass(frozen=True)
class Outcomes:
    """What the audit compares: classes as indices (binary: 1 is the favourable outcome)."""

    task: str
    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None = None  # binary: the score of the favourable outcome
    proba: bool = False  # y_score is a probability
    classes: tuple[str, ...] = ()  # classification: the label of each index


@dataclass(frozen=True)
class AuditSpec:
    name: str  # the attribute, or the attributes joined by "_x_"
    attributes: tuple[str, ...]
    reference: str | None  # the reference group's label


# ---------------------------------------------------------------- inputs


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


def outcomes(predictions: pd.DataFrame, schema: Schema, positive_label: Label) -> Outcomes:
    """The predictions as class indices; binary ones flipped when the favourable label is 0."""
    for column in ("y_true", "y_pred"):
        if column not in predictions.columns:
            raise DataValidationError(
                f"column '{column}' is missing from the predictions; re-run the evaluate stage"
            )
        if predictions[column].isna().any():
            raise DataValidationError(f"column '{column}' of the predictions has missing values")
    if schema.task != "binary" and positive_label is not None:
        raise ConfigError("fairness.positive_label applies to binary tasks; set it to null")
    if schema.task == "regression":
        return Outcomes(
            "regression",
            predictions["y_true"].to_numpy(np.float64),
            predictions["y_pred"].to_numpy(np.float64),
        )
    if schema.task == "multiclass":
        observed = pd.concat([predictions["y_true"], predictions["y_pred"]]).unique().tolist()
        classes = pd.Index(sorted(set(schema.labels) | set(observed), key=str), dtype=object)
        return Outcomes(
            "multiclass",
            classes.get_indexer(predictions["y_true"]),
            classes.get_indexer(predictions["y_pred"]),
            classes=tuple(str(c) for c in classes),
        )
    y_true, y_pred = predictions["y_true"].to_numpy(), predictions["y_pred"].to_numpy()
    for column, values in (("y_true", y_true), ("y_pred", y_pred)):
        if values.min(initial=0) < 0 or values.max(initial=0) > 1 or values.dtype.kind == "f":
            raise DataValidationError(f"column '{column}' of binary predictions is not 0/1")
    negative, positive = (str(label) for label in schema.labels)
    if positive_label is not None and str(positive_label) not in (negative, positive):
        raise ConfigError(
            f"fairness.positive_label is {positive_label!r}, which is not a label of the target "
            f"({negative}, {positive}); use one of them, or null for {positive}"
        )
    flip = positive_label is not None and str(positive_label) == negative
    y_score, proba = None, False
    if "y_score" in predictions.columns and predictions["y_score"].notna().all():
        y_score = predictions["y_score"].to_numpy(np.float64)
        proba = bool(((y_score >= 0.0) & (y_score <= 1.0)).all())
        if flip:
            y_score = 1.0 - y_score if proba else -y_score
    return Outcomes(
        "binary",
        (1 - y_true if flip else y_true).astype(np.int64),
        (1 - y_pred if flip else y_pred).astype(np.int64),
        y_score,
        proba,
        (positive, negative) if flip else (negative, positive),
    )


# ---------------------------------------------------------------- report pieces


def exclusions(
    groups: fm.Groups, positives: np.ndarray | None, settings: FairnessConfig
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


def verdicts(comparison: dict[str, Any], settings: FairnessConfig) -> dict[str, Any]:
    """Pass or fail per criterion: against the reference group if set, else between groups.

    `conclusive` says whether the whole interval lies on the same side of the threshold.
    """
    method = "to_reference" if comparison["reference_group"] is not None else "between_groups"
    out = {}
    for criterion in CRITERIA:
        threshold = getattr(settings, criterion.key)
        found = comparison["disparities"][method][criterion.disparity]
        value, interval = found["value"], found["interval"]
        item: dict[str, Any] = {
            "method": method,
            "rule": f"{criterion.disparity} {criterion.rule} {threshold}",
            "value": value,
            "interval": interval,
            "verdict": None,
            "conclusive": None,
        }
        if value is None:
            item["undefined"] = found["undefined"]
        else:
            item["verdict"] = "pass" if criterion.passes(value, threshold) else "fail"
            if interval is not None:
                sides = {criterion.passes(bound, threshold) for bound in interval}
                item["conclusive"] = len(sides) == 1
        out[criterion.disparity] = item
    return out


# ---------------------------------------------------------------- one audit


def audit_one(
    spec: AuditSpec,
    groups: fm.Groups,
    y: Outcomes,
    settings: FairnessConfig,
    seed: int,
    overall_scores: fm.RowMetrics | None = None,
) -> dict[str, Any]:
    """The report of one attribute (or combination of attributes)."""
    rng = np.random.default_rng([seed, zlib.crc32(spec.name.encode())])
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
    head = {"attributes": list(spec.attributes), "n_missing": n_missing}
    if y.task == "regression":

        def errors(rows: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
            return fm.regression_metrics(y.y_true[rows], y.y_pred[rows], weights)

        found = fm.row_metrics(groups, errors, n_boot, rng)
        why = dict.fromkeys(found.point, fm.NO_ROWS)
        block = fm.Block(found.point, found.overall, found.boot, found.boot_overall, why)
        reasons = exclusions(groups, None, settings)
        result = fm.compare(block, groups, reasons, ref, fm.REGRESSION_DISPARITIES, False, level)
        return head | result | {"verdicts": {}}
    confusion = fm.confusion_counts(groups.codes, n_groups, y.y_true, y.y_pred, len(y.classes))
    boot_confusion = None
    if n_boot:
        cells = fm.bootstrap_cells(confusion.reshape(n_groups, -1), n_boot, rng)
        boot_confusion = cells.reshape(n_boot, *confusion.shape)
    if y.task == "binary":
        scores = None
        if overall_scores is not None:
            order = fm.score_order(y.y_true, y.y_score)
            scored = fm.row_metrics(groups, score_rows(y, settings), n_boot, rng, order, False)
            scores = (scored, overall_scores)
        cells = fm.binary_cells(confusion)
        boot_cells = None if boot_confusion is None else fm.binary_cells(boot_confusion)
        block = fm.binary_block(cells, boot_cells, scores)
        reasons = exclusions(groups, cells[:, fm.FN] + cells[:, fm.TP], settings)
        result = fm.compare(block, groups, reasons, ref, fm.BINARY_DISPARITIES, True, level)
        return head | result | {"verdicts": verdicts(result, settings)}
    # multiclass: accuracy per group, then each class against the rest, as a binary audit
    correct = np.trace(confusion, axis1=-2, axis2=-1)
    block = fm.Block(
        point={"accuracy_score": fm.ratio(correct, groups.sizes)},
        overall={"accuracy_score": fm.ratio(correct.sum(), groups.sizes.sum())},
        boot=None,
        boot_overall=None,
        undefined={"accuracy_score": fm.NO_ROWS},
    )
    if boot_confusion is not None:
        boot_correct = np.trace(boot_confusion, axis1=-2, axis2=-1)
        block = replace(
            block,
            boot={"accuracy_score": fm.ratio(boot_correct, groups.sizes)},
            boot_overall={"accuracy_score": fm.ratio(boot_correct.sum(1), groups.sizes.sum())},
        )
    accuracy = {"accuracy_score": "accuracy_score"}
    result = fm.compare(
        block, groups, exclusions(groups, None, settings), ref, accuracy, True, level
    )
    ovr = fm.one_vs_rest(confusion)
    boot_ovr = None if boot_confusion is None else fm.one_vs_rest(boot_confusion)
    result["classes"] = {}
    for k, name in enumerate(y.classes):
        cells = ovr[:, k]
        block = fm.binary_block(cells, None if boot_ovr is None else boot_ovr[:, :, k])
        reasons = exclusions(groups, cells[:, fm.FN] + cells[:, fm.TP], settings)
        found = fm.compare(block, groups, reasons, ref, fm.BINARY_DISPARITIES, True, level)
        result["classes"][name] = found | {"verdicts": verdicts(found, settings)}
    return head | result


def score_rows(y: Outcomes, settings: FairnessConfig):
    def compute(rows: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
        return fm.score_metrics(
            y.y_true[rows], y.y_score[rows], weights, settings.calibration_bins, y.proba
        )

    return compute


# ---------------------------------------------------------------- the report


def headline(name: str, result: dict[str, Any], task: str) -> dict[str, float | None]:
    """Flat metrics for `dvc metrics` (multiclass: the worst class), by the verdicts' method."""
    method = "to_reference" if result["reference_group"] is not None else "between_groups"
    if task == "regression":
        table = result["disparities"][method]
        return {f"fairness/{name}/{k}": table[k]["value"] for k in table}
    blocks = [result] if task == "binary" else list(result["classes"].values())
    out: dict[str, float | None] = {}
    for key in HEADLINE:
        values = [b["disparities"][method][key]["value"] for b in blocks]
        values = [v for v in values if v is not None]
        worst = max if key.endswith("difference") else min
        out[f"fairness/{name}/{key}"] = worst(values) if values else None
    failed = sum(v["verdict"] == "fail" for b in blocks for v in b["verdicts"].values())
    out[f"fairness/{name}/criteria_failed"] = failed
    return out


def audit(
    predictions: pd.DataFrame, schema: Schema, settings: FairnessConfig, seed: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(report, flat headline metrics) of the predictions on one test set."""
    specs = audit_specs(settings, schema)
    y = outcomes(predictions, schema, settings.positive_label)
    for column in dict.fromkeys(a for spec in specs for a in spec.attributes):
        if column not in predictions.columns:
            raise DataValidationError(
                f"column '{column}' (sensitive) is missing from the predictions; columns are "
                f"{', '.join(map(str, predictions.columns))}; re-run the evaluate stage"
            )
    report: dict[str, Any] = {
        "task": y.task,
        "n_rows": len(predictions),
        "sensitive": [spec.name for spec in specs if len(spec.attributes) == 1],
        "settings": asdict(settings) | {"seed": seed, "bootstrap": BOOTSTRAP},
    }
    if y.task == "binary":
        report["positive_label"] = y.classes[1]
        report["scores"] = None if y.y_score is None else ("probability" if y.proba else "decision")
    elif y.task == "multiclass":
        report["classes"] = list(y.classes)
    if not specs:
        report["audits"] = {}
        report["status"] = (
            "no sensitive attribute: dataset.sensitive is empty, so there is nothing to audit; "
            "name the columns to audit in dataset.sensitive"
        )
        return report, {"fairness/audits": 0}
    overall_scores = None
    if y.task == "binary" and y.y_score is not None:
        n_rows = np.array([len(y.y_true)])
        everyone = fm.Groups(np.zeros(len(y.y_true), dtype=np.int64), ("all",), None, n_rows)
        rng = np.random.default_rng([seed, zlib.crc32(b"overall")])
        order = fm.score_order(y.y_true, y.y_score)
        compute = score_rows(y, settings)
        overall_scores = fm.row_metrics(everyone, compute, settings.n_boot, rng, order, False)
    factorized = {a: fm.factorize(predictions[a]) for spec in specs for a in spec.attributes}
    audits = {}
    for spec in specs:
        groups = fm.combine([factorized[a] for a in spec.attributes])
        audits[spec.name] = audit_one(spec, groups, y, settings, seed, overall_scores)
    report["audits"] = audits
    metrics: dict[str, Any] = {"fairness/audits": len(audits)}
    for name, result in audits.items():
        metrics |= headline(name, result, y.task)
    if y.task == "regression":
        report["status"] = f"{len(audits)} audits; regression has no verdict criteria"
    else:
        failed = sum(v for k, v in metrics.items() if k.endswith("/criteria_failed"))
        report["status"] = f"{failed} failed criteria in {len(audits)} audits"
    return report, metrics


# ---------------------------------------------------------------- mitigation


def mitigated_predictions(
    model, train: pd.DataFrame, test: pd.DataFrame, schema: Schema, settings, attributes, seed
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
        columns = frame[list(attributes)].astype(object)
        return columns.where(columns.notna(), fm.MISSING_GROUP).astype(str)

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
            out[name] = f"failed: {str(error).splitlines()[0]}"
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
            out[name] = f"failed: {str(error).splitlines()[0]}"
    return out


def compare_mitigations(config: Config, schema: Schema, settings: FairnessConfig) -> dict:
    """Accuracy and each headline disparity of the model and its mitigations, per audit."""
    if schema.task != "binary":
        return {"status": "mitigation applies to binary tasks only", "table": []}
    specs = audit_specs(settings, schema)
    if not specs:
        return {"status": "no sensitive attribute to mitigate for", "table": []}
    attributes = [spec.name for spec in specs if len(spec.attributes) == 1]
    model = read_pickle(config.paths.model)
    train, test = pd.read_parquet(config.paths.train), pd.read_parquet(config.paths.test)
    candidates = mitigated_predictions(
        model, train, test, schema, settings, attributes, config.seed
    )
    point_only = replace(settings, n_boot=0)
    rows, notes = [], {}
    for model_name, predicted in candidates.items():
        if isinstance(predicted, str):
            notes[model_name] = predicted
            continue
        frame = test[attributes].assign(y_true=test[schema.target].to_numpy(), y_pred=predicted)
        report, metrics = audit(frame, schema, point_only, config.seed)
        for name, result in report["audits"].items():
            row = {"model": model_name, "audit": name}
            row["accuracy_score"] = result["overall"]["metrics"]["accuracy_score"]["value"]
            row |= {k: metrics[f"fairness/{name}/{k}"] for k in HEADLINE}
            rows.append(row)
    return {
        "status": f"{len(candidates) - len(notes)} models compared on the test split",
        "constraints_fit_on": attributes,
        "notes": notes,
        "table": rows,
    }


# ---------------------------------------------------------------- plots


PLOTTED = {
    "binary": ("selection_rate", "true_positive_rate", "false_positive_rate", "precision_score"),
    "multiclass": ("accuracy_score", "selection_rate", "true_positive_rate"),
    "regression": ("mean_absolute_error", "root_mean_squared_error", "mean_prediction"),
}


def plot_frames(report: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Per plotted metric: audit, group, value, lower, upper, eligible, overall."""
    rows: dict[str, list[dict]] = {metric: [] for metric in PLOTTED[report["task"]]}
    for name, result in report["audits"].items():
        blocks = [("", result)]
        blocks += [(f" | class {c}", b) for c, b in result.get("classes", {}).items()]
        for suffix, block in blocks:
            for label, group in block["groups"].items():
                for metric, found in group["metrics"].items():
                    if metric in rows and not (suffix and metric == "accuracy_score"):
                        low, high = found["interval"] or (None, None)
                        rows[metric].append(
                            {
                                "audit": name,
                                "group": f"{name}: {label}{suffix}",
                                metric: found["value"],
                                "lower": low,
                                "upper": high,
                                "eligible": group["eligible"],
                                "overall": block["overall"]["metrics"][metric]["value"],
                            }
                        )
    return {metric: pd.DataFrame(found) for metric, found in rows.items() if found}


def audit_figure(name: str, frames: dict[str, pd.DataFrame]):
    """One panel per metric: each group's value with its interval; excluded groups in grey."""
    import matplotlib.pyplot as plt

    panels = [(m, f[f["audit"] == name].reset_index(drop=True)) for m, f in frames.items()]
    panels = [(m, f) for m, f in panels if len(f)]
    rows = max(len(f) for _, f in panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), 1.4 + 0.28 * rows))
    for ax, (metric, frame) in zip(np.atleast_1d(axes), panels, strict=True):
        y = np.arange(len(frame))[::-1]
        value = frame[metric].to_numpy(np.float64)
        error = np.abs(frame[["lower", "upper"]].to_numpy(np.float64).T - value)
        for compared, color, label in ((True, "tab:blue", "compared"), (False, "0.6", "excluded")):
            mask = frame["eligible"].to_numpy() == compared
            if mask.any():
                ax.errorbar(
                    value[mask],
                    y[mask],
                    xerr=np.nan_to_num(error[:, mask]),
                    fmt="o",
                    color=color,
                    capsize=2,
                    markersize=4,
                    label=label,
                )
        overall = frame["overall"].dropna()
        if len(overall) and frame["group"].str.contains(" | class ", regex=False).sum() == 0:
            ax.axvline(overall.iloc[0], color="k", linestyle="--", linewidth=0.8, label="overall")
        ax.set_yticks(y, [g.split(": ", 1)[1] for g in frame["group"]], fontsize=7)
        ax.set_title(metric, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    np.atleast_1d(axes)[0].legend(fontsize=7)
    fig.suptitle(f"{name}: per-group metrics with bootstrap intervals", fontsize=10)
    fig.tight_layout()
    return fig


def mitigation_figure(table: pd.DataFrame):
    """Accuracy against each disparity, one point per model and audit."""
    import matplotlib.pyplot as plt

    shown = (
        "demographic_parity_difference",
        "equalized_odds_difference",
        "equal_opportunity_difference",
        "predictive_parity_difference",
    )
    fig, axes = plt.subplots(1, len(shown), figsize=(3.6 * len(shown), 3.6), sharey=True)
    markers = dict(zip(table["audit"].unique(), "osD^v<>", strict=False))
    for ax, disparity in zip(axes, shown, strict=True):
        for (model, audit_name), row in table.groupby(["model", "audit"], sort=True):
            ax.scatter(
                row[disparity],
                row["accuracy_score"],
                marker=markers.get(audit_name, "o"),
                label=f"{model} ({audit_name})",
            )
        ax.set_xlabel(disparity, fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy_score")
    fig.legend(*axes[0].get_legend_handles_labels(), fontsize=6, loc="lower center", ncol=3)
    fig.tight_layout(rect=(0, 0.25, 1, 1))
    return fig


def verdict_table(report: dict[str, Any]) -> pd.DataFrame:
    """One row per verdict (multiclass: per class): the criterion, its value and interval."""
    rows = []
    for name, result in report["audits"].items():
        blocks = [("", result)] if report["task"] == "binary" else []
        blocks += [(c, b) for c, b in result.get("classes", {}).items()]
        for label, block in blocks:
            for criterion, found in block["verdicts"].items():
                low, high = found["interval"] or (None, None)
                rows.append({
                    "audit": name, "class": label, "criterion": criterion,
                    "rule": found["rule"], "value": found["value"], "lower": low, "upper": high,
                    "verdict": found["verdict"], "conclusive": found["conclusive"],
                })  # fmt: skip
    columns = ["audit", "class", "criterion", "rule", "value", "lower", "upper", "verdict"]
    return pd.DataFrame(rows, columns=[*columns, "conclusive"])


def write_plots(report: dict[str, Any], folder: Path) -> None:
    """Per-group CSVs (for `dvc plots`) and, under figures/, one figure per audit."""
    from pipeline.plots import save_figure

    write_csv(folder / "verdicts.csv", verdict_table(report))
    frames = plot_frames(report)
    for metric, frame in frames.items():
        write_csv(folder / f"{metric}.csv", frame.drop(columns=["audit", "overall"]))
    for name in report["audits"]:
        safe = re.sub(r"[^\w.-]", "_", name)
        save_figure(audit_figure(name, frames), folder / "figures" / f"{safe}.png")
    table = pd.DataFrame(report.get("mitigation", {}).get("table", []))
    if len(table):
        write_csv(folder / "mitigation.csv", table)
        save_figure(mitigation_figure(table), folder / "figures" / "mitigation.png")


# ---------------------------------------------------------------- stage


def main() -> None:
    config = load_config()
    settings = config.section(FairnessConfig, "fairness")
    schema = read_schema(config.paths.schema)
    predictions = pd.read_parquet(config.paths.predictions)
    report, metrics = audit(predictions, schema, settings, config.seed)
    if settings.mitigation:
        report["mitigation"] = compare_mitigations(config, schema, settings)
    folder = Path(config.paths.fairness_plots)
    folder.mkdir(parents=True, exist_ok=True)
    write_plots(report, folder)
    write_json(config.paths.fairness, report)
    write_json(config.paths.fairness_metrics, metrics)
    print(f"fairness: {report['status']}")


if __name__ == "__main__":
    run_stage(main)
