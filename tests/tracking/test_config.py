"""Where a run goes: the tracking section, the environment's URI, the project root, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.stages import params as compose
from pipeline.tracking.config import (
    TrackingConfig,
    project_root,
    resolve_target,
    tracking_config,
)
from pipeline.tracking.secrets import redact_uri


def test_tracking_config_takes_the_uri_from_the_environment(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    compose.compose(params, [], config_dir=ROOT / "params")
    config = load_config(params)
    local = tracking_config(config, {})
    assert local.uri == "sqlite:///mlflow.db"
    assert local.experiment == config.dataset.name
    assert tracking_config(config, {"MLFLOW_TRACKING_URI": "http://h:1"}).uri == "http://h:1"

    compose.compose(params, ["tracking=server"], config_dir=ROOT / "params")
    server = load_config(params)
    with pytest.raises(ConfigError, match="tracking.uri"):
        tracking_config(server, {})
    chosen = tracking_config(server, {"MLFLOW_TRACKING_URI": "https://mlflow.example.org"})
    assert chosen.uri == "https://mlflow.example.org" and chosen.artifact_location is None


def test_sqlite_store_and_artifacts_live_in_the_project_root(tmp_path: Path) -> None:
    local = TrackingConfig("sqlite:///mlflow.db", "adult", "mlartifacts", "uv.lock")
    target = resolve_target(local, tmp_path)
    assert target.uri == f"sqlite:///{tmp_path}/mlflow.db"
    assert target.artifact_location == (tmp_path / "mlartifacts" / "adult").as_uri()
    absolute = TrackingConfig("sqlite:////srv/m.db", "a b/c", "mlartifacts", "uv.lock")
    assert resolve_target(absolute, tmp_path).uri == "sqlite:////srv/m.db"
    location = resolve_target(absolute, tmp_path).artifact_location
    assert location is not None and location.endswith("/a_b_c")
    server = TrackingConfig("http://127.0.0.1:5000", "adult", "mlartifacts", "uv.lock")
    assert resolve_target(server, tmp_path).artifact_location is None


def test_project_root_is_dvc_root_when_dvc_runs_the_stage(tmp_path: Path) -> None:
    assert project_root({"DVC_ROOT": str(tmp_path)}) == tmp_path.resolve()
    assert project_root({}) == Path.cwd().resolve()


def test_credentials_stay_out_of_messages() -> None:
    assert redact_uri("https://me:secret@host:8443/x") == "https://me:***@host:8443/x"
    assert redact_uri("sqlite:////a/b.db") == "sqlite:////a/b.db"
