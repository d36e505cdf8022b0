"""A project copied or moved with its store: where its old folder is read from, how the store's
paths follow it, and the refusal of an experiment whose artifacts lie outside the project."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.tracking.config import Target, TrackingConfig, TrackingError, resolve_target
from pipeline.tracking.relocate import check_inside, local_path, moved_from, reroot


def target(root: Path, experiment: str = "adult") -> Target:
    config = TrackingConfig("sqlite:///mlflow.db", experiment, "mlartifacts", "uv.lock")
    return resolve_target(config, root)


def test_local_paths_are_file_uris_and_absolute_paths() -> None:
    assert local_path("file:///srv/a%20b/mlartifacts/1") == Path("/srv/a b/mlartifacts/1")
    assert local_path("/srv/mlruns/0") == Path("/srv/mlruns/0")
    assert local_path("s3://bucket/x") is None and local_path("mlflow-artifacts:/1") is None


def test_the_old_folder_is_read_off_an_experiment_location(tmp_path: Path) -> None:
    here = target(tmp_path / "new")
    old = tmp_path / "old project"
    location = (old / "mlartifacts" / "adult").as_uri()
    assert moved_from(location, "adult", here) == old
    assert moved_from((old / "mlartifacts" / "a_b").as_uri(), "a/b", here) == old
    assert moved_from((tmp_path / "new/mlartifacts/adult").as_uri(), "adult", here) is None
    assert moved_from((old / "elsewhere" / "adult").as_uri(), "adult", here) is None
    assert moved_from("s3://bucket/adult", "adult", here) is None
    shared = resolve_target(
        TrackingConfig("sqlite:////srv/shared.db", "adult", "mlartifacts", "uv.lock"), tmp_path
    )
    assert shared.root is None and moved_from(location, "adult", shared) is None


def test_reroot_rewrites_paths_under_the_old_folder_only(tmp_path: Path) -> None:
    database = tmp_path / "mlflow.db"
    old, new = Path("/old/proj"), Path("/new/place/proj")
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE experiments (artifact_location VARCHAR(256))")
        db.execute("CREATE TABLE runs (artifact_uri VARCHAR(200))")
        rows = [
            ("experiments", "file:///old/proj/mlartifacts/adult"),
            ("experiments", "/old/proj/mlruns/0"),
            ("experiments", "file:///old/project2/mlartifacts/adult"),  # a sibling: not below
            ("runs", "file:///old/proj/mlartifacts/adult/r1/artifacts"),
            ("runs", "s3://bucket/old/proj/r2"),
        ]
        for table, value in rows:
            db.execute(f"INSERT INTO {table} VALUES (?)", (value,))
    db.close()
    assert reroot(database, old, new) == 3
    with sqlite3.connect(database) as db:
        experiments = [v for (v,) in db.execute("SELECT artifact_location FROM experiments")]
        runs = [v for (v,) in db.execute("SELECT artifact_uri FROM runs")]
    db.close()
    assert experiments == [
        "file:///new/place/proj/mlartifacts/adult",
        "/new/place/proj/mlruns/0",
        "file:///old/project2/mlartifacts/adult",
    ]
    assert runs == [
        "file:///new/place/proj/mlartifacts/adult/r1/artifacts",
        "s3://bucket/old/proj/r2",
    ]


def test_an_experiment_keeping_its_artifacts_elsewhere_is_refused(tmp_path: Path) -> None:
    here = target(tmp_path)
    inside = SimpleNamespace(artifact_location=(tmp_path / "mlartifacts/by-hand").as_uri())
    check_inside(inside, here)
    check_inside(SimpleNamespace(artifact_location="s3://bucket/adult"), here)
    outside = SimpleNamespace(artifact_location="file:///srv/artifacts/adult")
    with pytest.raises(TrackingError, match=r"outside this project .*set tracking.experiment"):
        check_inside(outside, here)
