"""The fitted model as an MLflow logged model: scikit-learn flavour, signature, input example."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pipeline.tracking.datasets import column_schema, data_types_kept

INPUT_EXAMPLE_ROWS = 5
REFUSED = re.compile(r"[/:.%\"']")  # characters MLflow refuses in a logged model's name


def logged_model_name(model: str, dataset: str) -> str:
    """`random_forest · adult`: the model and the data it was fitted on, as MLflow accepts it."""
    return REFUSED.sub("_", f"{model} · {dataset}")


def log_model(model: Any, name: str, features: pd.DataFrame) -> Any:
    """Log the fitted Pipeline with the scikit-learn flavour, a signature and an input example.

    The signature has the raw feature columns with their own types, so the model takes the frame
    a user has. Serialised with pickle, like the pipeline's own model file: MLflow gates loading of
    every format behind MLFLOW_ALLOW_PICKLE_DESERIALIZATION (skops too, as skops's trust list
    travels inside the model), so skops would add seconds per run and protect nothing here.
    """
    import mlflow.sklearn
    from mlflow.models import ModelSignature, infer_signature

    example = features.head(INPUT_EXAMPLE_ROWS)
    with data_types_kept():
        outputs = infer_signature(example, model.predict(example)).outputs
    return mlflow.sklearn.log_model(
        model,
        name=name,
        signature=ModelSignature(inputs=column_schema(features), outputs=outputs),
        input_example=example,
        serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_PICKLE,
        pip_requirements=mlflow.sklearn.get_default_pip_requirements(),
    )
