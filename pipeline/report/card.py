"""A model card (Mitchell et al. 2019, "Model Cards for Model Reporting") filled from the run:
the model as trained, its test metrics with intervals and against the baselines, the data it was
trained and tested on, the fairness verdicts and proxies. What a run cannot know (intended use,
users, ethical review, consent) is left as questions marked for the author."""

from __future__ import annotations

from pipeline.data.features import SCALINGS
from pipeline.environment import versions
from pipeline.report.card_blocks import Settings, entries, names, questions, shown
from pipeline.report.card_fairness import analyses, relies_on
from pipeline.report.markup import Page, table
from pipeline.report.run import Run
from pipeline.report.sections import positive_words, span, standing
from pipeline.report.summary import plural
from pipeline.report.verdicts import tally

HEADING = "Model card"
INTRO = (
    "A model card (Mitchell et al., 2019) filled from this run's files. Every number comes from "
    "the run; what the run cannot know is left as questions marked \u201cTo be answered by the "
    "author\u201d."
)


def details(page: Page, run: Run, settings: Settings) -> None:
    model = settings.model
    page.subsection("Model details")
    entries(page, [
        ("Model", run.model),
        ("Estimator", model.estimator),
        ("Task", f"{run.task}{positive_words(run.schema.positive_label)}"),
        ("Target", run.schema.target),
        ("Seed", str(run.seed)),
        ("scikit-learn", versions()["scikit-learn"]),
    ])  # fmt: skip
    rows = [{"parameter": k, "value": v} for k, v in sorted(model.params.items())]
    if rows:
        page.paragraph("The estimator's parameters as trained (params/model/):")
        page.add(table([{**r, "value": shown(r["value"])} for r in rows],
                      ["parameter", "value"]))  # fmt: skip
    questions(page, [
        "Who developed the model, and whom to contact with questions about it?",
        "Which version of the model is this, and under which license is it shared?",
        "How should it be cited?",
    ])  # fmt: skip


def criteria(n: int) -> str:
    """`1 fairness criterion fails`, `3 fairness criteria fail`."""
    return f"{n} fairness criterion fails" if n == 1 else f"{n} fairness criteria fail"


def predicts(run: Run) -> str:
    schema = run.schema
    label = schema.positive_label
    positive = "" if label is None else f" (positive class: {label})"
    return (
        f"{schema.target}{positive} from "
        f"{plural(len(schema.features), 'feature')} of the {run.provenance.dataset} data"
    )


def intended_use(page: Page, run: Run) -> None:
    page.subsection("Intended use")
    page.paragraph(f"The run knows only what the model predicts: {predicts(run)}.")
    questions(page, [
        "Primary intended uses: which decision or task is the model for?",
        "Primary intended users: who will use its predictions, and with what training?",
        "Out-of-scope uses: which uses must it not be put to (for example, decisions about a "
        "single person without human review, or populations unlike the training data)?",
    ])  # fmt: skip


def factors(page: Page, run: Run) -> None:
    page.subsection("Factors")
    schema = run.schema
    if not schema.sensitive:
        page.paragraph(
            "No sensitive attribute is configured (dataset.sensitive is empty), so no group "
            "is audited; to audit a column, run dvc exp run -S 'dataset.sensitive=[<column>]'."
        )
    else:
        inputs = [n for n in schema.sensitive if n in schema.features]
        seen = (
            f"model inputs: {names(inputs)}"
            if inputs
            else "none of them is a model input "
            "(features.include_sensitive: false), though proxies can carry them"
        )
        audits = names([a.name for a in run.fairness.audits])
        page.paragraph(
            f"Sensitive attributes audited: {names(list(schema.sensitive))} (audits: "
            f"{audits}); {seen}. Group sizes on the {run.fairness.n_rows} test rows:"
        )
        rows = [
            {"audit": a.name, "group": g.label, "test rows": g.count,
             "in the verdicts": "yes" if g.eligible else "no: " + "; ".join(g.excluded_because)}
            for a in run.fairness.audits for g in a.groups
        ]  # fmt: skip
        page.add(table(rows, ["audit", "group", "test rows", "in the verdicts"]))
    questions(page, [
        "Which other groups matter for the intended use (for example age, region, language or "
        "disability) that the data does not record or the audit does not cover?",
        "Where will the inputs come from when the model is used, and do they differ from these "
        "data (instruments, forms, time, place)?",
    ])  # fmt: skip


def metrics(page: Page, run: Run) -> None:
    page.subsection("Metrics")
    settings = run.evaluate
    method = "BCa" if settings.ci_method == "bca" else "percentile"
    n_test = run.metrics.value("test", "n_rows")
    page.paragraph(
        f"Measured on {n_test} held-out test rows. Each interval is a "
        f"{settings.ci_level:.0%} {method} bootstrap interval over the test rows "
        f"({settings.n_boot} replicates)."
    )
    listed = [n for n in run.metrics.names if n != "n_rows"]
    rows = [{"metric": n, "test": run.metrics.value("test", n),
             "interval": span(run.metrics.interval("test", n))} for n in listed]  # fmt: skip
    page.add(table(rows, ["metric", "test", "interval"]))
    for baseline in settings.baselines:
        versus = f"model_minus_{baseline}"
        rows = [
            {"metric": n, "baseline": run.baselines.value(baseline, n),
             "model minus baseline": run.baselines.value(versus, n),
             "difference interval": span(run.baselines.interval(versus, n)),
             "model is": standing(n, run.baselines.interval(versus, n))}
            for n in listed if run.baselines.value(baseline, n) is not None
        ]  # fmt: skip
        if rows:
            page.paragraph(f"Against the {baseline} baseline (paired bootstrap of the difference):")
            page.add(table(rows, ["metric", "baseline", "model minus baseline",
                                 "difference interval", "model is"]))  # fmt: skip
    questions(page, [
        "Which metric matters for the intended use, and which value is good enough?",
        "Which error costs more in this use (a false positive or a false negative), and should "
        "the decision threshold move accordingly?",
    ])  # fmt: skip


def evaluation_data(page: Page, run: Run, settings: Settings) -> None:
    page.subsection("Evaluation data")
    split = settings.split
    stratified = (
        f"stratified by {run.schema.target}" if split.stratifies(run.task) else "not stratified"
    )
    how = (
        "the source's own train/test partition (dataset.official_split)"
        if settings.official_split
        else f"a seeded random split (split.test_size {split.test_size}, {stratified}, "
        f"seed {run.seed})"
    )
    page.paragraph(
        f"{run.metrics.value('test', 'n_rows')} rows held out from the "
        f"{run.provenance.dataset} data ({run.provenance.source}) by {how}; the model never "
        "saw them in training."
    )
    if run.crossval.folds:
        page.paragraph(
            f"Also {run.crossval.folds}-fold cross-validation "
            f"({plural(run.crossval.repeats, 'repeat')}) on the training split: see the "
            "cross-validation section."
        )
    questions(page, [
        "Do the people or cases the model will meet look like these test rows? If not, "
        "evaluate it on data from that population before use.",
    ])  # fmt: skip


def training_data(page: Page, run: Run, settings: Settings) -> None:
    page.subsection("Training data")
    schema, features = run.schema, settings.features
    sensitive = list(schema.sensitive)
    if not sensitive:
        kept = "No sensitive attribute is named."
    elif features.include_sensitive:
        kept = f"The sensitive attributes {names(sensitive)} are model inputs "
        kept += "(features.include_sensitive: true)."
    else:
        kept = f"The sensitive attributes {names(sensitive)} are kept out of the inputs "
        kept += "(features.include_sensitive: false) and used only to audit."
    entries(page, [
        ("Rows", f"{run.metrics.value('train', 'n_rows')} rows of the {run.provenance.dataset} "
         "data, the rest of the split"),
        ("Numeric features", names(list(schema.numeric))),
        ("Categorical features", names(list(schema.categorical))),
        ("Dropped columns (features.drop)", names(list(features.drop))),
        ("Preprocessing", f"inside the fitted pipeline, fitted on these rows only: numeric "
         f"columns {SCALINGS[features.scaling]} (features.scale), "
         f"categories rarer than {features.min_frequency} rows grouped "
         "(features.min_frequency)"),
    ])  # fmt: skip
    page.paragraph(f"{kept} The datasheet describes the data as a whole.")


def ethics(page: Page, run: Run) -> None:
    page.subsection("Ethical considerations")
    found = tally(run.fairness)
    said = []
    if run.schema.sensitive:
        said.append(f"The data record sensitive attributes ({names(list(run.schema.sensitive))}).")
    if found.conclusive_fails:
        said.append(f"{criteria(len(found.conclusive_fails))} conclusively: the model's "
                    "errors or selections differ between groups by more than sampling "
                    "noise.")  # fmt: skip
    if run.correlation.flagged_proxies:
        flagged = sorted({p.feature for p in run.correlation.flagged_proxies})
        said.append(f"Features that carry a sensitive attribute: {names(flagged)}.")
    for words in said:
        page.paragraph(words)
    questions(page, [
        "Was this use reviewed for ethics, and by whom?",
        "Did the people in the data consent to this use, and does the data's license allow it?",
        "What harm can a wrong prediction do, and to whom? Which mitigations are in place?",
    ])  # fmt: skip


def caveats(page: Page, run: Run) -> None:
    page.subsection("Caveats and recommendations")
    found = tally(run.fairness)
    said = [
        "The intervals cover another test sample from the same population only: not other "
        "training data, another time or place, or another population."
    ]
    if found.inconclusive_fails:
        said.append(f"{criteria(len(found.inconclusive_fails))} inconclusively: more test "
                    "rows (split.test_size) or larger groups would settle "
                    "them.")  # fmt: skip
    small = [f"{a.name}: {g.label}" for a in run.fairness.audits for g in a.groups
             if not g.eligible]  # fmt: skip
    if small:
        said.append(f"Groups too small for the verdicts: {names(small)}.")
    if run.warnings():
        said.append(f"{plural(run.warnings(), 'data warning')} from ingest and validation.")
    if leaks := [leak.column for leak in run.correlation.leakage.leaks]:
        said.append(f"Near-copies of the target: {names(leaks)}; drop them with features.drop.")
    for words in said:
        page.paragraph(words)
    questions(page, ["Which recommendations should users of the model follow?"])


def card_section(
    page: Page,
    run: Run,
    settings: Settings,
    heading: str = HEADING,
) -> None:
    """The model card as a section of `page`, its parts as subsections."""
    page.section(heading, INTRO)
    details(page, run, settings)
    intended_use(page, run)
    factors(page, run)
    metrics(page, run)
    evaluation_data(page, run, settings)
    training_data(page, run, settings)
    analyses(page, run)
    relies_on(page, run)
    ethics(page, run)
    caveats(page, run)


def card_markdown(
    run: Run,
    settings: Settings,
) -> str:
    """The model card alone, as Markdown (reports/model_card.md)."""
    page = Page(HEADING)
    card_section(page, run, settings, heading=f"{HEADING} of this run")
    return page.documents()[1]


__all__ = ["Settings", "card_markdown", "card_section"]
