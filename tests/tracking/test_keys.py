"""Keys MLflow refuses are logged under legal ones; MLflow's own validators are the oracle."""

import pytest
from mlflow.exceptions import MlflowException
from mlflow.utils.validation import (
    MAX_ENTITY_KEY_LENGTH,
    _validate_metric_name,
    _validate_param_name,
)

from pipeline.tracking.keys import key_problem, legal_keys, mlflow_key

HOSTILE = [
    "../../../../../tmp/x",
    '<b>"sex"</b>',
    "it's",
    "a\tb\nc",
    "a\u202eb",
    "/leading",
    "trailing/",
    "two//slashes",
    ".",
    "..",
    "",
    "x" * 300,
    "é" * 260,
    '=HYPERLINK("x")',
    "$x^$",
]
PLAIN = ["sex", "etc/passwd", "marital status", "native-country", "a.b:c", "Geschlecht", "é"]


def accepted(key: str) -> bool:
    try:
        _validate_metric_name(key)
        _validate_param_name(key)
    except MlflowException:
        return False
    return len(key) <= MAX_ENTITY_KEY_LENGTH


@pytest.mark.parametrize("name", HOSTILE + PLAIN)
def test_key_problem_agrees_with_mlflow(name: str) -> None:
    key = f"fairness/{name}/demographic_parity_difference"
    assert (key_problem(key) is None) == accepted(key)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_refused_key_is_logged_under_one_mlflow_accepts(name: str) -> None:
    key = f"fairness/{name}/demographic_parity_difference"
    logged = mlflow_key(key)
    assert accepted(logged) and logged != key
    assert logged.startswith("fairness/")
    if len(key) <= MAX_ENTITY_KEY_LENGTH:  # the metric's own name stays readable
        assert logged.endswith("/demographic_parity_difference")
    assert mlflow_key(key) == logged  # the same in every run


@pytest.mark.parametrize("name", PLAIN)
def test_an_accepted_key_is_kept(name: str) -> None:
    assert mlflow_key(f"fairness/{name}/ece") == f"fairness/{name}/ece"


def test_keys_that_clean_alike_stay_apart() -> None:
    names = ["a<b", "a>b", "a_b", "a?b"]
    values = {f"fairness/{n}/ece": i for i, n in enumerate(names)}
    logged, renamed = legal_keys(values)
    assert len(logged) == len(values) and sorted(logged.values()) == [0, 1, 2, 3]
    assert set(renamed) == {"fairness/a<b/ece", "fairness/a>b/ece", "fairness/a?b/ece"}
    assert logged["fairness/a_b/ece"] == 2
    assert all(accepted(k) for k in logged)


def test_a_real_store_takes_every_renamed_key(tmp_path) -> None:
    import mlflow

    metrics = {f"fairness/{name}/ece": float(i) for i, name in enumerate(HOSTILE + PLAIN)}
    params = {f"fairness.bins.{name}": "[1, 2]" for name in HOSTILE}
    logged_metrics, renamed = legal_keys(metrics)
    logged_params, _ = legal_keys(params)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    with mlflow.start_run() as run:
        mlflow.log_metrics(logged_metrics)
        mlflow.log_params(logged_params)
    stored = mlflow.get_run(run.info.run_id).data
    assert stored.metrics == logged_metrics and stored.params == logged_params
    assert len(renamed) == len(HOSTILE)
