"""Stage `correlation`: honest association statistics on the training split.

It measures every pairwise association (pipeline/association.py), ranks the features by their
association with the target with Benjamini-Hochberg q-values, names the features that act as
proxies of each sensitive attribute, warns loudly about target leakage, sets partial correlations
(controlling for `dataset.confounders`) beside the raw ones, and works through why correlations
arise by chance: the pool-drownings and Nicolas Cage example, random walks, and the number of
"significant" pairs a matrix shows when nothing is related at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline import association as assoc
from pipeline.config import load_config
from pipeline.errors import ConfigError, DataValidationError, run_stage
from pipeline.io import write_csv, write_json
from pipeline.schema import Schema, read_schema

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# US deaths by drowning after falling into a swimming pool, and films with Nicolas Cage,
# 1999-2009: Tyler Vigen, "Spurious Correlations" (from CDC and IMDb figures).
POOL_YEARS = tuple(range(1999, 2010))
POOL_DROWNINGS = (109, 102, 102, 98, 85, 95, 96, 98, 123, 94, 102)
CAGE_FILMS = (2, 2, 2, 3, 1, 1, 2, 3, 4, 1, 4)
NULL_MATRIX_ROWS = 1000  # rows of each simulated null matrix (p-values are uniform at any size)
LEAKAGE_MEASURES = ("pearson", "spearman", "eta", "cramers_v")
LEAKAGE_FIELDS = ("pearson", "spearman", "eta", "cramers_v_corrected")
HISTOGRAM_BINS = 40

CAVEATS = {
    "causation": "Every number here describes co-occurrence in the training data. None of them "
    "says that one column causes another, in either direction; a third variable, the way the data "
    "were collected, or chance can produce any of them.",
    "pearson": "Pearson's r measures how well a straight line fits two numeric columns (-1 to 1). "
    "It misses curved or non-monotonic relations (r can be 0 when y = x**2) and a few extreme "
    "values can make or break it.",
    "spearman": "Spearman's rho is Pearson's r on ranks: it catches any monotonic relation and "
    "resists outliers, but still misses relations that go up and then down.",
    "eta": "The correlation ratio eta (0 to 1) is the share of a numeric column's spread "
    "explained by the groups of a categorical one (eta squared is the R squared of group means). "
    "It has no direction, and with many small groups it is inflated by chance.",
    "cramers_v": "Cramér's V (0 to 1) measures how far two categorical columns are from "
    "independent. The plain V is biased upward for small samples and many levels; the "
    "bias-corrected V (Bergsma 2013) reported as strength removes most of that. V has no "
    "direction and does not say which levels go together.",
    "mutual_info": "Mutual information (in nats) measures any kind of dependence, on binned "
    "numeric columns, so it is a scale shared by every pair type; mutual_info_r = "
    "sqrt(1 - exp(-2 MI)) "
    "puts it on a 0-1 scale equal to |r| for normal data. Binning loses detail, and the plug-in "
    "estimate is biased upward by about (rows-1)(columns-1)/(2n) nats of its table.",
    "p_values": "A p-value is the chance of an association at least this strong if the columns "
    "were independent. With tens of thousands of rows even negligible associations get tiny "
    "p-values: read the strength, not the p-value, to judge importance.",
    "q_values": "Testing many pairs makes some look significant by chance. Benjamini-Hochberg "
    "q-values control the expected share of false discoveries among the pairs called significant.",
    "partial": "A partial correlation removes the straight-line effect of the configured "
    "confounders from both columns. It only removes what the confounders explain linearly, only "
    "for the confounders you name, and controlling for a consequence of both columns (a "
    "collider) can create an association that was not there.",
    "proxies": "A feature strongly associated with a sensitive attribute lets a model reconstruct "
    "that attribute, so dropping the attribute does not make the model blind to it. A flag is a "
    "reason to audit the model's outcomes by group, not proof of unfair use.",
    "leakage": "A feature almost identical to the target usually records the outcome itself "
    "(or something known only after it). A model will look excellent in evaluation and fail in "
    "use, where that feature does not exist yet.",
    "redundant_features": "Two features that nearly determine each other carry the same "
    "information twice; a model's importances are split between them, and dropping one loses "
    "nothing.",
    "missing_values": "Each pair uses the rows where both columns are present (pairwise "
    "complete), so different pairs can rest on different rows; missing is not a category.",
    "high_cardinality": "A categorical column with more than correlation.max_levels levels keeps "
    "its most frequent levels and merges the rest into '(other)'; the count merged is in columns.",
}


@dataclass(frozen=True)
class CorrelationConfig:
    measures: tuple[str, ...]  # which coefficients to compute (see association.MEASURES)
    bins: int  # quantile bins of numeric columns for mutual information
    max_levels: int  # categorical levels kept; the rarest beyond are merged into "(other)"
    alpha: float  # significance level for p- and q-values
    proxy_threshold: float  # strength at which a feature is flagged as a proxy
    leakage_threshold: float  # |association| with the target at which a feature is a leak
    random_walks: int  # simulated pairs of independent random walks
    random_walk_threshold: float  # |r| counted as a "strong" correlation between two walks
    null_matrices: int  # simulated matrices of unrelated columns for the multiple-testing count

    def __post_init__(self) -> None:
        unknown = sorted(set(self.measures) - set(assoc.MEASURES))
        if not self.measures or unknown:
            raise ConfigError(
                f"correlation.measures is {list(self.measures)}; choose from "
                f"{', '.join(assoc.MEASURES)}"
            )
        for key in ("bins", "max_levels", "random_walks", "null_matrices"):
            if getattr(self, key) < (2 if key in ("bins", "max_levels") else 1):
                raise ConfigError(f"correlation.{key} is {getattr(self, key)}; it is too small")
        for key in ("alpha", "proxy_threshold", "leakage_threshold", "random_walk_threshold"):
            if not 0.0 < getattr(self, key) <= 1.0:
                raise ConfigError(f"correlation.{key} is {getattr(self, key)}; use (0, 1]")


# --- roles and the matrix -----------------------------------------------------------------------


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
) -> dict[str, assoc.Column]:
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise DataValidationError(
            f"column '{missing[0]}' (in the schema) is missing from the training data; "
            "re-run the features stage"
        )
    return assoc.encode(frame[names], categorical, max_levels=config.max_levels, bins=config.bins)


def leakage_score(row: pd.Series | dict) -> tuple[float, str | None]:
    """The largest |coefficient| of a pair among Pearson, Spearman, eta and corrected V, and its
    name; (NaN, None) when none is defined."""
    best: tuple[float, str | None] = (float("nan"), None)
    for field in LEAKAGE_FIELDS:
        value = abs(row[field])
        if pd.notna(value) and not value <= best[0]:
            best = (float(value), field)
    return best


def leak_record(column: str, target: str, measure: str, value: float, threshold: float) -> dict:
    message = (
        f"TARGET LEAKAGE? '{column}' is almost a copy of the target '{target}' "
        f"({measure} = {value:.4f} >= correlation.leakage_threshold = {threshold}); a column that "
        "reveals the outcome will not exist when the model is used: drop it (features.drop) "
        "unless it truly is known before the outcome"
    )
    return {"column": column, "measure": measure, "value": value, "message": message}


def leakage_scores(columns: dict[str, assoc.Column], target: str) -> pd.DataFrame:
    """Each column's leakage score with `target`: its largest |coefficient| among Pearson,
    Spearman, eta and corrected V, whatever `correlation.measures` says."""
    pairs = [(name, target) for name in columns if name != target]
    table = assoc.association_table(columns, LEAKAGE_MEASURES, pairs)
    scores = [leakage_score(row) for _, row in table.iterrows()]
    return pd.DataFrame(
        {
            "feature": table["a"],
            "leakage_score": [value for value, _ in scores],
            "leakage_measure": [measure for _, measure in scores],
        }
    )


def leaks(scores: pd.DataFrame, target: str, threshold: float) -> list[dict]:
    """The columns whose leakage score reaches `threshold`, strongest first."""
    found = scores[scores["leakage_score"] >= threshold]
    found = found.sort_values(["leakage_score", "feature"], ascending=[False, True])
    return [
        leak_record(row.feature, target, row.leakage_measure, row.leakage_score, threshold)
        for row in found.itertuples()
    ]


def find_leakage(
    frame: pd.DataFrame, target: str, task: str, config: CorrelationConfig
) -> list[dict]:
    """Columns of `frame` whose association with `target` reaches the leakage threshold.

    Pure and fast enough for the raw table in the validate stage: one pass per column.
    """
    columns = assoc.encode(
        frame,
        [target] if task != "regression" else [],
        max_levels=config.max_levels,
        bins=None,
    )
    return leaks(leakage_scores(columns, target), target, config.leakage_threshold)


def redundant_features(table: pd.DataFrame, schema: Schema, threshold: float) -> list[dict]:
    """Pairs of features that nearly determine each other (such as a label and its numeric
    code): one of them adds nothing for a model, and importances get split between them."""
    features = set(schema.features)
    pairs = table[table["a"].isin(features) & table["b"].isin(features)]
    return [
        {"a": row["a"], "b": row["b"], "measure": measure, "value": value}
        for _, row in pairs.iterrows()
        for value, measure in [leakage_score(row)]
        if value >= threshold
    ]


def target_associations(table: pd.DataFrame, schema: Schema, scores: pd.DataFrame) -> pd.DataFrame:
    """Each feature's association with the target, strongest first, with BH q-values and the
    leakage score."""
    features = set(schema.features)
    rows = table[(table["b"] == schema.target) & table["a"].isin(features)].copy()
    rows = rows.rename(columns={"a": "feature"})
    rows["q_value"] = assoc.q_values(rows["p_value"])
    rows = rows.merge(scores, on="feature", how="left", validate="one_to_one")
    rows = rows.sort_values(["strength", "feature"], ascending=[False, True], na_position="last")
    rows.insert(0, "rank", np.arange(1, len(rows) + 1))
    keep = ["rank", "feature", "kind", "strength_measure", "strength", "p_value", "q_value",
            "mutual_info", "mutual_info_r", "leakage_score", "leakage_measure", "n"]  # fmt: skip
    return rows[keep].reset_index(drop=True)


def proxy_table(table: pd.DataFrame, schema: Schema, threshold: float) -> pd.DataFrame:
    """For each sensitive attribute, the features most associated with it; flagged at threshold.

    q-values are computed within each attribute's family of tests.
    """
    frames = []
    features = set(schema.features)
    for sensitive in schema.sensitive:
        mask = ((table["a"] == sensitive) & table["b"].isin(features)) | (
            (table["b"] == sensitive) & table["a"].isin(features)
        )
        rows = table[mask].copy()
        rows["feature"] = np.where(rows["a"] == sensitive, rows["b"], rows["a"])
        rows["sensitive"] = sensitive
        rows["q_value"] = assoc.q_values(rows["p_value"])
        rows["flagged"] = rows["strength"] >= threshold
        rows = rows.sort_values(["strength", "feature"], ascending=[False, True])
        rows["rank"] = np.arange(1, len(rows) + 1)
        frames.append(rows)
    keep = ["sensitive", "rank", "feature", "kind", "strength_measure", "strength", "p_value",
            "q_value", "mutual_info_r", "n", "flagged"]  # fmt: skip
    if not frames:
        # boolean `flagged`, so that selecting the flagged rows of no rows keeps the columns
        return pd.DataFrame(columns=keep).astype({"flagged": bool})
    return pd.concat(frames, ignore_index=True)[keep]


def confounding(
    columns: dict[str, assoc.Column], schema: Schema, confounders: tuple[str, ...], alpha: float
) -> dict:
    """Raw and partial correlations of the numeric columns (and a binary or numeric target as a
    number), controlling for `confounders` (dataset.confounders)."""
    for name in confounders:
        if name not in columns:
            raise ConfigError(
                f"dataset.confounders names '{name}', which is not a column of the training "
                f"data; columns are {list(columns)}"
            )
    numeric = [
        c for name, c in columns.items()
        if c.kind == assoc.NUMERIC and name not in confounders and name != schema.target
    ]  # fmt: skip
    target = columns[schema.target]
    if schema.task == "binary":
        as_number = np.where(target.codes < 0, np.nan, target.codes.astype(np.float64))
        numeric.append(assoc.numeric_column(target.name, as_number, bins=None))
    elif schema.task == "regression":
        numeric.append(target)
    skipped = sorted(
        name for name, c in columns.items()
        if name not in confounders and name not in {c.name for c in numeric}
    )  # fmt: skip
    if not confounders:
        return {"confounders": [], "pairs": [], "not_covered": skipped,
                "note": "no confounders configured (dataset.confounders)"}  # fmt: skip
    pairs = assoc.partial_correlations(numeric, [columns[n] for n in confounders])
    pairs["raw_q"] = assoc.q_values(pairs["raw_p"])
    pairs["partial_q"] = assoc.q_values(pairs["partial_p"])
    pairs["explained"] = (pairs["raw_q"] < alpha) & ~(pairs["partial_q"] < alpha)
    pairs["involves_target"] = (pairs["a"] == schema.target) | (pairs["b"] == schema.target)
    pairs["shrink"] = pairs["raw"].abs() - pairs["partial"].abs()
    pairs = pairs.sort_values(
        ["involves_target", "shrink", "a", "b"], ascending=[False, False, True, True]
    )
    return {
        "confounders": list(confounders),
        "pairs": pairs.to_dict(orient="records"),
        "not_covered": skipped,
        "note": "categorical columns in not_covered have no partial correlation here; a binary "
        "target enters as 0/1",
    }


# --- spurious correlation -----------------------------------------------------------------------


def pool_cage() -> dict:
    """Pearson, Spearman and first-differenced Pearson of the pool-drownings/Cage series."""
    pool = np.asarray(POOL_DROWNINGS, dtype=float)
    cage = np.asarray(CAGE_FILMS, dtype=float)
    n = len(pool)
    r = assoc.pearson_pair(pool, cage)
    rho = assoc.spearman_pair(pool, cage)
    diff = assoc.pearson_pair(np.diff(pool), np.diff(cage))
    return {
        "source": "Tyler Vigen, Spurious Correlations (CDC and IMDb figures)",
        "years": list(POOL_YEARS),
        "pool_drownings": list(POOL_DROWNINGS),
        "nicolas_cage_films": list(CAGE_FILMS),
        "n": n,
        "pearson": {"r": r, "p": float(assoc.pearson_p(r, n))},
        "spearman": {"rho": rho, "p": float(assoc.t_test_p(rho, n - 2))},
        "differenced_pearson": {"r": diff, "p": float(assoc.pearson_p(diff, n - 1)), "n": n - 1},
        "reading": f"r = {r:.3f} (p = {float(assoc.pearson_p(r, n)):.3f}) on {n} yearly points. "
        f"The two series hardly trend, so first differencing does not remove it (r = {diff:.3f}). "
        "It is spurious because it was found by searching: compare enough unrelated series and "
        "some pairs will match this well; see random_walks and multiple_comparisons.",
    }


def random_walks(
    rng: np.random.Generator, pairs: int, length: int, threshold: float
) -> tuple[dict, pd.DataFrame]:
    """How often two independent random walks correlate beyond `threshold`, in levels and in
    first differences (the walks' independent steps)."""
    steps = rng.standard_normal((2, pairs, length))
    walks = np.cumsum(steps, axis=2)
    levels = assoc.rowwise_pearson(walks[0], walks[1])
    differences = assoc.rowwise_pearson(steps[0][:, 1:], steps[1][:, 1:])
    edges = np.linspace(-1.0, 1.0, HISTOGRAM_BINS + 1)
    histogram = pd.DataFrame(
        {
            "r": (edges[:-1] + edges[1:]) / 2,
            "levels": np.histogram(levels, edges)[0],
            "differences": np.histogram(differences, edges)[0],
        }
    )
    summary = {
        "pairs": pairs,
        "length": length,
        "threshold": threshold,
        "exceed_levels": float(np.mean(np.abs(levels) > threshold)),
        "exceed_differences": float(np.mean(np.abs(differences) > threshold)),
    }
    summary["reading"] = (
        f"{summary['exceed_levels']:.1%} of {pairs} pairs of independent random walks of length "
        f"{length} have |r| > {threshold} in levels, {summary['exceed_differences']:.1%} after "
        "first differencing: trends alone make unrelated series look correlated."
    )
    return summary, histogram


def multiple_comparisons(
    table: pd.DataFrame, q: np.ndarray, alpha: float, rng: np.random.Generator, matrices: int
) -> dict:
    """Significant pairs in the matrix at `alpha`, beside what unrelated columns give by chance."""
    tested = table["p_value"].notna().to_numpy()
    m = int(tested.sum())
    columns = len(set(table["a"]) | set(table["b"]))
    pairs = columns * (columns - 1) // 2
    below_p, below_q = [], []
    for _ in range(matrices):
        r = assoc.correlation_matrix(rng.standard_normal((NULL_MATRIX_ROWS, columns)))
        p = assoc.pearson_p(r[np.triu_indices(columns, 1)], NULL_MATRIX_ROWS)
        below_p.append(int(np.sum(p < alpha)))
        below_q.append(int(np.sum(assoc.q_values(p) < alpha)))
    significant = int(np.sum(table["p_value"].to_numpy()[tested] < alpha))
    after_fdr = int(np.sum(q[tested] < alpha))
    reading = (
        f"Of {m} pairs, {significant} have p < {alpha} and {after_fdr} keep q < {alpha}. If no "
        f"pair were related, about {alpha * m:.1f} would still have p < {alpha}: in {matrices} "
        f"simulated matrices of {columns} unrelated columns, {np.mean(below_p):.2f} pairs per "
        f"matrix had p < {alpha} and {np.mean(below_q):.2f} survived FDR control."
    )
    return {
        "alpha": alpha,
        "reading": reading,
        "matrix": {
            "tested_pairs": m,
            "significant": significant,
            "expected_false_if_all_independent": alpha * m,
            "significant_after_fdr": after_fdr,
        },
        "null": {
            "matrices": matrices,
            "columns": columns,
            "pairs": pairs,
            "rows": NULL_MATRIX_ROWS,
            "mean_significant": float(np.mean(below_p)),
            "mean_significant_after_fdr": float(np.mean(below_q)),
            "share_with_any_after_fdr": float(np.mean(np.asarray(below_q) > 0)),
        },
    }


# --- the stage ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    report: dict
    metrics: dict
    tables: dict[str, pd.DataFrame]  # CSV files by name
    strength: np.ndarray  # for the heatmaps
    mutual_info_r: np.ndarray
    names: list[str]


def correlate(
    frame: pd.DataFrame,
    schema: Schema,
    config: CorrelationConfig,
    confounders: tuple[str, ...],
    seed: int,
) -> Result:
    """Every section of the correlation report for the training split `frame`."""
    names, categorical = matrix_columns(schema)
    columns = encode_frame(frame, names, categorical, config)
    table = assoc.association_table(columns, config.measures)
    table["q_value"] = assoc.q_values(table["p_value"])
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
    confounded = confounding(columns, schema, confounders, config.alpha)
    flagged = proxies[proxies["flagged"]]
    ranked = table.sort_values(["strength", "a", "b"], ascending=[False, True, True])
    matrices = {
        field: assoc.square(table, names, field, np.nan)
        for field in ("strength", "pearson", "spearman", "eta", "cramers_v",
                      "cramers_v_corrected", "mutual_info", "mutual_info_r")
    }  # fmt: skip
    top = target.iloc[0] if len(target) and pd.notna(target["strength"].iloc[0]) else None
    warnings = [leak["message"] for leak in leaked]
    warnings += [
        f"'{c.name}' has more than correlation.max_levels={config.max_levels} levels: "
        f"{c.lumped} rare levels are merged into '{assoc.OTHER_LEVEL}'"
        for c in columns.values()
        if c.lumped
    ]
    report = {
        "split": "train",
        "rows": len(frame),
        "task": schema.task,
        "target": schema.target,
        "config": asdict(config),
        "columns": {
            c.name: {
                "kind": c.kind,
                "missing": int(c.missing.sum()),
                "levels" if c.kind == assoc.CATEGORICAL else "bins": len(c.levels),
                "lumped_levels": c.lumped,
            }
            for c in columns.values()
        },
        "matrix": {
            "columns": names,
            "diagonal": "null: a column with itself is not a pair",
            **{k: v.tolist() for k, v in matrices.items() if np.isfinite(v).any()},
        },
        "pairs": ranked.to_dict(orient="records"),
        "target_associations": target.to_dict(orient="records"),
        "strongest_target_association": None
        if top is None
        else {
            "feature": top["feature"],
            "measure": top["strength_measure"],
            "strength": top["strength"],
        },  # fmt: skip
        "proxies": {
            s: proxies[proxies["sensitive"] == s].drop(columns="sensitive").to_dict("records")
            for s in schema.sensitive
        },
        "flagged_proxies": flagged[
            ["sensitive", "feature", "strength_measure", "strength"]
        ].to_dict(orient="records"),
        "leakage": {"threshold": config.leakage_threshold, "leaks": leaked},
        "redundant_features": redundant_features(table, schema, config.leakage_threshold),
        "confounding": confounded,
        "spurious": {
            "pool_drownings_and_nicolas_cage": pool_cage(),
            "random_walks": walks,
            "multiple_comparisons": tests,
        },
        "caveats": CAVEATS,
        "warnings": warnings,
    }
    metrics = {
        "correlation/n_rows": len(frame),
        "correlation/n_pairs": tests["matrix"]["tested_pairs"],
        "correlation/n_significant": tests["matrix"]["significant"],
        "correlation/n_significant_after_fdr": tests["matrix"]["significant_after_fdr"],
        "correlation/n_proxies": len(flagged),
        "correlation/n_leaks": len(leaked),
        "correlation/n_explained_by_confounders": int(
            sum(bool(p["explained"]) for p in confounded["pairs"])
        ),
        "correlation/strongest_target_association": None if top is None else top["strength"],
        "correlation/random_walks/exceed_levels": walks["exceed_levels"],
        "correlation/random_walks/exceed_differences": walks["exceed_differences"],
    }
    tables = {
        "target_associations.csv": target,
        "pairs.csv": ranked,
        "proxies.csv": proxies,
        "partial_correlations.csv": pd.DataFrame(confounded["pairs"]),
        "random_walks.csv": walk_histogram,
    }
    return Result(report, metrics, tables, matrices["strength"], matrices["mutual_info_r"], names)


def heatmap(matrix: np.ndarray, names: list[str], title: str) -> Figure:
    """A 0-1 heatmap of a symmetric matrix, annotated when small."""
    import matplotlib.pyplot as plt  # imported here: validate uses this module without plotting

    size = max(5.0, 0.45 * len(names) + 2.5)
    figure, axes = plt.subplots(figsize=(size + 1.0, size))
    image = axes.imshow(np.ma.masked_invalid(matrix), vmin=0.0, vmax=1.0, cmap="viridis")
    axes.set_xticks(range(len(names)), names, rotation=90, fontsize=8)
    axes.set_yticks(range(len(names)), names, fontsize=8)
    axes.set_facecolor("#dddddd")
    if len(names) <= 25:
        for i, j in zip(*np.nonzero(np.isfinite(matrix)), strict=True):
            colour = "white" if matrix[i, j] < 0.6 else "black"
            axes.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=6,
                      color=colour)  # fmt: skip
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def write_plots(result: Result, folder: Path) -> None:
    from pipeline.plots import save_figure

    for name, frame in result.tables.items():
        write_csv(folder / name, frame)
    save_figure(
        heatmap(result.strength, result.names,
                "Association strength (training split)\n|Pearson r| numeric pairs, eta "
                "numeric-categorical, bias-corrected Cramér's V categorical"),
        folder / "heatmap.png",
    )  # fmt: skip
    if np.isfinite(result.mutual_info_r).any():
        save_figure(
            heatmap(result.mutual_info_r, result.names,
                    "Mutual information on a correlation scale, sqrt(1 - exp(-2 MI))\n"
                    "(numeric columns binned), every pair type"),
            folder / "mutual_info.png",
        )  # fmt: skip


def main() -> None:
    config = load_config()
    settings = config.section(CorrelationConfig, "correlation")
    schema = read_schema(config.paths.schema)
    frame = pd.read_parquet(config.paths.train)
    result = correlate(frame, schema, settings, config.dataset.confounders, config.seed)
    write_plots(result, Path(config.paths.correlation_plots))
    write_json(config.paths.correlation, result.report)
    write_json(config.paths.correlation_metrics, result.metrics)
    for warning in result.report["warnings"]:
        print(f"correlation: WARNING: {warning}")
    top = result.report["strongest_target_association"]
    print(
        f"correlation: {len(result.report['pairs'])} pairs on {len(frame)} training rows; "
        f"{result.metrics['correlation/n_proxies']} proxies flagged, "
        f"{result.metrics['correlation/n_leaks']} leaks"
        + (f"; strongest target association: {top['feature']} {top['strength']:.3f}" if top else "")
    )


if __name__ == "__main__":
    run_stage(main)
