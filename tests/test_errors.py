"""`run_stage`, every stage's entry point: a domain error is one line on stderr and exit status 2,
a stop (Ctrl-C, SIGTERM) one line and 128 + the signal's number, a programming error keeps its
traceback, and no printed line carries a credential."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT
from test_faults import catches_sigterm, wait_for

from pipeline.errors import (
    ConfigError,
    DataValidationError,
    Interrupted,
    PipelineError,
    hide_secrets,
    run_stage,
    stop_line,
)

STOP_SUFFIX = (
    "no output was left half-written (each is renamed into place when complete), re-run dvc repro"
)


def raising(error: BaseException):
    def main() -> None:
        raise error

    return main


def outcome(main, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    """(exit status, stderr's lines, stdout) of `run_stage(main)`."""
    with pytest.raises(SystemExit) as stop:
        run_stage(main)
    captured = capsys.readouterr()
    return stop.value.code, captured.err.splitlines(), captured.out  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            DataValidationError("column 'income' (target) is missing; set dataset.target"),
            "error: DataValidationError: column 'income' (target) is missing; set dataset.target",
        ),
        (
            ConfigError("model.C is -1; set model.C to a positive number"),
            "error: ConfigError: model.C is -1; set model.C to a positive number",
        ),
        (PipelineError("plain"), "error: PipelineError: plain"),
    ],
    ids=["data", "config", "base"],
)
def test_a_domain_error_is_one_line_and_status_2(error, line, capsys) -> None:
    status, lines, out = outcome(raising(error), capsys)
    assert status == 2
    assert lines == [line]
    assert out == ""


def test_a_domain_error_with_line_breaks_in_its_message_is_still_one_line(capsys) -> None:
    """A value from the user's data (a column name, a cell) may hold line breaks of any kind."""
    message = "column 'a\nb' is empty\r\nand 'c\x0bd\u2028e' too"
    status, lines, _ = outcome(raising(DataValidationError(message)), capsys)
    assert status == 2
    assert lines == [
        "error: DataValidationError: column 'a\\nb' is empty\\r\\nand 'c\\x0bd\\u2028e' too"
    ]


def test_output_printed_before_the_error_stays_on_stdout(capsys) -> None:
    def main() -> None:
        print("ingest: read 10 rows")
        raise DataValidationError("column 'y' has one class; set dataset.target")

    status, lines, out = outcome(main, capsys)
    assert (status, out) == (2, "ingest: read 10 rows\n")
    assert lines == ["error: DataValidationError: column 'y' has one class; set dataset.target"]


@pytest.mark.parametrize("error", [ValueError("a bug"), KeyError("k"), AssertionError("x")])
def test_a_programming_error_keeps_its_traceback(error, capsys) -> None:
    with pytest.raises(type(error)) as raised:
        run_stage(raising(error))
    assert raised.value is error
    assert capsys.readouterr().err == ""


def test_ctrl_c_is_the_stop_line_and_status_130(capsys) -> None:
    status, lines, _ = outcome(raising(KeyboardInterrupt()), capsys)
    assert status == 130
    assert lines == [f"error: interrupted by Ctrl-C (SIGINT); {STOP_SUFFIX}"]


def test_an_interruption_by_sigterm_is_the_stop_line_and_status_143(capsys) -> None:
    status, lines, _ = outcome(raising(Interrupted(signal.SIGTERM)), capsys)
    assert status == 143
    assert lines == [f"error: interrupted by SIGTERM; {STOP_SUFFIX}"]
    assert lines == [stop_line(signal.SIGTERM)]


def test_a_real_sigterm_while_the_stage_runs_unwinds_and_the_handler_is_restored(capsys) -> None:
    before = signal.getsignal(signal.SIGTERM)
    cleaned: list[bool] = []

    def main() -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(30)  # the handler interrupts it at once
        finally:
            cleaned.append(True)  # a stage's atomic writers remove their temporary files here

    status, lines, _ = outcome(main, capsys)
    assert (status, lines, cleaned) == (143, [stop_line(signal.SIGTERM)], [True])
    assert signal.getsignal(signal.SIGTERM) is before


def test_an_unknown_signal_is_named_by_number() -> None:
    assert stop_line(signal.SIGHUP).startswith(f"error: interrupted by signal {signal.SIGHUP}; ")


@pytest.mark.parametrize(
    ("message", "secret", "shown"),
    [
        (
            "cannot reach http://alice:pa55-word@mlflow.example.org:5000/api",
            "pa55-word",
            "cannot reach http://alice:***@mlflow.example.org:5000/api",
        ),
        (
            "server https://mlflow.example.org/?token=t0k-9z&page=2 refused the run",
            "t0k-9z",
            "server https://mlflow.example.org/?token=***&page=2 refused the run",
        ),
        (
            "store 'postgresql://m:p@ss-w0rd@db.example.org/mlflow' is unreachable",
            "ss-w0rd",
            "store 'postgresql://m:***@db.example.org/mlflow' is unreachable",
        ),
    ],
    ids=["url-password", "query-token", "password-with-at"],
)
def test_credentials_in_a_message_are_masked(message, secret, shown, capsys) -> None:
    status, lines, _ = outcome(raising(ConfigError(message)), capsys)
    assert status == 2
    assert lines == [f"error: ConfigError: {shown}"]
    assert secret not in lines[0]


def test_the_tracking_password_from_the_environment_is_masked(capsys, monkeypatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "hunter2-env")
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "alice-user")  # a user name is not a secret
    error = ConfigError("login as alice-user with hunter2-env was refused; check the password")
    status, lines, _ = outcome(raising(error), capsys)
    assert status == 2
    assert lines == [
        "error: ConfigError: login as alice-user with *** was refused; check the password"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "cannot reach http://mlflow.example.org:5000/api/2.0",
        "cannot reach http://alice@mlflow.example.org:5000",
        "page https://mlflow.example.org/runs?page=2&max_tokens=10 is empty",
        "write to a@b.org: ratio 3:4, key password (unset), sqlite:///mlflow.db",
        "column 'token_count' has 3 missing values; set dataset.drop=[token_count]",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert hide_secrets(text, {"MLFLOW_TRACKING_PASSWORD": "abc", "HOME": "/root"}) == text


def test_short_environment_secrets_are_not_searched_for() -> None:
    """A three-letter password would mask every word that contains it: it is too short."""
    assert hide_secrets("the run was logged", {"MLFLOW_TRACKING_PASSWORD": "run"}) == (
        "the run was logged"
    )
    assert hide_secrets("a run by s3cr", {"MY_SECRET": "s3cr"}) == "a run by ***"


@pytest.mark.slow  # starts a Python process that imports a stage (seconds)
def test_sigterm_while_a_stage_imports_is_one_line_and_status_143(tmp_path: Path) -> None:
    """The stage's imports take seconds; a stop during them gives the same one line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.stages.train"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: catches_sigterm(process.pid) or process.poll() is not None, 60, "start")
        assert process.poll() is None, "the stage ended before the signal"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    assert process.returncode == 143, err
    assert err.splitlines() == [stop_line(signal.SIGTERM)]
    assert out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # starts a Python process that imports a stage (seconds)
def test_a_stage_without_params_yaml_says_so_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.stages.train"], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "error: ConfigError: params.yaml not found; compose it with `dvc repro params`"
    ]
    assert list(tmp_path.iterdir()) == []
