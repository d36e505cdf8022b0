"""A differentially private synthetic training table from OpenDP's MST synthesizer (OpenDP 0.16,
`opendp.extras.mbi`, McKenna, Miklau and Sheldon 2021).

What is released, and under which guarantee:
- The unit of privacy is one row of the training split (`unit_of(contributions=1)`); the release
  is (epsilon, delta)-differentially private (Laplace noise, `loss_of(epsilon, delta)`).
- Numeric columns are binned by public edges (dataset.dp_cuts, chosen without the data); a
  synthetic value is drawn uniformly inside its bin.
- The target's classes are public (they define the task); every other category name is released
  privately: a category appears only when its noisy count clears a threshold, which is what delta
  pays for. A category the threshold drops comes back as missing.
- The number of synthetic rows is the noisy total, not the training split's length, which is
  private too.

OpenDP draws its noise from a secure source that no seed reaches, so two releases differ; the
sampling of synthetic rows from the released model is seeded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError, DataValidationError
from pipeline.schema import Schema
from pipeline.text import visible

SAFETY = 1 - 1e-12  # OpenDP 0.16's budget split can overshoot by one float step (see _opendp)


@dataclass(frozen=True)
class Synthetic:
    """The synthetic training table (feature columns and target, the training split's dtypes) and
    the synthesized rows dropped because their target came back missing."""

    frame: pd.DataFrame
    rows_without_target: int


def _opendp() -> Any:
    """OpenDP's prelude with its contrib features on. MST in OpenDP 0.16 splits its budget with
    `prior(prior(d_out - d_measure))`, which can exceed the budget by a float step and fail the
    release ("insufficient budget for query"); spending a 1e-12 smaller share keeps every
    release within its budget."""
    try:
        import opendp.prelude as dp
        from opendp.extras.mbi import _aim, _mst
        from opendp.extras.mbi._utilities import prior
    except ImportError:
        raise ConfigError(
            "dp.epsilons needs OpenDP with mbi (the `dp` dependency group): run `make install`"
        ) from None
    dp.enable_features("contrib")
    _mst.prior = _aim.prior = lambda x: prior(x * SAFETY)
    return dp


def public_cuts(
    frame: pd.DataFrame, schema: Schema, cuts: Mapping[str, Sequence[float]] | None
) -> dict[str, list[int] | list[float]]:
    """The bin edges of every numeric feature, as the column's own number type; a numeric feature
    without edges, edges of another column, or edges out of order are configuration errors."""
    cuts = dict(cuts or {})
    for name in cuts:
        if name not in schema.numeric:
            raise ConfigError(
                f"dataset.dp_cuts names '{visible(name)}', which is not a numeric feature; the "
                f"numeric features are {', '.join(map(visible, schema.numeric)) or 'none'}"
            )
    out: dict[str, list[int] | list[float]] = {}
    for name in schema.numeric:
        if name not in cuts:
            raise ConfigError(
                f"dp needs public bin edges for numeric column '{visible(name)}': add "
                f"dataset.dp_cuts.{visible(name)}, edges chosen without looking at the data "
                "(from its codebook or known ranges)"
            )
        edges = [float(edge) for edge in cuts[name]]
        if not edges or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
            raise ConfigError(
                f"dataset.dp_cuts.{visible(name)} is {edges}; give at least one edge, strictly "
                "increasing"
            )
        if missing := int(frame[name].isna().sum()):
            raise DataValidationError(
                f"numeric column '{visible(name)}' has {missing} missing values in the training "
                f"split; OpenDP's synthesizer would release them in its top bin (above "
                f"{edges[-1]:g}): fill or drop them before the dp stage, or set dp.epsilons=[]"
            )
        integral = all(edge.is_integer() for edge in edges)
        if pd.api.types.is_integer_dtype(frame[name]) and integral:
            out[name] = [int(edge) for edge in edges]
        else:
            out[name] = edges
    return out


@contextmanager
def seeded_numpy(seed: int) -> Iterator[None]:
    """numpy's global generator seeded for the block (mbi and OpenDP sample synthetic rows from
    it: the legacy global generator is theirs, not ours), then restored."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def to_polars(frame: pd.DataFrame, cuts: Mapping[str, list[int] | list[float]]) -> Any:
    """The columns as OpenDP reads them: numbers with float edges as floats, text as text."""
    import polars as pl

    columns = {}
    for name in frame.columns:
        values = frame[name]
        if name in cuts and isinstance(cuts[name][0], float):
            columns[name] = pl.Series(name, values.to_numpy(dtype=np.float64))
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            columns[name] = pl.Series(name, values.to_numpy())
        else:
            text = values.astype(object).where(values.notna(), None)
            columns[name] = pl.Series(name, [None if v is None else str(v) for v in text])
    return pl.DataFrame(columns)


def synthesize(
    train: pd.DataFrame,
    schema: Schema,
    cuts: Mapping[str, Sequence[float]] | None,
    epsilon: float,
    delta: float,
    seed: int,
) -> Synthetic:
    """A synthetic table of the training split's features and target, released at (epsilon,
    delta) by MST."""
    dp = _opendp()
    columns = [*schema.features, schema.target]
    bins = public_cuts(train, schema, cuts)
    # OpenDP sees positional names (c0, c1, ...): a column's name stays data, whatever it holds
    alias = {name: f"c{i}" for i, name in enumerate(columns)}
    data = to_polars(train[columns], bins).rename(alias)
    keys = {alias[schema.target]: list(schema.classes)}
    # with no categorical feature every column is keyed or cut: no category is released, and
    # OpenDP asks for delta 0 (a pure release, which is within (epsilon, delta))
    spent = delta if schema.categorical else 0.0
    context = dp.Context.compositor(
        data=data.lazy(),
        privacy_unit=dp.unit_of(contributions=1),
        privacy_loss=dp.loss_of(epsilon=epsilon, delta=spent),
        split_evenly_over=1,
    )
    query = context.query().contingency_table(
        keys=keys, cuts={alias[k]: v for k, v in bins.items()}, algorithm=dp.mbi.MST()
    )
    table = query.release()
    with seeded_numpy(seed):
        released = table.synthesize(method="sample").to_pandas()
    released = released.rename(columns={a: name for name, a in alias.items()})[columns]
    kept = released[released[schema.target].notna()].reset_index(drop=True)
    frame = pd.DataFrame(
        {name: _as_training(kept[name], train[name]) for name in columns}, index=kept.index
    )
    return Synthetic(frame, len(released) - len(kept))


def _as_training(values: pd.Series, like: pd.Series) -> pd.Series:
    """`values` in the training column's dtype where no missing value forbids it."""
    if values.isna().any() and pd.api.types.is_integer_dtype(like):
        return values.astype("float64")
    return values.astype(like.dtype)
