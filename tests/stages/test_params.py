"""The params stage's helpers: what DVC templated, and the stamp of the data source."""

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.stages.params import previous, source_stamp, templated_changes


def test_only_templated_values_that_changed_are_named() -> None:
    dvc_yaml = "deps:\n  - ${paths.raw}\n  - ${ paths.model }\n  - ${tracking.lock}\n"
    before = {"paths": {"raw": "a.parquet", "model": "m.pkl"}, "seed": 1}
    after = {"paths": {"raw": "b.parquet", "model": "m.pkl"}, "seed": 2, "tracking": {"lock": "x"}}
    assert templated_changes(before, after, dvc_yaml) == [
        "paths.raw: 'a.parquet' -> 'b.parquet'", "tracking.lock: None -> 'x'",
    ]  # fmt: skip
    assert templated_changes(after, after, dvc_yaml) == []


def test_the_source_stamp_hashes_every_file_and_names_a_missing_source(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "b.csv").write_text("b")
    (tmp_path / "d" / "sub" / "a.csv").write_text("a")
    (tmp_path / "d" / ".hidden").write_text("x")
    stamp = source_stamp(tmp_path / "d")
    assert [line.split("  ")[1] for line in stamp.splitlines()] == ["b.csv", "sub/a.csv"]
    (tmp_path / "d" / "b.csv").write_text("B")
    assert source_stamp(tmp_path / "d") != stamp  # content, not names or times
    assert source_stamp(tmp_path / "d" / "b.csv").endswith("  b.csv\n")
    with pytest.raises(
        ConfigError, match=r"dataset.source 'nope.csv' does not exist; .*dataset.path"
    ):
        source_stamp(Path("nope.csv"))


def test_an_unreadable_previous_params_file_is_not_compared(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("seed: [1\n")
    assert previous(tmp_path / "p.yaml") is None and previous(tmp_path / "none.yaml") is None
    (tmp_path / "p.yaml").write_text("seed: 1\n")
    assert previous(tmp_path / "p.yaml") == {"seed": 1}
