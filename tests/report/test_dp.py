"""The report's differential privacy section (pipeline/report/dp.py), from hand-built results:
not run when off, the runs and per-group tables, the group whose accuracy falls most at the
smallest epsilon, names kept as text, the figure found in its folder, and the summary's line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.dp.figures import FIGURE, dp_figure
from pipeline.dp.result import OFF, DpResult, DpRun
from pipeline.plots import save_figure
from pipeline.report.dp import HEADING, caveat, cost_words, dp_section, summary_facts
from pipeline.report.markup import Page

HOSTILE = "<b>men</b> $x$"


def estimate(value: float, low: float, high: float) -> dict:
    return {"value": value, "interval": [low, high]}


def run(epsilon: float | None, accuracy: float, women: float, men: float, few: float) -> DpRun:
    """One run audited by sex: women, men (a hostile name) and a group too small to compare."""
    groups = [
        {"label": "women", "count": 400, "eligible": True,
         "accuracy": estimate(women, women - 0.04, women + 0.04)},
        {"label": HOSTILE, "count": 350, "eligible": True,
         "accuracy": estimate(men, men - 0.04, men + 0.04)},
        {"label": "few", "count": 6, "eligible": False, "accuracy": estimate(few, 0.1, 1.0)},
    ]  # fmt: skip
    disparities = {
        "demographic_parity_difference": estimate(0.1, 0.05, 0.15),
        "equalized_odds_difference": {"value": None, "interval": None, "undefined": "why"},
    }
    audits = [{"name": "sex", "disparities": disparities, "groups": groups}]
    return DpRun(epsilon, 2250, 0, 2 if epsilon else 0, estimate(accuracy, accuracy - 0.02,
                 accuracy + 0.02), audits)  # fmt: skip


def result() -> DpResult:
    """Real rows, then epsilon 4 (men fall more) and epsilon 0.5 (women fall much more), listed
    out of order; the small group falls most of all but is not compared."""
    runs = [
        run(None, 0.84, 0.9, 0.85, 0.9),
        run(4.0, 0.82, 0.88, 0.75, 0.2),
        run(0.5, 0.7, 0.6, 0.82, 0.1),
    ]
    guarantee = {"epsilons": [4.0, 0.5], "releases": 1, "delta": 1e-8,
                 "unit": "one row of the training split", "mechanism": "MST",
                 "public": "the edges"}  # fmt: skip
    return DpResult("2 private releases", guarantee, runs)


def test_an_off_result_says_not_run_and_gives_no_summary_line() -> None:
    page = Page("t")
    dp_section(page, DpResult(OFF), Path("nowhere"))
    html, markdown = page.documents()
    assert f"## {HEADING}\n\nNot run (off: dp.epsilons is empty;" in markdown
    assert "<img" not in html and "<table" not in html
    assert summary_facts(DpResult(OFF)) == []


def test_the_group_that_falls_most_at_the_smallest_epsilon_is_named() -> None:
    (words,) = cost_words(result().runs)
    assert words.startswith(
        "By sex, at epsilon = 0.5: accuracy fell most for women (0.9000 to 0.6000) and least "
        f"for {HOSTILE} (0.8500 to 0.8200)."
    )
    # one eligible group: nothing to compare
    runs = result().runs
    for one in runs:
        one.audits[0]["groups"][1]["eligible"] = False
    assert cost_words(runs) == []


def test_the_section_shows_the_runs_the_groups_and_the_figure(tmp_path: Path) -> None:
    found = result()
    plots = tmp_path / "plots"
    save_figure(dp_figure(found), plots / FIGURE)
    page = Page("t")
    dp_section(page, found, plots)
    html, markdown = page.documents()
    assert html.count("<img ") == 1 and caveat(1) in markdown
    assert "epsilon in 4, 0.5 and delta = 1e-08, the unit being one row of the training" in html
    for name in ("real rows (no privacy)", "private, epsilon = 4", "private, epsilon = 0.5"):
        assert name in html
    assert "0.8400 (0.8200 to 0.8600)" in html and "0.7000 (0.6800 to 0.7200)" in html
    assert "0.1000 (0.0500 to 0.1500)" in html  # a disparity; the undefined one is n/a
    assert "demographic parity difference (sex)" in html and "n/a" in html
    assert "4 missing feature values" in markdown and "0 rows without a target" in markdown
    assert "accuracy fell most for women" in markdown
    # the per-group table: each group's accuracy in every run, the hostile name as text
    assert "Test accuracy per group of sex:" in markdown
    assert "<b>men</b>" not in html and "&lt;b&gt;men&lt;/b&gt;" in html
    assert "0.6000 (0.5600 to 0.6400)" in html and "0.1000 (0.1000 to 1.0000)" in html


def test_the_summary_line_names_the_smallest_epsilon() -> None:
    (fact,) = summary_facts(result())
    assert fact.label == "Differential privacy" and fact.see == (HEADING,)
    assert fact.text == (
        "test accuracy 0.7000 (0.6800 to 0.7200) at epsilon = 0.5, against 0.8400 "
        "(0.8200 to 0.8600) with the real rows."
    )
    three = replace(result(), guarantee=result().guarantee | {"releases": 3})
    (fact,) = summary_facts(three)
    assert fact.text.startswith("test accuracy 0.7000 (0.6800 to 0.7200) (mean of 3 releases) at")


def test_the_caveat_says_what_the_intervals_cover() -> None:
    assert "the sampling of the test rows only, not the release" in caveat(1)
    assert "mean over 3 releases at its epsilon, with a Student t interval across them" in (
        caveat(3)
    )
