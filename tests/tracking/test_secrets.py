"""Credentials in URIs and params: found, masked in YAML copies byte for byte otherwise; and the
SQLite store's lock file, which serialises writers and is gone afterwards."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import yaml

from pipeline.errors import hide_secrets, is_secret_name
from pipeline.tracking.secrets import lock_params_secret, mask_params, mask_yaml, uri_secrets
from pipeline.tracking.store import lock_path, store_lock


def test_credentials_in_uris_are_found_and_a_user_name_alone_is_not_one() -> None:
    assert uri_secrets("http://u:s3cr3t@h:9/") == ["s3cr3t"]
    assert uri_secrets("https://h/?token=abc&x=1") == ["abc"]
    assert uri_secrets("postgresql://m:p%40ss@db/m") == ["p%40ss", "p@ss"]
    assert uri_secrets("http://alice@h:5000") == uri_secrets("sqlite:///mlflow.db") == []
    assert (
        hide_secrets("at http://u:pw@h/x?api_key=zz&b=2", {})
        == "at http://u:***@h/x?api_key=***&b=2"
    )
    assert hide_secrets("token t0k3n-value here", {"MLFLOW_TRACKING_TOKEN": "t0k3n-value"}) == (
        "token *** here"
    )


def test_secret_names() -> None:
    for name in ("api_token", "dataset.apiKey", "tracking.password", "credentials.user"):
        assert is_secret_name(name), name
    for name in ("max_tokens", "tracking.uri", "sha256", "model.name"):
        assert not is_secret_name(name), name
    assert mask_params({"a.api_token": "x", "a.secret": "null", "a.b": "y"}) == {
        "a.api_token": "***", "a.secret": "null", "a.b": "y",
    }  # fmt: skip


def test_yaml_copies_are_masked_and_otherwise_byte_for_byte() -> None:
    text = (
        "seed: 1\ntracking:\n  api_token: abc\n  credentials:\n  - one\n  password: null\n"
        "  uri: x\n"
    )
    masked = mask_yaml(text)
    assert masked == text.replace("abc", "'***'").replace("- one", "- '***'")
    lock = (
        "schema: '2.0'\nstages:\n  track:\n    cmd: python -m x\n    params:\n      params.yaml:\n"
        "        api_token: abc\n        seed: 1\n    outs:\n    - path: token.csv\n      md5: m\n"
    )
    assert mask_yaml(lock, lock_params_secret) == lock.replace("api_token: abc", "api_token: '***'")
    block = "note: 1\nsecret: |\n  line one\n  line two\n"  # multi-line: written anew, masked
    assert yaml.safe_load(mask_yaml(block)) == {"note": 1, "secret": "***"}


def test_the_store_lock_serialises_writers_and_leaves_no_file(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    inside, overlaps, counter = [0], [0], [0]

    def writer() -> None:
        for _ in range(15):
            with store_lock(uri, tmp_path):
                inside[0] += 1
                overlaps[0] += inside[0] > 1
                value = counter[0]
                time.sleep(0.001)
                counter[0] = value + 1
                inside[0] -= 1

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter[0] == 60 and overlaps[0] == 0
    path = lock_path(uri, tmp_path)
    assert path.parent == tmp_path / ".dvc" / "tmp" and not path.exists()
    assert list(path.parent.iterdir()) == []
