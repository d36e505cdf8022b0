"""Cases about credentials in the configuration: a tracking URI with a password or a token is
refused in one line that does not echo it, and params.yaml no longer holds it afterwards; a URI
with a user name only, or none, runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from corpus.runner import Case, csv_case, csv_overrides, table

FIX = r"put the URI in MLFLOW_TRACKING_URI, and credentials in MLFLOW_TRACKING_USERNAME"


def refused(secret: str) -> str:
    """The one line: names tracking.uri and the fix, never the secret."""
    return rf"^(?!.*{secret})error: ConfigError: tracking\.uri carries credentials .*{FIX}"


def forgotten(*secrets: str, shown: str) -> Callable[[Path], None]:
    """After the refusal, params.yaml is valid, has tracking.uri as `shown`, and no secret."""

    def check(folder: Path) -> None:
        text = (folder / "params.yaml").read_text()
        for secret in secrets:
            assert secret not in text, f"{secret!r} is still in params.yaml"
        assert yaml.safe_load(text)["tracking"]["uri"] == shown

    return check


def kept(uri: str) -> Callable[[Path], None]:
    """A URI without credentials stays as given, and the data ran through validation."""

    def check(folder: Path) -> None:
        assert yaml.safe_load((folder / "params.yaml").read_text())["tracking"]["uri"] == uri
        assert (folder / "reports/validation.json").is_file()

    return check


def uri_case(name: str, uri: str, **outcome: object) -> Case:
    return Case(name, csv_case(table()), (*csv_overrides(), f"tracking.uri='{uri}'"), **outcome)  # type: ignore[arg-type]


CASES = [
    uri_case(
        "secret_uri_user_password",
        "http://alice:s3cr3t-pw@mlflow.example.org:5000/",
        error=refused("s3cr3t-pw"),
        after_error=forgotten("s3cr3t-pw", shown="http://alice:***@mlflow.example.org:5000/"),
    ),
    uri_case(
        "secret_uri_token_query",
        "https://mlflow.example.org/?token=tok-31337&workspace=w1",
        error=refused("tok-31337"),
        after_error=forgotten(
            "tok-31337", shown="https://mlflow.example.org/?token=***&workspace=w1"
        ),
    ),
    uri_case(
        "secret_uri_database_password_encoded",
        "postgresql://mlflow:p%40ss-w0rd@db.example.org/mlflow",
        error=refused("p(%40|@)ss-w0rd"),
        after_error=forgotten(
            "p%40ss-w0rd", "p@ss-w0rd", shown="postgresql://mlflow:***@db.example.org/mlflow"
        ),
    ),
    uri_case(
        "secret_uri_api_key_query",
        "https://mlflow.example.org/api?api_key=k3y-abc",
        error=refused("k3y-abc"),
        after_error=forgotten("k3y-abc", shown="https://mlflow.example.org/api?api_key=***"),
    ),
    uri_case(
        "secret_uri_user_name_only_runs",
        "http://alice@mlflow.example.org:5000",
        check=kept("http://alice@mlflow.example.org:5000"),
    ),
    uri_case(
        "secret_uri_https_without_credentials_runs",
        "https://mlflow.example.org:5000",
        check=kept("https://mlflow.example.org:5000"),
    ),
    uri_case(
        "secret_uri_harmless_query_runs",
        "https://mlflow.example.org/?workspace=w1",
        check=kept("https://mlflow.example.org/?workspace=w1"),
    ),
]
