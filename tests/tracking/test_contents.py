"""What a run logs, read from the project: DVC's metrics, named as DVC names them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipeline.tracking.contents import read_dvc
from pipeline.tracking.params import flatten


@pytest.mark.slow  # runs DVC
def test_metrics_are_named_as_dvc_names_them(tmp_path: Path, monkeypatch) -> None:
    """Nested keys joined with dots, a key in two files prefixed with its file, nulls left out:
    the names and values DVC itself gives."""
    import dvc.api
    from dvc.repo import Repo

    monkeypatch.chdir(tmp_path)
    Repo.init(no_scm=True).close()
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports/a.json").write_text(
        json.dumps({"test/accuracy": 0.9, "group": {"gap": 0.1}, "n": 3})
    )
    (tmp_path / "reports/b.json").write_text(json.dumps({"fairness/gap": None, "n": 4}))
    (tmp_path / "dvc.yaml").write_text(
        yaml.safe_dump(
            {
                "stages": {
                    "a": {"cmd": "true", "metrics": [{"reports/a.json": {"cache": False}}]},
                    "b": {"cmd": "true", "metrics": [{"reports/b.json": {"cache": False}}]},
                }
            }
        )
    )
    metrics, files, outputs = read_dvc()
    assert metrics == {
        "test/accuracy": 0.9,
        "group.gap": 0.1,
        "reports/a.json:n": 3,
        "reports/b.json:n": 4,
    }
    assert metrics == flatten(dvc.api.metrics_show())
    assert files == ["reports/a.json", "reports/b.json"]
    assert outputs == {"reports/a.json", "reports/b.json"}
