"""Stage `dp`: the configured model fitted on a differentially private synthetic training table
at each of dp.epsilons, against the model fitted on the real rows, on the real test split
(pipeline/dp/). Off while dp.epsilons is empty: the models and their libraries are then not
even imported."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.dp.config import DpConfig
from pipeline.dp.figures import FIGURE, dp_figure
from pipeline.dp.result import OFF, DpResult, epsilon_key
from pipeline.errors import run_stage
from pipeline.io import write_json
from pipeline.plots import save_figure


def swept(config: Config, settings: DpConfig) -> DpResult:
    """The sweep over dp.epsilons, on the stage's inputs."""
    import pandas as pd

    from pipeline.data.features import FeaturesConfig
    from pipeline.dp.sweep import Inputs, sweep
    from pipeline.fairness.config import FairnessConfig
    from pipeline.models.config import read_model
    from pipeline.models.threads import cores
    from pipeline.predictions import Predictions
    from pipeline.schema import read_schema

    with cores(config.n_jobs):
        inputs = Inputs(
            train=pd.read_parquet(config.paths.train),
            test=pd.read_parquet(config.paths.test),
            schema=read_schema(config.paths.schema),
            cuts=config.dataset.dp_cuts,
            features=config.section(FeaturesConfig, "features"),
            model=read_model(config),
            fairness=config.section(FairnessConfig, "fairness"),
            settings=settings,
            seed=config.seed,
        )
        return sweep(inputs, Predictions.read(config.paths.predictions).y_pred)


def main() -> None:
    config = load_config()
    settings = config.section(DpConfig, "dp")
    folder = Path(config.paths.dp_plots)
    folder.mkdir(parents=True, exist_ok=True)
    result = swept(config, settings) if settings.epsilons else DpResult(OFF)
    save_figure(dp_figure(result), folder / FIGURE)
    write_json(config.paths.dp, result.to_json())
    write_json(config.paths.dp_metrics, result.metrics())
    for run in result.runs:
        found = run.accuracy
        bounds = found["interval"]
        interval = "" if bounds is None else f" [{bounds[0]:.3f}, {bounds[1]:.3f}]"
        each = ", ".join(f"{v:.3f}" for v in found.get("releases", []) if v is not None)
        print(f"dp: {epsilon_key(run.epsilon)}: test accuracy {found['value']:.3f}{interval}"
              + (f" (releases: {each})" if each else ""))  # fmt: skip
    print(f"dp: {result.status}")


if __name__ == "__main__":
    run_stage(main)
