"""Stage `explain`: what the fitted model relies on, on the test split (pipeline/explain/).

Permutation importance of every original feature and of each group of strongly associated
features, with bootstrap intervals and rank stability; for binary tasks, how much of each
sensitive attribute's disparity passes through each feature; partial dependence and ICE curves of
the top features beside the data's distribution.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import load_config
from pipeline.errors import run_stage
from pipeline.explain.analysis import explain
from pipeline.explain.config import ExplainConfig
from pipeline.explain.dependence import has_proba
from pipeline.explain.figures import dependence_figure, disparity_figure, importance_figure
from pipeline.explain.result import IMPORTANCE_FIGURE, ExplainResult
from pipeline.fairness.config import FairnessConfig
from pipeline.fairness.groups import audit_specs
from pipeline.io import read_json, read_pickle, write_csv, write_json
from pipeline.models.threads import cores, thread_independent
from pipeline.plots import save_figure
from pipeline.schema import Schema, read_schema
from pipeline.text import visible


def predicted_label(schema: Schema, probabilities: bool = True) -> str:
    """The y axis of a partial dependence figure: what the model's output is (a classifier
    without predict_proba gives decision values)."""
    output = "predicted probability" if probabilities else "decision value"
    if schema.task == "binary":
        return f"{output} of {schema.target} = {schema.positive_label}"
    if schema.task == "multiclass":
        return f"{output} of each class of {schema.target}"
    return f"predicted {schema.target}"


def write_plots(
    result: ExplainResult, curves: list, schema: Schema, folder: Path, probabilities: bool = True
) -> None:
    """importance.csv (for `dvc plots`), the partial dependence curves' numbers
    (dependence.json) and the figures, each where the result records it."""
    rows = [i.to_json() for i in result.importances]
    columns = ["name", "kind", "mean", "std", "low", "high", "rank", "rank_stability"]
    write_csv(folder / "importance.csv", pd.DataFrame(rows, columns=columns))
    save_figure(importance_figure(rows, result.metric), folder / IMPORTANCE_FIGURE)
    write_json(folder / "dependence.json", [c.to_json() for c in curves])
    by_name = {c.feature: c for c in curves}
    predicted = predicted_label(schema, probabilities)
    for curve in result.curves:
        if curve.figure is not None:
            drawn = dependence_figure(by_name[curve.feature], predicted)
            save_figure(drawn, folder / curve.figure)
    for sensitive, name in result.disparity_figures.items():
        found = [s.to_json() for s in result.shifts if s.sensitive == sensitive]
        save_figure(disparity_figure(found, sensitive), folder / name)


def main() -> None:
    config = load_config()
    settings = config.section(ExplainConfig, "explain")
    fairness = config.section(FairnessConfig, "fairness")
    schema = read_schema(config.paths.schema)
    attributes = [spec.name for spec in audit_specs(fairness, schema) if len(spec.attributes) == 1]
    model = read_pickle(config.paths.model)
    test = pd.read_parquet(config.paths.test)
    pairs = read_json(config.paths.correlation)["pairs"]
    # n_jobs cores only where the predictions do not depend on the number of threads
    with cores(config.n_jobs if thread_independent(model) else 1):
        result, curves = explain(model, test, schema, attributes, fairness.bins, pairs, settings,
                                 fairness.min_group_size, config.seed)  # fmt: skip
    folder = Path(config.paths.explain_plots)
    folder.mkdir(parents=True, exist_ok=True)
    write_plots(result, curves, schema, folder, has_proba(model))
    write_json(config.paths.explain, result.to_json())
    write_json(config.paths.explain_metrics, result.metrics())
    top = ", ".join(f"{visible(i.name)} {i.mean:.4f}" for i in result.ranked()[:3])
    sample = f" (a sample of {result.rows} of {result.test_rows})" if result.sampled else ""
    print(f"explain: {result.rows} test rows{sample}; top features by {result.metric}: {top}")
    if result.screening is not None:
        print(f"explain: {result.screening.method}")


if __name__ == "__main__":
    run_stage(main)
