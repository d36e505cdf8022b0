"""`dvc plots show` in a copy of the repository, after a small binary run and a small regression
run: no "failed to load some plots", and the page, opened offline in headless Chromium, draws
every declared plot. Then `make metrics` / `make exps` (tools/metrics.py) on DVC's own output of
the same runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser import rendered_dom
from dvc_render.base import Renderer
from helpers import copy_repository, run_stages, sh

from tools.check_repro import tool_env

pytestmark = pytest.mark.slow

SMALL = ["evaluate.n_boot=50", "fairness.n_boot=50", "crossval.folds=0",
         "correlation.random_walks=500", "correlation.null_matrices=20"]  # fmt: skip
RUNS = {
    "binary": ["dataset=synthetic", "dataset.n_rows=600", "model=logistic_regression", *SMALL],
    "regression": ["dataset=diabetes", "model=ridge", *SMALL],
}
FIGURES = {
    "binary": {"roc.png", "precision_recall.png", "calibration.png", "confusion.png"},
    "regression": {"residuals.png"},
}
PNG = b"\x89PNG\r\n\x1a\n"
OUTPUT_DIRS = ("reports/plots", "dvc_plots")  # DVC removes a stage's outputs before it runs


class Plots(HTMLParser):
    """The plots of DVC's page: per vega-embed container, what it holds; every image's source."""

    def __init__(self, declared: set[str]) -> None:
        super().__init__()
        self.declared = declared
        self.open: list[str | None] = []  # per open div: the declared plot it is, if any
        self.vega: dict[str, list[str]] = {}
        self.images: list[str] = []
        self.png: dict[str, bool] = {}  # per image: whether the page's folder holds it, a PNG

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div":
            name = found.get("id")
            self.open.append(name if name in self.declared else None)
            if name in self.declared:
                self.vega[name] = []
        inside = [n for n in self.open if n is not None]
        if inside and tag != "div":
            self.vega[inside[-1]].append(f"{tag}.{found.get('class') or ''}")
        if tag == "img" and found.get("src", "").startswith("static/"):
            self.images.append(str(found["src"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.open:
            self.open.pop()


def vega_ids(repo: Path) -> set[str]:
    """The container ids DVC gives the declared Vega plots (their titles, made HTML ids)."""
    plots = yaml.safe_load((repo / "dvc.yaml").read_text())["plots"]
    titles = [next(iter(p)) for p in plots if isinstance(p, dict)]
    return {Renderer.remove_special_chars(t) for t in titles}


def show_plots(repo: Path) -> Plots:
    """`dvc plots show` in `repo`, its page rendered offline; fails on any DVC warning."""
    shown = sh(["dvc", "plots", "show"], repo)
    assert "failed" not in shown.stdout + shown.stderr, shown.stdout + shown.stderr
    page = repo / "dvc_plots" / "index.html"
    assert "<script src=" not in page.read_text()  # nothing loaded from a CDN
    parsed = Plots(vega_ids(repo))
    parsed.feed(rendered_dom(page))
    parsed.png = {src: (page.parent / src).read_bytes()[:8] == PNG for src in parsed.images}
    return parsed


def run(repo: Path, task: str) -> None:
    for name in OUTPUT_DIRS:
        shutil.rmtree(repo / name, ignore_errors=True)
    run_stages(repo, RUNS[task])
    sh(["git", "add", "-A"], repo)
    sh(["git", "commit", "-q", "-m", task], repo)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Both runs, each committed; the rendered page after each. The committed dvc.lock is of
    the Adult run, whose outputs the copy's cache lacks: DVC would try to read them from there."""
    repo = copy_repository(tmp_path_factory.mktemp("repo"))
    sh(["git", "rm", "-q", "dvc.lock"], repo)
    found: dict[str, object] = {"path": repo}
    before = Path.cwd()
    os.chdir(repo)
    try:
        for task in RUNS:
            run(repo, task)
            found[task] = show_plots(repo)
    finally:
        os.chdir(before)
    return found


@pytest.mark.parametrize("task", list(RUNS))
def test_every_declared_plot_draws_offline(repo: dict[str, object], task: str) -> None:
    path, plots = repo["path"], repo[task]
    assert isinstance(path, Path) and isinstance(plots, Plots)
    assert set(plots.vega) == vega_ids(path) and len(plots.vega) == 3
    for name, inside in plots.vega.items():
        assert any(t.startswith(("canvas", "svg")) for t in inside), (name, inside)
        assert not any("error" in t for t in inside), (name, inside)
    prefix = "static/workspace_reports_plots_report_"
    figures = {src.removeprefix(prefix) for src in plots.images if src.startswith(prefix)}
    assert figures == FIGURES[task]
    assert plots.png and all(plots.png.values()), plots.png


def tool(repo: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tools.metrics", *args],
        cwd=repo, env=tool_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 100, result.stdout
    return result.stdout


def test_metrics_shows_the_run_in_100_columns(repo: dict[str, object]) -> None:
    path = repo["path"]
    assert isinstance(path, Path)
    out = tool(path)
    metrics = json.loads((path / "reports/metrics.json").read_text())
    first, table = out.split("\n\n")[0], out.split("\n\n")[1].splitlines()
    assert first == f"diabetes, ridge, {metrics['test/n_rows']} test rows"
    assert table[0].split() == ["metric", "test", "[95%", "interval]", "cv", "linear", "majority"]
    r2 = table[1].split()
    assert r2[:4] == ["r2", f"{metrics['test/r2']:.3f}", f"[{metrics['test/r2_low']:.3f},",
                      f"{metrics['test/r2_high']:.3f}]"]  # fmt: skip
    baselines = json.loads((path / "reports/baselines.json").read_text())
    assert r2[4:] == ["-", f"{baselines['linear/r2']:.3f}", f"{baselines['majority/r2']:.3f}"]
    assert {row.split()[0] for row in table} >= {"mae", "rmse"}
    assert "sex" in out.split("\n\n")[2]  # the fairness audit, no criteria for a regression


def test_exps_has_a_row_per_commit_with_its_headline(repo: dict[str, object]) -> None:
    path = repo["path"]
    assert isinstance(path, Path)
    rows = [line.split() for line in tool(path, "--exps", "-n", "2").splitlines()]
    assert rows[0][:4] == ["experiment", "dataset", "model", "metric"]
    regression = json.loads((path / "reports/metrics.json").read_text())
    workspace = ["workspace", "diabetes", "ridge", "r2", f"{regression['test/r2']:.3f}"]
    assert rows[1][:5] == workspace and rows[1][-2:] == ["-", "-"]  # no cv, no verdicts
    assert rows[2][:4] == ["main", "diabetes", "ridge", "r2"]
    binary = json.loads(sh(["git", "show", "HEAD~1:reports/metrics.json"], path).stdout)
    fairness = json.loads(sh(["git", "show", "HEAD~1:reports/fairness_metrics.json"], path).stdout)
    verdicts = [fairness[f"fairness/group/criteria_{k}"] for k in ("failed", "assessed")]
    assert verdicts[1] > 0  # the synthetic data's group audit has criteria
    assert rows[3] == [
        rows[3][0], "synthetic", "logistic_regression", "roc_auc",
        f"{binary['test/roc_auc']:.3f}", f"[{binary['test/roc_auc_low']:.3f},",
        f"{binary['test/roc_auc_high']:.3f}]", "-", f"{verdicts[0]}/{verdicts[1]}",
    ]  # fmt: skip
    assert len(rows) == 4
