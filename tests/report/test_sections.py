"""The report's fairness section finds figures only through the result, refuses a recorded name
that leaves the plots folder, and says when nothing was assessed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fairness.cases import audit_result, binary_case, schema, settings

from pipeline.plots import plt, save_figure
from pipeline.report.fairness import fairness as fairness_section
from pipeline.report.markup import Page


def written(folder: Path, name: str) -> None:
    figure, _ = plt.subplots(figsize=(1, 1))
    save_figure(figure, folder / name)


def test_figures_come_from_the_result_and_stay_inside_the_plots_folder(tmp_path: Path) -> None:
    plots = tmp_path / "reports" / "plots"
    result = audit_result(binary_case(2, 800), schema(), settings(n_boot=0), 0).with_figures()
    for audit in result.audits:
        written(plots, audit.figure or "")
    written(tmp_path, "outside.png")
    audits = {a.name: a for a in result.audits}
    audits["race"] = replace(audits["race"], figure="../../outside.png")  # a tampered result
    audits["sex"] = replace(audits["sex"], figure="figures/absent.png")
    page = Page("t")
    fairness_section(page, replace(result, audits=tuple(audits.values())), plots)
    document, summary = page.documents()
    assert document.count("data:image/png;base64,") == 1
    assert 'alt="sex_x_race"' in document
    refused = "Figure not shown: its recorded name &#x27;../../outside.png&#x27; is outside"
    assert refused in document
    assert "Figure not shown: &#x27;figures/absent.png&#x27; is missing from" in document
    assert "Nothing assessed" not in summary


def test_an_audit_that_assessed_nothing_says_so(tmp_path: Path) -> None:
    small = settings(n_boot=0, min_group_size=10_000)
    result = audit_result(binary_case(2, 800), schema(), small, 0)
    page = Page("t")
    fairness_section(page, result, tmp_path)
    _, summary = page.documents()
    assert "Status: nothing assessed in 3 audits" in summary
    assert summary.count("Nothing assessed: no criterion has a verdict") == 3
    assert "failed criteria" not in summary
