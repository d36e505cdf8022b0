"""The model card states the committed Adult run's own numbers (reports/*.json as oracle), leaves
what a run cannot know as questions for the author, keeps hostile names as text in HTML and
Markdown, renders in Chromium with its sections and questions, and is the same bytes twice."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import markdown_it
import sklearn
from browser import rendered_dom
from helpers import ROOT

from pipeline.io import read_json
from pipeline.report.card import card_markdown, card_section
from pipeline.report.card_blocks import AUTHOR, Settings
from pipeline.report.datasheet import datasheet_section
from pipeline.report.markup import Page
from pipeline.report.run import Run

HOSTILE = "<script>alert(1)</script> $x$ | pipe | \u202eevil"


def hostile(run: Run) -> Run:
    """The run with a hostile dataset name, feature name and group label."""
    schema = replace(run.schema, numeric=(HOSTILE, *run.schema.numeric[1:]))
    audit = run.fairness.audit("sex")
    groups = (replace(audit.groups[0], label=HOSTILE), *audit.groups[1:])
    audit = replace(audit, comparison=replace(audit.comparison, groups=groups))
    audits = tuple(audit if a.name == "sex" else a for a in run.fairness.audits)
    first, *rest = run.explain.importances
    explain = replace(run.explain, importances=(replace(first, name=HOSTILE), *rest))
    return replace(run, provenance=replace(run.provenance, dataset=HOSTILE), schema=schema,
                   fairness=replace(run.fairness, audits=audits), explain=explain)  # fmt: skip


def table_rows(markdown: str, after: str) -> list[list[str]]:
    """The cells of the first Markdown table after the line `after`."""
    lines = markdown[markdown.index(after) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| "))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_the_card_states_the_runs_numbers(adult: tuple[Run, Settings]) -> None:
    run, settings = adult
    card = card_markdown(run, settings)
    metrics = read_json(ROOT / "reports/metrics.json")
    accuracy = [r for r in table_rows(card, "### Metrics") if r[0] == "accuracy"]
    bounds = f"{metrics['test/accuracy_low']:.4f} to {metrics['test/accuracy_high']:.4f}"
    assert accuracy == [["accuracy", f"{metrics['test/accuracy']:.4f}", bounds]]
    assert accuracy[0][1:] == ["0.8768", "0.8711 to 0.8823"]
    assert f"Measured on {metrics['test/n_rows']} held-out test rows" in card
    fairness = read_json(ROOT / "reports/fairness.json")["audits"]["sex"]["verdicts"]
    rows = {r[0]: r for r in table_rows(card, "Audit sex:")}
    assert set(rows) == set(fairness)
    for criterion, found in fairness.items():
        low, high = found["interval"]
        assert rows[criterion][1:3] == [f"{found['value']:.4f}", f"{low:.4f} to {high:.4f}"]
        assert rows[criterion][4].startswith(found["verdict"])
        assert ("interval crosses" in rows[criterion][4]) == (not found["conclusive"])
    assert rows["demographic_parity_ratio"][4] == "fail (conclusive)"
    sex = card[card.index("Audit sex:") :]
    groups = {r[0]: r[1] for r in table_rows(sex, "| group | test rows")}
    assert groups == {"Female": "4057", "Male": "8154"}
    params = dict(table_rows(card, "The estimator's parameters"))
    assert params["max_iter"] == "200" and params["early_stopping"] == "false"
    assert params["random_state"] == str(run.seed) == "42"
    assert "- **Estimator**: sklearn.ensemble.HistGradientBoostingClassifier" in card
    assert f"- **scikit-learn**: {sklearn.__version__}" in card
    assert "| sex | relationship | cramers_v_corrected | 0.6462 |" in card
    assert "kept out of the inputs (features.include_sensitive: false)" in card
    assert "6 fairness criteria fail conclusively" in card
    assert str(ROOT) not in card and "/work" not in card


def test_questions_for_the_author_and_the_explain_results(adult: tuple[Run, Settings]) -> None:
    run, settings = adult
    card = card_markdown(run, settings)
    parts = re.split(r"^### ", card, flags=re.M)[1:]
    asked = {p.splitlines()[0] for p in parts if f"> **{AUTHOR}**" in p}
    assert {"Model details", "Intended use", "Factors", "Ethical considerations"} <= asked
    assert "> - Primary intended users: who will use its predictions" in card
    explained = read_json(ROOT / "reports/explain.json")
    features = [i for i in explained["importances"] if i["kind"] == "feature"]
    top = min(features, key=lambda i: i["rank"])
    assert table_rows(card, "Permutation importance")[0] == [
        top["name"], f"{top['mean']:.4f}", f"{top['low']:.4f} to {top['high']:.4f}"
    ]  # fmt: skip
    assert top["name"] == "marital-status"
    parity = [s for s in explained["shifts"] if s["sensitive"] == "sex"
              and s["disparity"] == "demographic_parity_difference"]  # fmt: skip
    driver = max(parity, key=lambda s: s["change"])
    assert [r for r in table_rows(card, "What drives a disparity") if r[0] == "sex"][0] == [
        "sex", driver["feature"], f"{driver['change']:.4f}",
        f"{driver['low']:.4f} to {driver['high']:.4f}",
    ]  # fmt: skip
    page = Page("t")
    card_section(page, run, settings)
    html = page.documents()[0]
    assert html.count('<div class="summary questions"><p><b>To be answered by the author:') == 7


def test_hostile_names_stay_text(adult: tuple[Run, Settings]) -> None:
    run, settings = adult
    bad = hostile(run)
    page = Page("t")
    card_section(page, bad, settings)
    html = page.documents()[0]
    assert "<script>alert" not in html and "\u202e" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x$ | pipe | &lt;U+202E&gt;evil" in html
    card = card_markdown(bad, settings)
    assert "\u202e" not in card and re.search(r"(?<!\\)<script>", card) is None
    escaped = "\\<script>alert(1)\\</script> \\$x\\$ \\| pipe \\| \\<U+202E>evil"
    assert escaped in card
    assert table_rows(card, "Permutation importance")[0][0] == escaped
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(card)
    assert "<script>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x$ | pipe | &lt;U+202E&gt;evil" in rendered
    # the hostile group keeps its row whole: as many cells as the table has columns
    sizes = table_rows(card, "| audit | group |")
    assert ["sex", escaped, "4057", "yes"] in sizes
    assert {len(r) for r in sizes} == {4}


def test_the_card_is_the_same_bytes_twice(adult: tuple[Run, Settings]) -> None:
    run, settings = adult
    assert card_markdown(run, settings) == card_markdown(run, settings)

    def page() -> str:
        built = Page("t")
        card_section(built, run, settings)
        return built.documents()[0]

    assert page() == page()


def test_chromium_shows_the_sections_and_their_questions(
    adult: tuple[Run, Settings], tmp_path: Path
) -> None:
    run, settings = adult
    page = Page("t")
    card_section(page, hostile(run), settings)
    datasheet_section(page, hostile(run), settings)
    path = tmp_path / "index.html"
    path.write_text(page.documents()[0], encoding="utf-8")
    dom = rendered_dom(path)
    for anchor in ("model-card", "model-card-intended-use", "model-card-quantitative-analyses",
                   "datasheet", "datasheet-motivation", "datasheet-missing-values"):  # fmt: skip
        assert f'<section id="{anchor}">' in dom
        assert f'<a href="#{anchor}">' in dom
    boxes = re.findall(r'<div class="summary questions">(.*?)</div>', dom, flags=re.S)
    assert len(boxes) == 7 + 4  # the card's and the datasheet's (Adult's motivation is known)
    assert all(box.startswith(f"<p><b>{AUTHOR}</b></p><ul><li>") for box in boxes)
    assert "<script>alert" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x$ | pipe | &lt;U+202E&gt;evil" in dom
