"""The benchmark scripts still run and still agree with their references, at a tiny size.

The full-size runs (a million rows) are for `benchmarks/`, not the test suite; this keeps the
scripts from rotting as the packages they time change.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from helpers import ROOT

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
