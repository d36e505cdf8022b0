"""The correlation analysis of the training split, section by section: `correlate()`.

It measures every pairwise association, ranks the features by their association with the target
with Benjamini-Hochberg q-values, names the features that act as proxies of each sensitive
attribute, warns loudly about target leakage, sets partial correlations (controlling for
`dataset.confounders`) beside the raw ones, and works through why correlations arise by chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.correlation.caveats import CAVEATS
from pipeline.correlation.columns import OTHER_LEVEL, Column, encode
from pipeline.correlation.config import CorrelationConfig
from pipeline.correlation.leakage import leakage_scores, leaks, redundant_features
from pipeline.correlation.pairs import association_table, q_values, square
from pipeline.correlation.partial import confounding
from pipeline.correlation.proxies import flagged_proxies, proxies_by_attribute, proxy_table
from pipeline.correlation.result import CorrelationResult
from pipeline.correlation.rows import ColumnSummary, Pair
from pipeline.correlation.sections import Leakage, Matrices, Spurious
from pipeline.correlation.spurious import POOL_YEARS, multiple_comparisons, pool_cage, random_walks
from pipeline.correlation.tables import Tables
from pipeline.correlation.target import ranked, strongest, target_associations
from pipeline.errors import DataValidationError
from pipeline.schema import Schema

MATRIX_FIELDS = ("strength", "q_value", "pearson", "spearman", "eta", "cramers_v",
                 "cramers_v_corrected", "mutual_info", "mutual_info_r",
                 "mutual_info_q")  # fmt: skip


@dataclass(frozen=True, eq=False)
class Analysis:
    """What the stage writes: the typed result (JSON, metrics, figures) and the CSV tables."""

    result: CorrelationResult
    tables: Tables


def matrix_columns(schema: Schema) -> tuple[list[str], list[str]]:
    """(every column of the matrix in order, those treated as categorical).

    Sensitive attributes are groups, so categorical even when stored as numbers; the target is
    categorical unless the task is regression.
    """
    extra = [s for s in schema.sensitive if s not in schema.features and s != schema.target]
    names = [*schema.features, *extra, schema.target]
    categorical = [*schema.categorical, *schema.sensitive]
    if schema.task != "regression":
        categorical.append(schema.target)
    return names, categorical


def encode_frame(
    frame: pd.DataFrame, names: list[str], categorical: list[str], config: CorrelationConfig
) -> dict[str, Column]:
    """The matrix's columns of `frame`, encoded; a column of the schema must be there."""
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise DataValidationError(
            f"column '{missing[0]}' (in the schema) is missing from the training data; "
            "re-run the features stage"
        )
    return encode(frame[names], categorical, max_levels=config.max_levels, bins=config.bins)


def summary(column: Column) -> ColumnSummary:
    """A column's kind, missing rows, levels (or bins) and lumped levels, for the report."""
    return ColumnSummary(
        kind=column.kind,
        missing=int(column.missing.sum()),
        levels=len(column.levels),
        lumped_levels=column.lumped,
    )


def correlate(
    frame: pd.DataFrame,
    schema: Schema,
    config: CorrelationConfig,
    confounders: tuple[str, ...],
    seed: int,
) -> Analysis:
    """Every section of the correlation report for the training split `frame`."""
    names, categorical = matrix_columns(schema)
    columns = encode_frame(frame, names, categorical, config)
    table = association_table(columns, config.measures)
    table["q_value"] = q_values(table["p_value"])
    table.insert(table.columns.get_loc("mutual_info_p") + 1, "mutual_info_q",
                 q_values(table["mutual_info_p"]))  # fmt: skip
    model_columns = [*schema.features, schema.target]
    scores = leakage_scores({n: columns[n] for n in model_columns}, schema.target)
    target = target_associations(table, schema, scores)
    proxies = proxy_table(table, schema, config.proxy_threshold)
    leaked = leaks(scores, schema.target, config.leakage_threshold)
    walk_rng, null_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    walks, walk_histogram = random_walks(
        walk_rng, config.random_walks, len(POOL_YEARS), config.random_walk_threshold
    )
    tests = multiple_comparisons(
        table, table["q_value"].to_numpy(), config.alpha, null_rng, config.null_matrices
    )
    confounded, partial_table = confounding(columns, schema, confounders, config.alpha)
    ordered = table.sort_values(["strength", "a", "b"], ascending=[False, True, True])
    matrices = {field: square(table, names, field, np.nan) for field in MATRIX_FIELDS}
    warnings = [leak.message for leak in leaked]
    warnings += [
        f"'{c.name}' has more than correlation.max_levels={config.max_levels} levels: "
        f"{c.lumped} rare levels are merged into '{OTHER_LEVEL}'"
        for c in columns.values()
        if c.lumped
    ]
    result = CorrelationResult(
        split="train",
        rows=len(frame),
        task=schema.task,
        target=schema.target,
        config=config,
        columns={c.name: summary(c) for c in columns.values()},
        matrix=Matrices(
            columns=tuple(names),
            values={k: v for k, v in matrices.items() if np.isfinite(v).any()},
        ),
        pairs=tuple(Pair.from_json(row) for row in ordered.to_dict(orient="records")),
        target_associations=ranked(target),
        strongest_target_association=strongest(target),
        proxies=proxies_by_attribute(proxies, schema),
        flagged_proxies=flagged_proxies(proxies),
        leakage=Leakage(threshold=config.leakage_threshold, leaks=leaked),
        redundant_features=redundant_features(table, schema, config.leakage_threshold),
        confounding=confounded,
        spurious=Spurious(
            pool_drownings_and_nicolas_cage=pool_cage(1.0 - config.alpha),
            random_walks=walks,
            multiple_comparisons=tests,
        ),
        caveats=CAVEATS,
        warnings=tuple(warnings),
    )
    tables = Tables(
        target_associations=target,
        pairs=ordered,
        proxies=proxies,
        partial_correlations=partial_table,
        random_walks=walk_histogram,
    )
    return Analysis(result, tables)
