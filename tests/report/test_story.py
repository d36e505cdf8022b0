"""The report tells its story on whole runs (in-process stages on few rows): the summary's numbers
are the run's files, and the page as headless Chromium renders it has the summary, a table of
contents whose links all resolve, and verdicts styled by whether their interval decides them."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import rendered_dom
from helpers import ROOT, run_stages

from pipeline.data.adult import ADULT_COLUMNS
from pipeline.io import read_json
from pipeline.text import markdown_text

pytestmark = pytest.mark.slow

QUICK = ["crossval.folds=0", "evaluate.n_boot=100", "fairness.n_boot=100",
         "correlation.random_walks=200", "correlation.null_matrices=10",
         "model=logistic_regression"]  # fmt: skip


def adult(folder: Path) -> list[str]:
    """The first 3000 rows of Adult's training file, as a user's CSV."""
    frame = pd.read_csv(ROOT / "data/adult/adult.data", header=None, names=ADULT_COLUMNS,
                        skipinitialspace=True, na_values=["?"], nrows=3000)  # fmt: skip
    frame.to_csv(folder / "data/adult.csv", index=False)
    return ["dataset.path=data/adult.csv", "dataset.target=income",
            "dataset.sensitive=[sex,race]", "dataset.positive_label='>50K'"]  # fmt: skip


def three_classes(folder: Path) -> list[str]:
    rng = np.random.default_rng(0)
    n = 900
    status = rng.choice(["married", "single"], n)
    latent = rng.normal(size=n) + (status == "married")
    grade = np.where(latent > 0.8, "high", np.where(latent > -0.2, "mid", "low"))
    x = latent + rng.normal(scale=0.5, size=n)
    pd.DataFrame({"x": x, "w": rng.normal(size=n), "status": status, "grade": grade}).to_csv(
        folder / "data/three.csv", index=False
    )
    return ["dataset.path=data/three.csv", "dataset.target=grade", "dataset.sensitive=[status]"]


def independent(folder: Path) -> list[str]:
    """600 rows in which no column says anything about the target."""
    rng = np.random.default_rng(1)
    n = 600
    pd.DataFrame({
        "a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.choice(["p", "q", "r"], n),
        "sex": rng.choice(["female", "male"], n), "y": rng.choice(["no", "yes"], n),
    }).to_csv(folder / "data/noise.csv", index=False)  # fmt: skip
    return ["dataset.path=data/noise.csv", "dataset.target=y", "dataset.sensitive=[sex]"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folders = {}
    for make in (adult, three_classes, independent):
        folder = tmp_path_factory.mktemp(make.__name__)
        (folder / "data").mkdir()
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(folder)
            run_stages(folder, ["dataset=csv", *make(folder), *QUICK])
        folders[make.__name__] = folder
    return folders


def summary_of(folder: Path) -> str:
    text = (folder / "reports/summary.md").read_text()
    return text[text.index("## Summary") : text.index("## Contents")]


def files(folder: Path) -> tuple[dict, dict, dict]:
    reports = folder / "reports"
    return tuple(
        read_json(reports / f) for f in ("metrics.json", "baselines.json", "fairness.json")
    )


def with_interval(values: dict, name: str) -> str:
    return (f"{name} {values[name]:.4f} (95% interval {values[name + '_low']:.4f} to "
            f"{values[name + '_high']:.4f})")  # fmt: skip


def standing(baselines: dict, baseline: str, name: str) -> str:
    low = baselines[f"model_minus_{baseline}/{name}_low"]
    high = baselines[f"model_minus_{baseline}/{name}_high"]
    if low <= 0 <= high:
        return "not distinguishable from the model"
    return "the model is better" if low > 0 else "the model is worse"


def verdict_counts(fairness: dict) -> str:
    rows = []
    for audit in fairness["audits"].values():
        blocks = audit["classes"].values() if "classes" in audit else [audit]
        rows += [v for block in blocks for v in block["verdicts"].values()]
    fails = [r for r in rows if r["verdict"] == "fail"]
    passes = [r for r in rows if r["verdict"] == "pass"]
    parts = [f"{len(fails)} of {len(fails) + len(passes)} criteria fail"]
    sure = sum(r["conclusive"] is True for r in fails)
    unsure = sum(r["conclusive"] is False for r in fails)
    parts += [f"{sure} conclusively"] * bool(sure) + [f"{unsure} only inconclusively"] * bool(
        unsure
    )
    open_passes = sum(r["conclusive"] is False for r in passes)
    tail = f", {open_passes} of them inconclusively" if open_passes else ""
    return f"{', '.join(parts)}; {len(passes)} pass{tail}."


def test_the_adult_summary_is_the_run_files(runs) -> None:
    folder = runs["adult"]
    summary = summary_of(folder)
    metrics, baselines, fairness = files(folder)
    schema = read_json(folder / "data/features/schema.json")
    numeric, categorical = len(schema["numeric"]), len(schema["categorical"])
    predicted = (
        f"income (binary, positive class: >50K) from {numeric + categorical} features ({numeric} "
        f"numeric, {categorical} categorical) by logistic_regression, trained on "
        f"{metrics['train/n_rows']} rows and tested on {metrics['test/n_rows']} held-out rows."
    )
    assert markdown_text(predicted) in summary
    performance = (
        f"{with_interval(metrics, 'test/accuracy').removeprefix('test/')} against "
        f"{baselines['majority/accuracy']:.4f} for always predicting the majority class "
        f"({standing(baselines, 'majority', 'accuracy')}) and {baselines['linear/accuracy']:.4f} "
        f"for a logistic regression on the same features "
        f"({standing(baselines, 'linear', 'accuracy')}); "
        f"{with_interval(metrics, 'test/roc_auc').removeprefix('test/')}."
    )
    assert markdown_text(performance) in summary
    assert "(the model is better)" in markdown_text(performance)  # 0.76 is the majority's
    assert (
        "sex, race are audited (audits: race, sex, sex_x_race) and are not model inputs" in summary
    )
    assert markdown_text(verdict_counts(fairness)) in summary
    # Adult on few rows has both kinds of fail, each named with the groups that set it
    assert "conclusively" in verdict_counts(fairness)
    assert "only inconclusively" in verdict_counts(fairness)
    sex = fairness["audits"]["sex"]
    ratio = sex["verdicts"]["demographic_parity_ratio"]
    low, high = (sex["groups"][g]["metrics"]["selection_rate"]["value"] for g in ("Female", "Male"))
    named = (
        f"sex: demographic_parity_ratio {ratio['value']:.4f} (must be >= 0.8; selection_rate "
        f"from Female ({low:.4f}) to Male ({high:.4f}))"
    )
    assert named in summary
    rates = {g: sex["groups"][g]["metrics"]["base_rate"]["value"] for g in ("Female", "Male")}
    assert f"sex: {rates['Female']:.4f} (Female) to {rates['Male']:.4f} (Male)" in summary
    proxies = read_json(folder / "reports/correlation.json")["flagged_proxies"]
    top = max(proxies, key=lambda p: p["strength"])
    strongest = f"{top['feature']} for {top['sensitive']} ({top['strength_measure']} "
    assert markdown_text(f"{strongest}{top['strength']:.4f}, at or above") in summary


def test_summaries_of_a_multiclass_run_and_of_a_run_with_nothing_to_learn(runs) -> None:
    summary = summary_of(runs["three_classes"])
    metrics, baselines, fairness = files(runs["three_classes"])
    assert "grade (3 classes: high, low, mid) from 2 features (2 numeric, 0 categorical)" in summary
    assert (
        with_interval(metrics, "test/accuracy").removeprefix("test/")
        + " against "
        + (f"{baselines['majority/accuracy']:.4f} for always predicting the majority class")
        in summary
    )
    assert verdict_counts(fairness) in summary
    assert "status is audited (audits: status) and is not a model input" in summary
    summary = summary_of(runs["independent"])
    metrics, baselines, fairness = files(runs["independent"])
    gap = standing(baselines, "majority", "accuracy")
    assert gap != "the model is better"  # nothing to learn
    majority = f"{baselines['majority/accuracy']:.4f} for always predicting the majority class"
    assert f"{majority} ({gap})" in summary
    assert (
        f"The model {'is worse than' if 'worse' in gap else 'cannot be told apart from'} "
        "always predicting the majority class on accuracy: check the target" in summary
    )
    assert verdict_counts(fairness) in summary


@pytest.mark.parametrize("name", ["adult", "three_classes", "independent"])
def test_the_rendered_page_has_its_summary_contents_and_verdict_styles(runs, name) -> None:
    dom = rendered_dom(runs[name] / "reports/index.html")
    fairness = files(runs[name])[2]
    assert dom.index('<section id="summary"><h2>Summary</h2>') < dom.index('id="contents"')
    assert dom.index('id="contents"') < dom.index('<section id="data">')
    assert re.search(r'<ul class="summary"><li><b>Predicted</b>: ', dom)
    ids = re.findall(r'\bid="([^"]+)"', dom)
    assert len(ids) == len(set(ids))
    links = re.findall(r'href="#([^"]*)"', dom)
    toc = dom[dom.index('id="contents"') : dom.index("</nav>")]
    assert len(re.findall(r'href="#', toc)) >= 8 and set(links) <= set(ids)
    assert {"data", "model-performance", "fairness"} <= set(links)
    section = dom[dom.index('<section id="fairness">') : dom.index('<section id="model-card">')]
    cells = [(css, unescape(text)) for css, text in
             re.findall(r'<td class="(verdict [^"]+)">([^<]*)</td>', section)]  # fmt: skip
    legend = 4 if fairness["task"] != "regression" else 0
    verdicts = cells[legend:]
    expected = []
    for audit in sorted(fairness["audits"]):
        found = fairness["audits"][audit]
        blocks = list(found["classes"].values()) if "classes" in found else [found]
        expected += [
            (r["verdict"], r["conclusive"]) for b in blocks for r in b["verdicts"].values()
        ]
    assert len(verdicts) == len(expected)
    kinds = {css for css, _ in verdicts}
    sure, unsure = "verdict fail conclusive", "verdict fail inconclusive"
    assert (sure in kinds) == (("fail", True) in expected)
    assert (unsure in kinds) == (("fail", False) in expected)
    for css, text in verdicts:
        assert text == {sure: "fail (conclusive)", unsure: "fail? (interval crosses the "
                        "threshold)"}.get(css, text)  # fmt: skip
    if name == "adult":
        assert sure in kinds and unsure in kinds
