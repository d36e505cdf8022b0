"""The correlation analysis of the training split, section by section: `correlate()`.

It measures every pairwise association, ranks the features by their association with the target
with Benjamini-Hochberg q-values, names the features that act as proxies of each sensitive
attribute, warns loudly about target leakage, sets partial correlations (controlling for
`dataset.confounders`) beside the raw ones, and works through why correlations arise by chance.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.correlation.caveats import CAVEATS
from pipeline.correlation.columns import OTHER_LEVEL, CategoricalColumn, Column, encode
from pipeline.correlation.config import CorrelationConfig
from pipeline.correlation.figures import MAX_COLUMNS
from pipeline.correlation.leakage import leakage_scores, leaks, redundant_features
from pipeline.correlation.pairs import association_table, q_values, square
from pipeline.correlation.partial import confounding
from pipeline.correlation.proxies import flagged_proxies, proxies_by_attribute, proxy_table
from pipeline.correlation.result import CorrelationResult
from pipeline.correlation.rows import ColumnSummary, Pair
from pipeline.correlation.sections import Leakage, Matrices, Screening, Spurious
from pipeline.correlation.spurious import POOL_YEARS, multiple_comparisons, pool_cage, random_walks
from pipeline.correlation.tables import Tables
from pipeline.correlation.target import ranked, strongest, target_associations
from pipeline.correlation.wide import (
    MAX_PAIRS,
    coefficient_matrices,
    is_wide,
    screened_names,
    wide_table,
)
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


def listed_names(names: tuple[str, ...], shown: int = 5) -> str:
    """A few names, and how many more."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(f"'{n}'" for n in names[:shown]) + more


def summary(column: Column) -> ColumnSummary:
    """A column's kind, missing rows, levels (or bins) and lumped levels, for the report."""
    return ColumnSummary(
        kind=column.kind,
        missing=int(column.missing.sum()),
        levels=len(column.levels),
        lumped_levels=column.lumped,
    )


def constant(column: Column) -> bool:
    """Whether a column holds at most one distinct value (missing values aside)."""
    if isinstance(column, CategoricalColumn):
        return len(np.unique(column.codes[column.codes >= 0])) <= 1
    present = column.values[~column.missing]
    return len(present) == 0 or bool(np.all(present == present[0]))


def pair_table(
    columns: dict[str, Column], schema: Schema, config: CorrelationConfig
) -> tuple[pd.DataFrame, pd.DataFrame, Screening | None]:
    """(the pairs measured in full with q-values, every pair's strength, p- and q-value, the
    screening of a wide table or None): every pair in full unless the table is wide."""
    if is_wide(list(columns)):
        anchors = {schema.target, *schema.sensitive}
        wide = wide_table(columns, anchors, set(config.measures), config.alpha)
        return wide.measured, wide.family, wide.screening
    table = association_table(columns, config.measures)
    table["q_value"] = q_values(table["p_value"])
    table.insert(table.columns.get_loc("mutual_info_p") + 1, "mutual_info_q",
                 q_values(table["mutual_info_p"]))  # fmt: skip
    return table, table, None


def wide_matrices(
    columns: dict[str, Column],
    table: pd.DataFrame,
    family: pd.DataFrame,
    target: str,
    measures: set[str],
) -> Matrices:
    """A wide table's matrices over the target and the MAX_COLUMNS - 1 features most associated
    with it (a wide table's strongest pairs are often rare columns that copy each other, such as
    two pixels inked once): strength and q-value of every pair among them, Pearson and Spearman
    of their complete numeric columns, the other coefficients where measured (mutual information,
    measured for few pairs, is left out)."""
    names = list(columns)
    strength = square_of(family, names, "strength")[names.index(target)]
    ranked = np.lexsort((np.arange(len(names)), -np.nan_to_num(strength, nan=-1.0)))
    features = [int(i) for i in ranked if names[i] != target][: MAX_COLUMNS - 1]
    chosen = [names[i] for i in sorted([names.index(target), *features])]
    inside = set(chosen)
    among = family[family["a"].isin(inside) & family["b"].isin(inside)]
    matrices = {field: square_of(among, chosen, field) for field in ("strength", "q_value")}
    complete = [n for n in chosen if n in screened_names(columns, {target})]
    index = [chosen.index(n) for n in complete]
    for field, matrix in coefficient_matrices([columns[n] for n in complete],  # type: ignore[misc]
                                              measures).items():  # fmt: skip
        matrices[field] = np.full((len(chosen), len(chosen)), np.nan)
        matrices[field][np.ix_(index, index)] = matrix
    measured = table[table["a"].isin(inside) & table["b"].isin(inside)]
    for field in MATRIX_FIELDS:
        if field.startswith("mutual_info"):
            continue
        values = square_of(measured, chosen, field)
        base = matrices.get(field, np.full_like(values, np.nan))
        matrices[field] = np.where(np.isnan(values), base, values)
        np.fill_diagonal(matrices[field], np.nan)
    return Matrices(
        columns=tuple(chosen),
        values={k: matrices[k] for k in MATRIX_FIELDS
                if k in matrices and np.isfinite(matrices[k]).any()},
        total=len(names),
    )  # fmt: skip


def square_of(table: pd.DataFrame, names: list[str], field: str) -> np.ndarray:
    """`square` without a Python loop over the pairs: a wide table has hundreds of thousands."""
    index = pd.Index(names)
    matrix = np.full((len(names), len(names)), np.nan)
    i, j = index.get_indexer(table["a"]), index.get_indexer(table["b"])
    values = table[field].to_numpy(dtype=np.float64)
    matrix[i, j] = matrix[j, i] = values
    return matrix


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
    kept = {schema.target, *schema.sensitive, *confounders}
    skipped = tuple(n for n in names if n not in kept and constant(columns[n]))
    if skipped:
        names = [n for n in names if n not in skipped]
        columns = {n: columns[n] for n in names}
        schema = dataclasses.replace(
            schema, numeric=tuple(c for c in schema.numeric if c not in skipped),
            categorical=tuple(c for c in schema.categorical if c not in skipped),
        )  # fmt: skip
    table, family, screening = pair_table(columns, schema, config)
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
        family, family["q_value"].to_numpy(), config.alpha, null_rng, config.null_matrices
    )
    confounded, partial_table = confounding(columns, schema, confounders, config.alpha)
    ordered = table.sort_values(["strength", "a", "b"], ascending=[False, True, True])
    if screening is None:
        matrices = {field: square(table, names, field, np.nan) for field in MATRIX_FIELDS}
        matrix = Matrices(
            columns=tuple(names),
            values={k: v for k, v in matrices.items() if np.isfinite(v).any()},
        )
        listed = ordered
    else:
        matrix = wide_matrices(columns, table, family, schema.target, set(config.measures))
        listed = ordered.head(MAX_PAIRS)
    warnings = [leak.message for leak in leaked]
    if skipped:
        warnings.append(
            f"{len(skipped)} constant columns (a single value in the training split) are left "
            f"out of every pair: {listed_names(skipped)}"
        )
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
        matrix=matrix,
        pairs=tuple(Pair.from_json(row) for row in listed.to_dict(orient="records")),
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
        constant_columns=skipped,
        screening=screening,
    )
    tables = Tables(
        target_associations=target,
        pairs=ordered,
        proxies=proxies,
        partial_correlations=partial_table,
        random_walks=walk_histogram,
    )
    return Analysis(result, tables)
