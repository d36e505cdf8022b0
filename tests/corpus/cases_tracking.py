"""Cases about tracking: a data file whose name holds characters MLflow refuses in a model's
name still gets its own experiment, a run named after the model and the file, and a quiet stage.

The track stage is not one of the corpus's stages (it needs a DVC project): `check` makes the case
folder one and runs the stage in-process, then reads the run back from the store.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from corpus.runner import Case, csv_case, csv_overrides, table
from helpers import ROOT, all_runs
from mlflow import MlflowClient

from pipeline.stages import track

# every stage that writes a metrics file dvc.yaml declares (the track stage reads them all)
METRICS_STAGES = ("ingest", "validate", "features", "train", "evaluate", "crossval")
METRICS_STAGES += ("fairness", "correlation", "explain", "privacy", "dp")


def tracked(experiment: str, model: str) -> Callable[[Path], None]:
    """Run the track stage in the case folder: one run in `experiment`, named and logged right."""

    def check(folder: Path) -> None:
        from dvc.repo import Repo

        (folder / "dvc.yaml").write_bytes((ROOT / "dvc.yaml").read_bytes())
        Repo.init(no_scm=True).close()
        with pytest.MonkeyPatch.context() as patch:
            for name in ("MLFLOW_TRACKING_URI", "DVC_ROOT", "DVC_EXP_NAME"):
                patch.delenv(name, raising=False)
            with (
                contextlib.redirect_stdout(io.StringIO()) as out,
                contextlib.redirect_stderr(io.StringIO()) as err,
            ):
                track.main()
        assert err.getvalue() == "", err.getvalue()  # none of MLflow's messages
        client = MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
        (run,) = all_runs(client)
        assert client.get_experiment(run.info.experiment_id).name == experiment
        assert run.info.run_name == f"{model} · {experiment}"
        (output,) = run.outputs.model_outputs
        logged_model = client.get_logged_model(output.model_id).name
        assert logged_model == f"{model} · {experiment}".replace(":", "_").replace(".", "_")
        assert run.data.metrics["test/roc_auc"] > 0.9  # table(): age and colour predict y well
        assert run.data.tags["dataset.name"] == experiment
        assert not [key for key in run.data.params if key.startswith("paths.")]
        assert f"'{model} · {experiment}'" in out.getvalue()

    return check


CASES = [
    Case(
        "tracking_file_name_refused_in_model_names",
        csv_case(table(), name="sales:q3.v2.csv"),
        csv_overrides("sales:q3.v2.csv"),
        stages=METRICS_STAGES,
        check=tracked("csv-sales:q3.v2", "logistic_regression"),
    ),
]
