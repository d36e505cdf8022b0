"""check-repro's one exception to byte identity: the dp stage's outputs when dp.epsilons is not
empty. OpenDP draws its privacy noise from a secure source that no seed reaches, so two runs
release different synthetic tables, fit different models and report different numbers; and the
report quotes those numbers. They are compared by what they mean instead:
- the model fitted on the real rows (dp.json's first run) and the guarantee are identical;
- both runs hold the same epsilons, and per epsilon the same audits, groups and test counts, with
  an accuracy for every model;
- the report's files are identical once the dp section and its summary line are cut out.
The two runs' accuracies per epsilon are printed with their intervals: how far apart two releases
land is itself a result (the intervals cover the test rows' sampling, not the release).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from pipeline.dp.result import epsilon_key

UNSEEDED = ("dp", "dp_metrics", "dp_plots")  # keys of `paths`
QUOTING = ("report_html", "report_summary")  # report files that quote the dp numbers
CUTS = (
    re.compile(r'<section id="differentially-private-training">.*?</section>\n?', re.DOTALL),
    re.compile(r"<li><b>Differential privacy</b>.*?</li>", re.DOTALL),
    re.compile(r"^## Differentially private training\n.*?(?=^## )", re.DOTALL | re.MULTILINE),
    re.compile(r"^- \*\*Differential privacy\*\*.*\n", re.MULTILINE),
)


def without_dp(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    for cut in CUTS:
        text = cut.sub("", text)
    return text


def shape(run: dict[str, Any]) -> Any:
    """What a private run must share with the other workspace's: its epsilon and its audits'
    groups and test counts."""
    return run["epsilon"], [
        (a["name"], [(g["label"], g["count"]) for g in a["groups"]]) for a in run["audits"]
    ]


def dp_differences(workspaces: list[Path], differing: list[str]) -> list[str]:
    """Remove the dp outputs and the report files quoting them from `differing` when they mean
    the same; return the lines to print (why they pass, or what differs)."""
    first, second = workspaces
    params = yaml.safe_load((first / "params.yaml").read_text())
    if not params.get("dp", {}).get("epsilons"):  # the stage was off: nothing to excuse
        return []
    paths = params["paths"]
    results = [json.loads((w / paths["dp"]).read_text()) for w in workspaces]
    a, b = results
    problems = []
    if a["guarantee"] != b["guarantee"] or a["runs"][0] != b["runs"][0]:
        problems.append("the guarantee or the real rows' model differ")
    if [shape(r) for r in a["runs"]] != [shape(r) for r in b["runs"]]:
        problems.append("the epsilons, audits, groups or test counts differ")
    if any(r["accuracy"]["value"] is None for result in results for r in result["runs"]):
        problems.append("a model has no accuracy")
    for key in QUOTING:
        if paths[key] in differing and without_dp(first / paths[key]) != without_dp(
            second / paths[key]
        ):
            problems.append(f"{paths[key]} differs outside its dp section")
    if problems:
        return [f"check-repro: dp: {problem}" for problem in problems]
    prefixes = tuple(paths[key] for key in UNSEEDED)
    unseeded = [p for p in differing if p.startswith(prefixes) or p in (paths[k] for k in QUOTING)]
    for path in unseeded:
        differing.remove(path)
    lines = [
        f"check-repro: dp: {len(unseeded)} outputs differ by design (OpenDP's noise has no seed) "
        "and mean the same: the real rows' model, the guarantee and every audit's groups are "
        "identical, and the report is identical outside its dp section. Test accuracy per "
        "epsilon (mean over its releases, with the interval across them), run1 against run2:"
    ]
    for x, y in zip(a["runs"][1:], b["runs"][1:], strict=True):
        lines.append(f"check-repro: dp: {epsilon_key(x['epsilon'])}: {accuracy(x)} against "
                     f"{accuracy(y)}")  # fmt: skip
    return lines


def accuracy(run: dict[str, Any]) -> str:
    """`0.8203 [0.8134, 0.8271]`: the mean over the releases and its interval across them."""
    found = run["accuracy"]
    if found["interval"] is None:
        return f"{found['value']:.4f}"
    low, high = found["interval"]
    return f"{found['value']:.4f} [{low:.4f}, {high:.4f}]"
