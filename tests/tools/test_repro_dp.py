"""check-repro's exception for the dp stage: two runs whose private releases differ pass when
everything else means the same, and fail, by name, when the real model, the audits' groups or the
report outside its dp section differ."""

import copy
import json
from pathlib import Path

import yaml

from tools.repro_dp import dp_differences, without_dp

PATHS = {
    "dp": "reports/dp.json",
    "dp_metrics": "reports/dp_metrics.json",
    "dp_plots": "reports/plots/dp",
    "report_html": "reports/index.html",
    "report_summary": "reports/summary.md",
}
HTML = (
    "<ul><li><b>Privacy</b>: k = 1.</li><li><b>Differential privacy</b>: test accuracy {a}.</li>"
    '</ul>\n<section id="privacy"><h2>Privacy</h2>\n</section>\n'
    '<section id="differentially-private-training"><h2>Differentially private training</h2>\n'
    "<p>{a}</p>\n</section>\n"
    '<section id="model-card"><h2>Model card</h2>\n<p>{card}</p>\n</section>\n'
)
SUMMARY = (
    "- **Privacy**: k = 1.\n- **Differential privacy**: test accuracy {a}.\n\n## Privacy\n\nk\n\n"
    "## Differentially private training\n\n{a}\n\n## Model card\n\n{card}\n"
)


def estimate(value: float) -> dict:
    return {"value": value, "interval": [value - 0.01, value + 0.01]}


def result(private: float, real: float = 0.87, count: int = 50) -> dict:
    groups = [{"label": "a", "count": count, "eligible": True, "accuracy": estimate(0.8)}]
    audits = [{"name": "g", "disparities": {}, "groups": groups}]
    run = {"train_rows": 100, "rows_without_target": 0, "missing_cells": 0, "audits": audits}
    return {
        "status": "1 private releases",
        "guarantee": {"epsilons": [1.0], "delta": 1e-8},
        "runs": [
            run | {"epsilon": None, "accuracy": estimate(real)},
            copy.deepcopy(run) | {"epsilon": 1.0, "accuracy": estimate(private)},
        ],
    }


def workspace(root: Path, dp: dict, accuracy: str, card: str = "card", on: bool = True) -> Path:
    (root / "reports/plots/dp").mkdir(parents=True)
    params = {"paths": PATHS, "dp": {"epsilons": [1.0] if on else []}}
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    (root / PATHS["dp"]).write_text(json.dumps(dp))
    (root / PATHS["report_html"]).write_text(HTML.format(a=accuracy, card=card))
    (root / PATHS["report_summary"]).write_text(SUMMARY.format(a=accuracy, card=card))
    return root


DIFFERING = [
    "reports/dp.json",
    "reports/dp_metrics.json",
    "reports/plots/dp/dp.png",
    "reports/index.html",
    "reports/summary.md",
]


def test_the_report_without_its_dp_section_keeps_every_other_section(tmp_path: Path) -> None:
    root = workspace(tmp_path, result(0.8), "0.80")
    html = without_dp(root / PATHS["report_html"])
    assert "Differential" not in html and "0.80" not in html
    assert '<section id="privacy">' in html and '<section id="model-card">' in html
    assert "<li><b>Privacy</b>: k = 1.</li>" in html
    summary = without_dp(root / PATHS["report_summary"])
    assert "Differential" not in summary and "0.80" not in summary
    assert "## Privacy\n\nk\n\n## Model card\n\ncard\n" in summary


def test_other_private_releases_mean_the_same_and_are_shown(tmp_path: Path) -> None:
    first = workspace(tmp_path / "a", result(0.80), "0.80")
    second = workspace(tmp_path / "b", result(0.83), "0.83")
    differing = list(DIFFERING)
    lines = dp_differences([first, second], differing)
    assert differing == []
    assert "5 outputs differ by design" in lines[0]
    assert lines[1] == (
        "check-repro: dp: epsilon_1: 0.8000 [0.7900, 0.8100] against 0.8300 [0.8200, 0.8400]"
    )


def test_a_different_real_model_or_groups_or_report_fails_by_name(tmp_path: Path) -> None:
    first = workspace(tmp_path / "a", result(0.80), "0.80")
    second = workspace(tmp_path / "b", result(0.83, real=0.86, count=51), "0.83", card="other")
    differing = list(DIFFERING)
    lines = dp_differences([first, second], differing)
    assert differing == DIFFERING  # nothing excused
    assert "check-repro: dp: the guarantee or the real rows' model differ" in lines
    assert "check-repro: dp: the epsilons, audits, groups or test counts differ" in lines
    assert "check-repro: dp: reports/index.html differs outside its dp section" in lines
    assert "check-repro: dp: reports/summary.md differs outside its dp section" in lines


def test_with_dp_off_nothing_is_excused(tmp_path: Path) -> None:
    first = workspace(tmp_path / "a", result(0.80), "0.80", on=False)
    second = workspace(tmp_path / "b", result(0.83), "0.83", on=False)
    differing = list(DIFFERING)
    assert dp_differences([first, second], differing) == []
    assert differing == DIFFERING
