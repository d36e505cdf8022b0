"""Cores: how many a block may use, and a fitted model's bytes made independent of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from joblib import parallel_config
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits


@contextmanager
def cores(n_jobs: int) -> Iterator[None]:
    """Let joblib workers and OpenMP/BLAS threads use `n_jobs` cores inside the block."""
    with parallel_config(backend="threading", n_jobs=n_jobs), threadpool_limits(limits=n_jobs):
        yield


def thread_independent(model: BaseEstimator) -> bool:
    """Whether the model's predictions are the same bytes on any number of threads: a
    histogram gradient-boosting model (after row-wise preprocessing) adds its trees' values to
    each row in tree order, each row on one thread. A forest's probabilities are summed over its
    trees in the order the threads finish, and BLAS products may split their sums by thread:
    a multi-layer perceptron's probabilities and a perceptron's decision values on 1,000 MNIST
    rows differ in their last bits between 1, 2 and 4 OpenBLAS threads (their fits, on
    mini-batches of 200 rows, gave the same bytes on every thread count)."""
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    return isinstance(final, HistGradientBoostingClassifier | HistGradientBoostingRegressor)


def canonical(model: BaseEstimator) -> BaseEstimator:
    """Reset what a fitted model stores about the machine it ran on, so its bytes do not depend
    on the number of cores: `n_jobs` goes back to None (the joblib context decides) and a
    histogram gradient-boosting binner forgets its thread count (used only while fitting)."""
    seen: set[int] = set()

    def visit(obj: object) -> None:
        if id(obj) in seen or not hasattr(obj, "__dict__"):
            return
        seen.add(id(obj))
        if isinstance(obj, BaseEstimator) and "n_jobs" in obj.get_params(deep=False):
            obj.n_jobs = None
        mapper = getattr(obj, "_bin_mapper", None)
        if mapper is not None:
            mapper.n_threads = None
        for value in vars(obj).values():
            for item in value if isinstance(value, list | tuple) else (value,):
                for part in item if isinstance(item, tuple) else (item,):
                    if isinstance(part, BaseEstimator):
                        visit(part)

    visit(model)
    return model
