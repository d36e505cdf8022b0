"""Where a run goes: the tracking section, the environment's URI, the project root, redaction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from helpers import ROOT

from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.stages import params as compose
from pipeline.tracking.config import (
    TrackingConfig,
    dataset_label,
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


def test_each_data_file_gets_its_own_experiment(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    overrides = ["dataset=csv", "dataset.path=data/sales.csv", "dataset.target=y"]
    compose.compose(params, overrides, config_dir=ROOT / "params")
    config = load_config(params)
    assert tracking_config(config, {}).experiment == "csv-sales"

    def label(path: str) -> str:
        options = {**config.dataset.options, "path": path}
        return dataset_label(replace(config, dataset=replace(config.dataset, options=options)))

    assert label("data/My Sales.CSV.gz") == "csv-My_Sales"
    assert label("d/q3.v2.parquet") == "csv-q3.v2"
    assert label("archive.zip") == "csv-archive"
    chosen = {**config.raw, "tracking": {**config.raw["tracking"], "experiment": "mine"}}
    assert tracking_config(replace(config, raw=chosen), {}).experiment == "mine"


def test_sqlite_store_and_artifacts_live_in_the_project_root(tmp_path: Path) -> None:
    local = TrackingConfig("sqlite:///mlflow.db", "adult", "mlartifacts", "uv.lock")
    target = resolve_target(local, tmp_path)
    assert target.uri == f"sqlite:///{tmp_path}/mlflow.db"
    assert target.artifact_location == (tmp_path / "mlartifacts" / "adult").as_uri()
    assert target.root == tmp_path  # the project's own store: it moves with the folder
    absolute = TrackingConfig("sqlite:////srv/m.db", "a b/c", "mlartifacts", "uv.lock")
    assert resolve_target(absolute, tmp_path).uri == "sqlite:////srv/m.db"
    location = resolve_target(absolute, tmp_path).artifact_location
    assert location is not None and location.endswith("/a_b_c")
    assert resolve_target(absolute, tmp_path).root is None  # a store shared by projects
    inside = TrackingConfig(f"sqlite:///{tmp_path}/m.db", "a", "/srv/artifacts", "uv.lock")
    assert resolve_target(inside, tmp_path).root is None  # artifacts chosen outside
    server = TrackingConfig("http://127.0.0.1:5000", "adult", "mlartifacts", "uv.lock")
    assert resolve_target(server, tmp_path).artifact_location is None
    assert resolve_target(server, tmp_path).root is None


def test_project_root_is_dvc_root_when_dvc_runs_the_stage(tmp_path: Path) -> None:
    assert project_root({"DVC_ROOT": str(tmp_path)}) == tmp_path.resolve()
    assert project_root({}) == Path.cwd().resolve()


def test_credentials_stay_out_of_messages() -> None:
    assert redact_uri("https://me:secret@host:8443/x") == "https://me:***@host:8443/x"
    assert redact_uri("sqlite:////a/b.db") == "sqlite:////a/b.db"
