"""The report's sections, one function each, in the order the page shows them."""

from __future__ import annotations

from pathlib import Path

from pipeline.correlation.result import POOL_CAGE_FIGURE, CorrelationResult
from pipeline.data.findings import ValidationResult
from pipeline.data.provenance import Provenance
from pipeline.environment import versions
from pipeline.models.result import LOSSES, CrossvalResult, EvaluateConfig, Metrics
from pipeline.report.figures import confusion, curve_figures, normalised_confusion
from pipeline.report.markup import Page, number, table
from pipeline.text import inside


def data(page: Page, provenance: Provenance, validation: ValidationResult) -> None:
    page.section(
        "Data",
        f"{provenance.rows} rows x {provenance.columns} columns from {provenance.source}. "
        f"License: {provenance.license}. Validation {validation.status} with "
        f"{len(validation.warnings) + len(provenance.warnings)} warnings.",
    )
    page.add(table([{"file": k, "sha256": v} for k, v in provenance.source_sha256.items()],
                   ["file", "sha256"]))  # fmt: skip
    found = [{"check": "ingest", "column": None, "message": m} for m in provenance.warnings]
    found += [w.to_json() for w in validation.warnings]
    if found:
        page.add(table(found, ["check", "column", "message"]))


def span(bounds: tuple[object, object] | None) -> str:
    """`0.8706 to 0.8826`, or n/a."""
    if bounds is None or None in bounds:
        return "n/a"
    return f"{number(bounds[0])} to {number(bounds[1])}"


def with_span(value: object, bounds: tuple[object, object] | None) -> str:
    """`0.8706 (0.8650 to 0.8760)`, or n/a without a value."""
    return "n/a" if value is None else f"{number(value)} ({span(bounds)})"


def performance(
    page: Page,
    task: str,
    positive: object,
    seed: int,
    metrics: Metrics,
    baselines: Metrics,
    settings: EvaluateConfig,
    plot_dir: Path,
    figures_dir: Path,
) -> None:
    n_rows = metrics.value("test", "n_rows")
    level = f"{settings.ci_level:.0%}"
    method = "BCa" if settings.ci_method == "bca" else "percentile"
    page.section(
        "Model performance",
        f"Task: {task}{positive_words(positive)}. Seed {seed}. {n_rows} test rows. Each "
        f"interval is a {level} {method} bootstrap interval over the test rows "
        f"({settings.n_boot} replicates): how much the number would move with another test "
        "sample of the same size from the same population. "
        "It does not cover retraining on other data (see cross-validation) or a population that "
        "differs from this one. Train-split numbers have no interval: the model has seen those "
        "rows, so they measure fit, not performance.",
    )
    names = [n for n in metrics.names if n != "n_rows"]
    rows = [
        {"metric": n, "test": metrics.value("test", n),
         "interval": span(metrics.interval("test", n)), "train": metrics.value("train", n)}
        for n in names
    ]  # fmt: skip
    page.add(table(rows, ["metric", "test", "interval", "train"]))
    for baseline in settings.baselines:
        versus = f"model_minus_{baseline}"
        page.subsection(f"Against the {baseline} baseline")
        page.paragraph(BASELINE_WORDS.get(baseline, "") + " " + GAP_WORDS)
        rows = [
            {"metric": n, "baseline": baselines.value(baseline, n),
             "interval": span(baselines.interval(baseline, n)),
             "model minus baseline": baselines.value(versus, n),
             "difference interval": span(baselines.interval(versus, n)),
             "model is": standing(n, baselines.interval(versus, n))}
            for n in names if baselines.value(baseline, n) is not None
            or baselines.interval(baseline, n) is not None
        ]  # fmt: skip
        columns = ["metric", "baseline", "interval", "model minus baseline",
                   "difference interval", "model is"]  # fmt: skip
        page.add(table(rows, columns))
    confusion_pair, confusion_figure = confusion(plot_dir, figures_dir)
    page.add(confusion_pair)
    shares_pair, shares_figure = normalised_confusion(plot_dir, figures_dir)
    if shares_figure is not None:  # multiclass: where each actual class's rows went
        page.paragraph(
            "The same matrix with each row divided by its actual class's test rows: the diagonal "
            "is each class's recall, the rest of a row shows which classes it is mistaken for."
        )
        page.add(shares_pair)
    figures = curve_figures(plot_dir, figures_dir)
    if shares_figure is not None:  # large matrices, each at its own size
        if figures:
            page.figures(figures)
        for path in filter(None, (confusion_figure, shares_figure)):
            page.figure(path)
        return
    figures += [confusion_figure] if confusion_figure else []
    page.figures(figures)


def positive_words(positive: object) -> str:
    """`, positive class: >50K` for a binary task (the schema's second label), else nothing."""
    return "" if positive is None else f", positive class: {positive}"


BASELINE_WORDS = {
    "majority": "The majority baseline predicts the most frequent class (the mean, for "
    "regression) for every row and scores every row alike: a model must beat it to have learnt "
    "anything.",
    "linear": "The linear baseline is a logistic regression (ridge, for regression) on the same "
    "features: a more complex model should beat it to be worth its complexity.",
}
GAP_WORDS = (
    "The difference interval comes from the same bootstrap replicates for both models (a paired "
    "bootstrap), so it is narrower than the two intervals side by side suggest. Lower is better "
    "for log loss, Brier score, MAE and RMSE."
)


def standing(name: str, bounds: tuple[object, object] | None) -> str:
    """`better`, `worse` or `not distinguishable`, from the difference interval."""
    if bounds is None or None in bounds:
        return "n/a"
    low, high = (float(b) for b in bounds)  # type: ignore[arg-type]
    if low <= 0 <= high:
        return "not distinguishable"
    higher = low > 0
    return "better" if higher != (name in LOSSES) else "worse"


def crossval(page: Page, result: CrossvalResult, metrics: Metrics) -> None:
    """Cross-validated performance on the training split, and its gap to the test numbers."""
    if result.folds == 0:
        return
    plural = "" if result.repeats == 1 else "s"
    page.section(
        "Cross-validation (training split)",
        f"{result.folds}-fold cross-validation, {result.repeats} repeat{plural}: the model is "
        "refitted on each training part and scored on the held-out part. The interval is Nadeau "
        "and Bengio's corrected resampled t, which widens the naive interval because the folds' "
        "training parts overlap. Each refit sees (k-1)/k of the training rows, so "
        "cross-validation leans slightly pessimistic. A test number far above the "
        "cross-validated one is luck of the split; far below it, a test set unlike the training "
        "data. A train number far above both is overfitting.",
    )
    rows = []
    for name, summary in sorted(result.metrics.items()):
        test = metrics.value("test", name)
        low, high = summary.low, summary.high
        rows.append({
            "metric": name, "cross-validated": summary.mean,
            "interval": span((low, high) if low is not None else None), "std": summary.std,
            "folds": summary.n_folds, "test": test, "train": metrics.value("train", name),
            "test minus cv": test - summary.mean
            if isinstance(test, float) and summary.mean is not None else None,
        })  # fmt: skip
    columns = ["metric", "cross-validated", "interval", "std", "folds", "test",
               "test minus cv", "train"]  # fmt: skip
    page.add(table(rows, columns))


def shown_figure(page: Page, folder: Path, name: str) -> None:
    """The figure a result records as `name` in `folder`; a note instead when the name resolves
    outside `folder` or the file is missing."""
    path = inside(folder, name)
    if path is None:
        page.paragraph(f"Figure not shown: its recorded name {name!r} is outside {folder}.")
    elif not path.is_file():
        page.paragraph(f"Figure not shown: {name!r} is missing from {folder}.")
    else:
        page.figure(path)


def correlation(page: Page, result: CorrelationResult, plot_dir: Path) -> None:
    strongest = result.strongest_target_association
    feature, measure = (strongest.feature, strongest.measure) if strongest else (None, None)
    page.section(
        "Correlation (training split)",
        f"Strongest association with the target: {feature} "
        f"({measure} {number(strongest.strength if strongest else None)}). Association is not "
        "causation: see the caveats below.",
    )
    top = [row.to_json() for row in result.target_associations[:10]]
    page.add(table(top, ["rank", "feature", "strength_measure", "strength", "p_value", "q_value"]))
    if result.flagged_proxies:
        page.subsection("Proxies of sensitive attributes")
        columns = ["sensitive", "feature", "strength_measure", "strength"]
        page.add(table([proxy.to_json() for proxy in result.flagged_proxies], columns))
    if leaks := [leak.to_json() for leak in result.leakage.leaks]:
        page.section("Target leakage", "These features are near-copies of the target:")
        page.add(table(leaks, sorted(leaks[0])))
    if pairs := [pair.to_json() for pair in result.confounding.pairs]:
        page.subsection("Controlling for confounders")
        page.add(table(pairs, sorted(pairs[0])))
    for name in result.figures:
        if name != POOL_CAGE_FIGURE:
            shown_figure(page, plot_dir, name)
    page.section("Spurious correlation, a worked example")
    for reading in filter(None, result.spurious.readings):
        page.paragraph(reading)
    if POOL_CAGE_FIGURE in result.figures:
        shown_figure(page, plot_dir, POOL_CAGE_FIGURE)
    if result.caveats:
        page.section("What these measures can and cannot say")
        page.items(result.caveats)


def environment(page: Page) -> None:
    """The footer: the software versions, because the environment is part of the result."""
    found = ", ".join(f"{k} {v}" for k, v in versions().items())
    page.footer(f"Environment: {found}.")
