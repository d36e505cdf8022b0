"""The report's explain section: importance, groups, disparity drivers and partial dependence from
an explain result, hostile feature and attribute names kept as text in Chromium, figures found
only inside the plots folder, and the summary's lines from the same numbers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from browser import rendered_dom

from pipeline.explain.figures import importance_figure
from pipeline.explain.result import (
    DISPARITY_CAVEAT,
    IMPORTANCE_FIGURE,
    Curve,
    ExplainResult,
    Importance,
    Shift,
    dependence_figure,
    disparity_figure,
)
from pipeline.plots import save_figure
from pipeline.report.explain import explain, summary_facts
from pipeline.report.markup import Page

HOSTILE = "<script>alert(1)</script>$x^$"
SENSITIVE = "../../etc/<b>sex</b>"


def importance(name: str, rank: int, mean: float, kind: str = "feature") -> Importance:
    columns = tuple(name.split(" + "))
    return Importance(name, columns, kind, mean, 0.001, mean - 0.01, mean + 0.01, rank, 0.9, 0.8)


def result() -> ExplainResult:
    shifts = (
        Shift(SENSITIVE, "demographic_parity_difference", HOSTILE, 0.2, 0.05, 0.15, 0.1, 0.2, 0.75),
        Shift(SENSITIVE, "demographic_parity_difference", "age", 0.2, 0.21, -0.01, -0.02, 0.0,
              -0.05),
    )  # fmt: skip
    return ExplainResult(
        task="binary", metric="roc_auc", test_rows=30000, rows=20000, n_repeats=5, n_boot=200,
        ci_level=0.95, group_threshold=0.5,
        importances=(importance(HOSTILE, 1, 0.09), importance("age", 2, 0.03),
                     importance(f"age + {HOSTILE}", 1, 0.12, "group")),
        shifts=shifts, shifts_note=None,
        curves=(Curve(HOSTILE, "numeric", dependence_figure(HOSTILE), "3 rows above the grid"),
                Curve("age", "numeric", "../../../outside.png", None)),
        dependence_rows=1000,
        disparity_figures={SENSITIVE: disparity_figure(SENSITIVE)},
    )  # fmt: skip


def draw(found: ExplainResult, folder: Path) -> None:
    rows = [i.to_json() for i in found.importances]
    for name in (IMPORTANCE_FIGURE, found.curves[0].figure, *found.disparity_figures.values()):
        assert name is not None
        save_figure(importance_figure(rows, found.metric), folder / name)


def test_the_section_shows_every_number_and_keeps_hostile_names_as_text(tmp_path: Path) -> None:
    found = result()
    plots = tmp_path / "plots"
    draw(found, plots)
    (tmp_path / "outside.png").write_bytes(b"not to be embedded")
    page = Page("t")
    explain(page, found, plots)
    html, markdown = page.documents()
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    dom = rendered_dom(tmp_path / "index.html")
    assert "<script>alert" not in dom and "<b>sex</b>" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;$x^$" in dom
    assert dom.count("<img ") == 3  # importance, one dependence curve, one disparity figure
    assert "Figure not shown: its recorded name '../../../outside.png' is outside" in dom
    assert "a seeded sample of 20000 of the 30000 test rows (explain.max_rows)" in dom
    assert DISPARITY_CAVEAT in dom
    assert "<td>0.1500</td><td>0.1000 to 0.2000</td><td>75%</td>" in dom
    assert "age + &lt;script&gt;" in dom  # the group's table
    assert "\\<script>alert(1)\\</script>" in markdown


def test_the_summary_names_the_top_features_and_the_driver_of_each_gap() -> None:
    facts = summary_facts(result())
    assert [f.label for f in facts] == ["Relies most on", f"Carries the {SENSITIVE} gap"]
    assert facts[0].text.startswith(f"{HOSTILE} (0.0900, 0.0800 to 0.1000), age (0.0300")
    said = f"0.1500 of the 0.2000 demographic parity difference goes away when {HOSTILE} is "
    assert facts[1].text.startswith(said + "shuffled (0.1000 to 0.2000)")
    # a gap that no feature narrows names no driver
    widening = tuple(replace(s, change=-0.01) for s in result().shifts)
    assert len(summary_facts(replace(result(), shifts=widening))) == 1


def test_a_task_without_disparities_says_why(tmp_path: Path) -> None:
    note = "No disparity attribution: no sensitive attribute is configured (dataset.sensitive)."
    found = replace(result(), shifts=(), shifts_note=note, disparity_figures={}, curves=())
    page = Page("t")
    explain(page, found, tmp_path)
    markdown = page.documents()[1]
    assert note in markdown and "Partial dependence" not in markdown
