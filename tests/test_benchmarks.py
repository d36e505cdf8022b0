"""The benchmark scripts still run and still agree with their references, at a tiny size.

The full-size runs (a million rows) are for `benchmarks/`, not the test suite; this keeps the
scripts from rotting as the packages they time change.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import time
from types import ModuleType

import pytest
import yaml
from helpers import ROOT

from pipeline.progress import accounting, peak_mebibytes
from pipeline.stages.params import compose

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "script,args",
    [
        ("correlation.py", ["--rows", "3000", "--repeat", "1"]),
        ("fairness.py", ["--rows", "3000", "--n-boot", "50"]),
        ("fairness.py", ["--rows", "3000", "--n-boot", "50", "--scores"]),
        ("intervals.py", ["--rows", "3000", "--n-boot", "50", "--small-boot", "3"]),
        ("explain.py", ["--dataset", "synthetic", "--rows", "2000"]),
    ],
)
def test_benchmark_runs_and_prints_its_table(script: str, args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # each script ends with the largest difference from its reference implementation
    tail = result.stdout[result.stdout.index("largest") :]
    differences = [float(x) for x in re.findall(r"\d\.\d+e[-+]\d+", tail)]
    assert differences and max(differences) < 1e-9, tail


def test_simulation_covers_at_the_nominal_rate_and_rejects_at_the_nominal_level() -> None:
    """100 test samples: every 95% interval covers the truth in 85% or more of them (an interval
    half as wide would cover about 68%), and no test of two equal models rejects in more than 12%
    (a test that ignored the pairing or the noise would)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "simulation.py"),
         "--seeds", "100", "--rows", "1000", "--n-boot", "300"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    coverage, type_one = result.stdout.split("Type-I")
    shares = {}
    for line in (coverage + "\n" + type_one).splitlines():
        if found := re.match(r"^(\w[\w ]*?)\s+\d+\s+\d+\s+([\d.]+)%", line):
            shares[found[1]] = float(found[2]) / 100
    covered = [shares[name] for name in ("accuracy", "recall", "roc_auc", "log_loss")]
    assert len(shares) == 9 + 4 and min(covered) >= 0.85, shares
    assert max(shares[name] for name in ("McNemar", "DeLong")) <= 0.12, shares


def end_to_end() -> ModuleType:
    """benchmarks/end_to_end.py as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("end_to_end", ROOT / "benchmarks/end_to_end.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_end_to_end_benchmark_reads_every_stages_accounting_line() -> None:
    """benchmarks/end_to_end.py finds each stage's numbers in the line pipeline/progress.py
    prints, in both of its forms, and tabulates them with growth and the ratio to the floor."""
    bench = end_to_end()
    line = accounting("train", time.monotonic())
    (found,) = bench.LINE.finditer(f"Running stage 'train':\n{line}\nnext\n")
    assert found[1] == "train" and float(found[4]) == round(peak_mebibytes())
    shown = "evaluate: done in 2.0 s after imports (2.5 s CPU), peak memory 300 MiB"
    assert [m.groups() for m in bench.LINE.finditer(shown)] == [("evaluate", "2.0", "2.5", "300")]
    nan = float("nan")
    runs = {
        n: {"train": (k, k, 100.0), "dvc": (1.0, 1.0, nan), "total": (k + 1, k + 1, 100.0),
            "floor": (k / 2, k / 2, nan)}
        for n, k in ((1000, 2.0), (10000, 8.0))
    }  # fmt: skip
    text = bench.table(runs)
    assert "| train | 2.0, 2.0, 100 | 8.0, 8.0, 100 | 4.0x |" in text
    assert "| floor | 1.0, 1.0, - | 4.0, 4.0, - | 4.0x |" in text
    assert text.endswith("floor: 1,000 rows 3.00x, 10,000 rows 2.25x.\n")


def test_the_end_to_end_benchmark_chooses_in_params_what_exp_run_would_override(tmp_path) -> None:
    """The clone's params/, edited, composes to the same values as the overrides of
    `dvc exp run -S dataset=synthetic -S dataset.n_rows=... -S model=... -S crossval=skip`."""
    bench = end_to_end()
    shutil.copytree(ROOT / "params", tmp_path / "params")
    bench.choose(tmp_path, 1234, "logistic_regression")
    compose(tmp_path / "edited.yaml", config_dir=tmp_path / "params")
    overrides = ["dataset=synthetic", "dataset.n_rows=1234", "model=logistic_regression",
                 "crossval=skip"]  # fmt: skip
    compose(tmp_path / "overridden.yaml", overrides, config_dir=ROOT / "params")
    edited = yaml.safe_load((tmp_path / "edited.yaml").read_text())
    assert edited == yaml.safe_load((tmp_path / "overridden.yaml").read_text())
    assert (edited["dataset"]["n_rows"], edited["model"]["name"]) == (1234, "logistic_regression")
    assert edited["crossval"]["folds"] == 0
