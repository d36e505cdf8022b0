"""The report's privacy section, from a result the privacy package computed: every assessment's
numbers and plain words, the attack per group, hostile column and group names kept as text in
Chromium, the figure found in its folder, what was not assessed, and the summary's line."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
from browser import rendered_dom

from pipeline.plots import save_figure
from pipeline.privacy.figures import FIGURE, privacy_figure
from pipeline.privacy.identify import reidentification
from pipeline.privacy.membership import membership_attack
from pipeline.privacy.result import PrivacyResult
from pipeline.report.markup import Page
from pipeline.report.privacy import CAVEAT, privacy, summary_facts

HOSTILE = "<script>alert(1)</script>$x^$"
GROUP = "<b>sex</b>"


def result() -> PrivacyResult:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "age": rng.integers(17, 90, 600), HOSTILE: rng.choice(["a", "b"], 600),
        "income": rng.integers(0, 2, 600),
    })  # fmt: skip
    assessments = []
    for bands in (None, {"age": [30, 50]}):
        found = reidentification(frame, ["age", HOSTILE], ["income"], bands, ["income"])
        assessments.append(found.to_json() | {"words": found.plain_words()})
    members, nonmembers = rng.exponential(0.2, 400), rng.exponential(0.3, 400)
    groups = {GROUP: (rng.choice([GROUP, "y"], 400), rng.choice([GROUP, "y"], 400))}
    attack = membership_attack(members, nonmembers, groups, n_boot=100, ci_level=0.95, seed=1,
                               max_rows=400, min_group_size=30)  # fmt: skip
    membership = attack.to_json() | {"words": attack.summary()}
    return PrivacyResult(assessments, membership, [])


def test_the_section_shows_both_assessments_and_the_attack_with_names_as_text(
    tmp_path: Path,
) -> None:
    found = result()
    plots = tmp_path / "plots"
    save_figure(privacy_figure(found), plots / FIGURE)
    page = Page("t")
    privacy(page, found, plots)
    html, markdown = page.documents()
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    dom = rendered_dom(tmp_path / "index.html")
    assert "<script>alert" not in dom and "<b>sex</b>" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;$x^$" in dom and "&lt;b&gt;sex&lt;/b&gt;" in dom
    assert dom.count("<img ") == 1 and CAVEAT in dom
    exact, banded = found.reidentification
    assert f"<td>{exact['k']}</td>" in dom and f"{exact['share_unique']:.1%}" in dom
    assert f"age (bands), {HOSTILE}".replace("<", "&lt;").replace(">", "&gt;") in dom
    assert banded["share_unique"] < exact["share_unique"]  # bands merge classes
    for words in [exact["words"], *found.membership["words"]]:  # type: ignore[index]
        assert escape(words.split(":")[0], quote=False) in dom
    for group in found.membership["groups"][GROUP]:  # type: ignore[index]
        auc = group["auc"]
        assert f"<td>{auc['value']:.4f} ({auc['low']:.4f} to {auc['high']:.4f})</td>" in dom


def test_what_was_not_assessed_is_said_and_the_summary_names_k_and_the_auc() -> None:
    page = Page("t")
    reason = "re-identification: the dataset names no quasi-identifiers"
    privacy(page, PrivacyResult([], None, [reason]), Path("nowhere"))
    markdown = page.documents()[1]
    assert f"Not assessed: {reason}." in markdown and "<img" not in page.documents()[0]
    assert summary_facts(PrivacyResult([], None, [reason])) == []
    (fact,) = summary_facts(found := result())
    exact = found.reidentification[0]
    assert fact.text.startswith(f"k = {exact['k']}, {exact['share_unique']:.1%} of the training")
    assert "membership inference AUC 0." in fact.text
