"""Fairness verdicts in the report: a fail whose interval crosses the threshold reads and is
styled differently from a conclusive one; group sizes, base rates and the groups that set each
disparity equal what pandas computes from the predictions."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from fairness.cases import audit_result, binary_case, schema, settings

from pipeline.fairness.estimates import Verdict
from pipeline.report.fairness import fairness as fairness_section
from pipeline.report.markup import Page
from pipeline.report.verdicts import set_by, tally, verdict_cell

ROW = re.compile(r"<tr><td>([a-z_]+)</td>(?:<td>[^<]*</td>){3}<td class=\"([^\"]+)\">([^<]+)</td>")


@pytest.fixture(scope="module")
def case():
    frame = binary_case(2, 800)
    return frame, audit_result(frame, schema(), settings(n_boot=200), 0)


def verdict(value: str | None, conclusive: bool | None) -> Verdict:
    return Verdict("demographic_parity_ratio", "between_groups", "demographic_parity_ratio >= 0.8",
                   0.5, (0.4, 0.9), value, conclusive, None if value else "no groups")  # fmt: skip


def test_each_kind_of_verdict_has_its_own_words_and_classes() -> None:
    cells = [verdict_cell(verdict(v, c)) for v, c in
             [("fail", True), ("fail", False), ("pass", True), ("pass", False), ("fail", None),
              (None, None)]]  # fmt: skip
    assert [c.text for c in cells] == [
        "fail (conclusive)", "fail? (interval crosses the threshold)", "pass (conclusive)",
        "pass? (interval crosses the threshold)", "fail (no interval)", "n/a (no groups)",
    ]  # fmt: skip
    assert [c.css for c in cells] == [
        "verdict fail conclusive", "verdict fail inconclusive", "verdict pass conclusive",
        "verdict pass inconclusive", "verdict fail no-interval", "verdict undefined",
    ]  # fmt: skip


def test_the_section_styles_each_verdict_by_its_interval(case, tmp_path: Path) -> None:
    _, result = case
    page = Page("t")
    fairness_section(page, result, tmp_path)
    document, summary = page.documents()
    assert document.count("How to read") == 0 and document.count("A verdict reads:") == 1
    for audit in result.audits:
        html = document[document.index(f"<h3>{audit.name}</h3>") :]
        html = html[: html.index("</table>")]
        shown = {name: (css, text) for name, css, text in ROW.findall(html)}
        assert len(shown) == 4
        for found in audit.verdicts:
            css, text = shown[found.criterion]
            kind = "conclusive" if found.conclusive else "inconclusive"
            assert css == f"verdict {found.verdict} {kind}"
            assert text.startswith(found.verdict + ("" if found.conclusive else "?"))
    kinds = {(v.verdict, v.conclusive) for a in result.audits for v in a.verdicts}
    assert {("fail", True), ("fail", False), ("pass", False)} <= kinds  # the case has each kind
    assert "| demographic_parity_ratio | " in summary and "fail? (interval crosses" in summary


def test_tally_counts_the_verdicts_of_the_result_file(case) -> None:
    _, result = case
    found = tally(result)
    rows = [v for audit in result.to_json()["audits"].values() for v in audit["verdicts"].values()]
    assert len(found.conclusive_fails) == sum(
        r["verdict"] == "fail" and r["conclusive"] for r in rows
    )
    assert len(found.inconclusive_fails) == sum(
        r["verdict"] == "fail" and r["conclusive"] is False for r in rows
    )
    assert len(found.passes) == sum(r["verdict"] == "pass" for r in rows)
    assert found.assessed == len(rows) == 12 and found.fails == found.assessed - len(found.passes)
    assert [j.audit for j in found.conclusive_fails] == ["sex", "sex", *["sex_x_race"] * 4]


def test_groups_and_extremes_equal_pandas(case, tmp_path: Path) -> None:
    frame, result = case
    page = Page("t")
    fairness_section(page, result, tmp_path)
    document = unescape(page.documents()[0])
    for name in ("sex", "race"):
        by_group = frame.groupby(name).agg(rows=("y_true", "size"), base=("y_true", "mean"),
                                           selected=("y_pred", "mean"))  # fmt: skip
        section = document[document.index(f"<h3>{name}</h3>") :]
        for label, row in by_group.iterrows():
            cells = (
                f"<tr><td>{label}</td><td>{int(row['rows'])}</td><td>yes</td><td>{row['base']:.4f}"
            )
            assert cells + f"</td><td>{row['selected']:.4f}</td>" in section, (name, label)
        low, high = by_group["selected"].idxmin(), by_group["selected"].idxmax()
        expected = (f"selection_rate from {low} ({by_group['selected'][low]:.4f}) to {high} "
                    f"({by_group['selected'][high]:.4f})")  # fmt: skip
        assert set_by(result.audit(name).comparison, "demographic_parity_ratio") == expected
        assert "<td>demographic_parity_difference</td>" in section and expected in section


def test_equalized_odds_is_set_by_the_rate_that_gives_its_value(case) -> None:
    _, result = case
    comparison = result.audit("sex").comparison
    table = comparison.disparities["between_groups"]
    worse = max(("equal_opportunity", "false_positive_rate"),
                key=lambda c: table[f"{c}_difference"].value or 0)  # fmt: skip
    rate = {"equal_opportunity": "true_positive_rate"}.get(worse, worse)
    assert set_by(comparison, "equalized_odds_difference").startswith(f"{rate} from ")
    assert set_by(comparison, "equalized_odds_difference_mean") == ""
