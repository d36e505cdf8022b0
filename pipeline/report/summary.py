"""The report's opening summary, in plain words: what is predicted from what, how well against
the baselines, which sensitive attributes are audited and whether the model sees them, the
fairness verdicts, the strongest proxy, and what to look at next. Every number comes from the
run's files (pipeline.report.run)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.report.dp import summary_facts as dp_facts
from pipeline.report.explain import summary_facts
from pipeline.report.markup import Fact, Page, number
from pipeline.report.privacy import summary_facts as privacy_facts
from pipeline.report.run import Run
from pipeline.report.sections import span, standing
from pipeline.report.verdicts import Judged, Tally, tally

# the headline metric of each task, compared with the baselines, and a second one
PRIMARY = {
    "binary": ("accuracy", "roc_auc"),
    "multiclass": ("accuracy", "balanced_accuracy"),
    "regression": ("mae", "r2"),
}
BASELINES = {
    ("majority", False): "always predicting the majority class",
    ("majority", True): "always predicting the mean",
    ("linear", False): "a logistic regression on the same features",
    ("linear", True): "a ridge regression on the same features",
}
STANDING = {
    "better": "the model is better",
    "worse": "the model is worse",
    "not distinguishable": "not distinguishable from the model",
    "n/a": "no interval to compare them",
}
LISTED = 4  # verdicts named in one line of the summary; the rest are counted
FAIRNESS, PROXIES = "Fairness", "Proxies of sensitive attributes"


def listed(items: Sequence[str], limit: int = LISTED) -> str:
    """`a; b; c`, and `; and 3 more` beyond `limit`."""
    more = f"; and {len(items) - limit} more" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def measured(run: Run, name: str) -> str:
    """`accuracy 0.8768 (95% interval 0.8706 to 0.8826)`, without an interval when none."""
    bounds = run.metrics.interval("test", name)
    within = "" if bounds is None else f" ({run.evaluate.ci_level:.0%} interval {span(bounds)})"
    return f"{name} {number(run.metrics.value('test', name))}{within}"


def against_majority(run: Run) -> str | None:
    """The model's standing against the majority baseline on the headline metric."""
    name = PRIMARY[run.task][0]
    if "majority" not in run.evaluate.baselines or run.baselines.value("majority", name) is None:
        return None
    return standing(name, run.baselines.interval("model_minus_majority", name))


def prediction(run: Run) -> Fact:
    schema = run.schema
    if run.task == "binary":
        what = f"binary, positive class: {schema.positive_label}"
    elif run.task == "multiclass":
        names = [str(label) for label in schema.labels]
        more = f", and {len(names) - 10} more" if len(names) > 10 else ""
        what = f"{len(names)} classes: {', '.join(names[:10])}{more}"
    else:
        what = "regression"
    return Fact(
        "Predicted",
        f"{schema.target} ({what}) from {plural(len(schema.features), 'feature')} "
        f"({len(schema.numeric)} numeric, {len(schema.categorical)} categorical) by "
        f"{run.model}, trained on {run.metrics.value('train', 'n_rows')} rows and tested on "
        f"{run.metrics.value('test', 'n_rows')} held-out rows.",
    )


def performance(run: Run) -> Fact:
    first, second = PRIMARY[run.task]
    compared = []
    for baseline in run.evaluate.baselines:
        found = run.baselines.value(baseline, first)
        if found is None:
            continue
        words = BASELINES.get((baseline, run.task == "regression"), f"the {baseline} baseline")
        gap = standing(first, run.baselines.interval(f"model_minus_{baseline}", first))
        compared.append(f"{number(found)} for {words} ({STANDING[gap]})")
    against = f" against {' and '.join(compared)}" if compared else ""
    lower = " (lower is better)" if run.task == "regression" else ""
    return Fact(
        "Performance on the test rows",
        f"{measured(run, first)}{lower}{against}; {measured(run, second)}.",
        ("Model performance",),
    )


def sensitive(run: Run) -> Fact:
    names = run.schema.sensitive
    if not names:
        return Fact(
            "Sensitive attributes",
            "none configured (dataset.sensitive is empty), so no fairness audit was run: this "
            "is not a pass; to audit a column, run dvc exp run -S 'dataset.sensitive=[<column>]'.",
        )
    inputs = [n for n in names if n in run.schema.features]
    others = [n for n in names if n not in inputs]
    audits = ", ".join(a.name for a in run.fairness.audits) or "none"
    one = len(names) == 1
    verb, inputs_word, them = (
        ("is", "a model input", "it") if one else ("are", "model inputs", "them")
    )
    if not inputs:
        seen = (
            f"not {inputs_word} (features.include_sensitive: false): the model never sees {them}, "
            f"though it can learn {them} through proxies"
        )
    elif not others:
        seen = f"{inputs_word} too (features.include_sensitive: true)"
    else:
        seen = f"partly model inputs: {', '.join(inputs)} {'is' if len(inputs) == 1 else 'are'}, "
        seen += f"{', '.join(others)} {'is' if len(others) == 1 else 'are'} not"
    return Fact(
        "Sensitive attributes",
        f"{', '.join(names)} {verb} audited (audits: {audits}) and {verb} {seen}.",
        (FAIRNESS,),
    )


def verdict_facts(run: Run, found: Tally) -> list[Fact]:
    result = run.fairness
    if not result.audits:
        return [Fact("Fairness", f"{result.status}.", (FAIRNESS,))]
    if result.task == "regression":
        audits = ", ".join(a.name for a in result.audits)
        words = (
            "regression has no verdict criteria; the fairness tables compare the errors and mean "
            f"predictions of the groups ({audits})."
        )
        return [Fact("Fairness", words, (FAIRNESS,))]
    if not found.assessed:
        return [Fact("Fairness", f"nothing assessed: {result.status}.", (FAIRNESS,))]
    parts = [f"{found.fails} of {found.assessed} criteria fail"]
    if found.conclusive_fails:
        parts.append(f"{len(found.conclusive_fails)} conclusively")
    if found.inconclusive_fails:
        parts.append(f"{len(found.inconclusive_fails)} only inconclusively")
    if found.fails_without_interval:
        parts.append(f"{len(found.fails_without_interval)} without an interval")
    unsure = len(found.inconclusive_passes)
    passes = f"{len(found.passes)} pass" + (f", {unsure} of them inconclusively" if unsure else "")
    facts = [Fact("Fairness verdicts", f"{', '.join(parts)}; {passes}.", (FAIRNESS,))]

    def named(label: str, judged: tuple[Judged, ...], note: str = "") -> None:
        if judged:
            text = listed([j.words() for j in judged]) + (note or ".")
            facts.append(Fact(label, text, (FAIRNESS,)))

    named("Conclusive fails", found.conclusive_fails)
    named(
        "Inconclusive fails",
        found.inconclusive_fails,
        ". Each interval crosses the threshold: this test set cannot tell these from noise.",
    )
    named("Fails without an interval", found.fails_without_interval, " (fairness.n_boot is 0).")
    return facts


def by_group(run: Run) -> Fact | None:
    """The range over the compared groups of each single attribute of the base rate (binary),
    the accuracy (multiclass) or the mean absolute error (regression)."""
    metric, label = {
        "binary": ("base_rate", f"Base rates (share of {run.schema.positive_label})"),
        "multiclass": ("accuracy_score", "Accuracy by group"),
        "regression": ("mean_absolute_error", "Mean absolute error by group"),
    }[run.task]
    ranges = []
    for audit in run.fairness.audits:
        values = [(g.metrics.get(metric), g.label) for g in audit.comparison.groups if g.eligible]
        found = [(e.value, label) for e, label in values if e is not None and e.value is not None]
        if len(audit.attributes) == 1 and len(found) >= 2:
            (low, low_group), (high, high_group) = min(found), max(found)
            ranges.append(
                f"{audit.name}: {number(low)} ({low_group}) to {number(high)} ({high_group})"
            )
    return Fact(label, "; ".join(ranges) + ".", (FAIRNESS,)) if ranges else None


def proxy(run: Run) -> Fact | None:
    result = run.correlation
    if not run.schema.sensitive or not result.proxies:
        return None
    threshold = result.config.proxy_threshold
    flagged = sorted(result.flagged_proxies, key=lambda p: -p.strength)
    if not flagged:
        ranked = [
            (p.strength, p.feature, p.strength_measure, attribute)
            for attribute, found in result.proxies.items()
            for p in found
            if p.strength is not None
        ]
        if not ranked:
            return None
        strength, feature, measure, attribute = max(ranked)
        return Fact(
            "Top proxy",
            f"none reaches correlation.proxy_threshold {threshold}; the strongest is {feature} "
            f"for {attribute} ({measure} {number(strength)}).",
            ("Correlation (training split)",),
        )
    top = flagged[0]
    if top.sensitive in run.schema.features:
        why = f"the model sees {top.sensitive} directly and through {top.feature}"
    else:
        why = f"leaving {top.sensitive} out of the inputs does not keep it from the model"
    others = len(flagged) - 1
    more = f" {plural(others, 'more feature')} reach{'es' * (others == 1)} the threshold." * bool(
        others
    )
    return Fact(
        "Top proxy",
        f"{top.feature} for {top.sensitive} ({top.strength_measure} {number(top.strength)}, "
        f"at or above correlation.proxy_threshold {threshold}): {why}.{more}",
        (PROXIES,),
    )


def next_steps(run: Run, found: Tally) -> list[Fact]:
    steps = []
    majority = against_majority(run)
    if majority in ("worse", "not distinguishable"):
        how = "is worse than" if majority == "worse" else "cannot be told apart from"
        always = BASELINES[("majority", run.task == "regression")]
        steps.append(Fact("", f"The model {how} {always} on {PRIMARY[run.task][0]}: check the "
                      "target and the features before reading the rest.",
                      ("Model performance",)))  # fmt: skip
    if leaks := [leak.column for leak in run.correlation.leakage.leaks]:
        steps.append(Fact("", f"Near-copies of the target: {', '.join(leaks)}; drop them with "
                      "features.drop.", ("Target leakage",)))  # fmt: skip
    if run.warnings():
        steps.append(Fact("", f"{plural(run.warnings(), 'data warning')} from ingest and "
                      "validation.", ("Data",)))  # fmt: skip
    if found.conclusive_fails:
        fix = (" fairness.mitigation: true compares two mitigations on the training split."
               if run.task == "binary" else "")  # fmt: skip
        words = "The conclusive fails: the groups that set them, and their sizes and base rates, "
        steps.append(Fact("", f"{words}are in the fairness tables.{fix}", (FAIRNESS,)))
    if found.inconclusive_fails:
        n = len(found.inconclusive_fails)
        them, are = ("it", "it is") if n == 1 else ("them", "they are")
        steps.append(Fact("", f"The {plural(n, 'inconclusive fail')}: more test rows "
                      f"(split.test_size) or larger groups would settle {them}; until then "
                      f"{are} neither a pass nor a proven fail.", (FAIRNESS,)))  # fmt: skip
    small = [f"{a.name}: {g.label}" for a in run.fairness.audits for g in a.groups
             if not g.eligible]  # fmt: skip
    if small:
        steps.append(Fact("", f"Groups left out of the verdicts: {listed(small, 6)} (below "
                      "fairness.min_group_size, min_positives or min_negatives, or missing).",
                      (FAIRNESS,)))  # fmt: skip
    if run.correlation.flagged_proxies:
        top = max(run.correlation.flagged_proxies, key=lambda p: p.strength)
        steps.append(Fact("", f"{top.feature} carries {top.sensitive}: a model can treat its "
                      "groups differently through it.", (PROXIES,)))  # fmt: skip
    if not steps:
        steps.append(Fact("", "Nothing above stands out; the sections below give every number "
                      "with its interval.", ()))  # fmt: skip
    return steps


def summary(page: Page, run: Run) -> None:
    """The summary section; written inside `page.opening()` once the sections exist."""
    found = tally(run.fairness)
    page.section("Summary")
    facts = [prediction(run), performance(run), sensitive(run), *verdict_facts(run, found)]
    facts += [f for f in (by_group(run), proxy(run)) if f is not None]
    facts += summary_facts(run.explain)
    facts += privacy_facts(run.privacy)
    facts += dp_facts(run.dp)
    page.facts(facts)
    page.paragraph("What to look at next:")
    page.facts(next_steps(run, found))
