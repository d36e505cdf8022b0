"""Re-identification risk: k, unique rows, l and t against pycanon 1.3.6 (run in its own locked
environment, tests/oracles/pycanon) on Adult's training rows and on hostile tables, against hand
computations from Li et al. (2007), and the errors a wrong question gives."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import ROOT

from pipeline.config import dataset_config
from pipeline.data.adult import load_adult
from pipeline.fairness.groups import bin_labels
from pipeline.privacy.identify import SMALL_CLASS, reidentification

UV = ROOT / ".tools" / "bin" / "uv"  # as the Makefile finds it
ORACLE = ROOT / "tests" / "oracles" / "pycanon"
ADULT_QI = ["age", "sex", "race", "native-country", "marital-status", "occupation"]
AGE_BANDS = {"age": [25, 35, 45, 55, 65]}
MISSING = "(missing)"  # a missing quasi-identifier as pycanon is shown it: a value of its own


def adult_train() -> pd.DataFrame:
    """Adult's training rows (adult.data), read by the project's own loader."""
    raw = yaml.safe_load((ROOT / "params" / "dataset" / "adult.yaml").read_text())
    config = dataclasses.replace(dataset_config(raw), source=str(ROOT / "data" / "adult"))
    loaded = load_adult(config)
    return loaded.frame.iloc[: loaded.partition.train].reset_index(drop=True)


def shown(frame: pd.DataFrame, qi: list[str], bands: dict | None = None) -> pd.DataFrame:
    """`frame` with its quasi-identifiers as text (band labels for banded ones) and a missing
    value as the text MISSING: pycanon then groups rows exactly as `reidentification` does."""
    out = frame.copy()
    for name in qi:
        column = frame[name]
        if bands and name in bands:
            labels = np.array(bin_labels(bands[name]), dtype=object)
            text = labels[np.searchsorted(bands[name], column.to_numpy(float), side="right")]
        else:
            text = column.map(repr if pd.api.types.is_float_dtype(column) else str)
        out[name] = np.where(column.isna(), MISSING, np.asarray(text, dtype=object))
    return out


def pycanon(tmp_path: Path, tables: list[tuple[pd.DataFrame, list[str], list[dict]]]) -> list:
    """pycanon's answers for each (table, numeric columns, questions), from one process."""
    if not UV.is_file():
        pytest.fail(f"{UV} is missing: run `make install` (it installs uv) to build the oracle")
    args = []
    for i, (table, numeric, questions) in enumerate(tables):
        table.to_csv(tmp_path / f"table{i}.csv", index=False)
        spec = {"numeric": numeric, "questions": questions}
        (tmp_path / f"questions{i}.json").write_text(json.dumps(spec), encoding="utf-8")
        args += [str(tmp_path / f"table{i}.csv"), str(tmp_path / f"questions{i}.json")]
    # its own environment, never the project's: `make` exports UV_PROJECT_ENVIRONMENT=.venv,
    # and pycanon's pins would downgrade numpy, pandas and scipy there
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["UV_PROJECT_ENVIRONMENT"] = str(ORACLE / ".venv")
    command = [str(UV), "run", "--frozen", "--project", str(ORACLE), "python"]
    done = subprocess.run(
        [*command, str(ORACLE / "measure.py"), *args],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    if done.returncode:
        pytest.fail(
            "the pycanon oracle did not run (`uv run --frozen --project tests/oracles/pycanon` "
            "builds its environment from tests/oracles/pycanon/uv.lock, and needs PyPI or uv's "
            f"cache the first time):\n{done.stderr[-3000:]}"
        )
    return json.loads(done.stdout)


def assert_same(ours, theirs: dict) -> None:
    assert (ours.k, ours.n_classes) == (theirs["k"], theirs["n_classes"])
    for attribute in ours.attributes:
        assert attribute.l == theirs["l"][attribute.name], attribute.name
        assert attribute.t == pytest.approx(theirs["t"][attribute.name], abs=1e-12, rel=0)


@pytest.fixture(scope="module")
def train() -> pd.DataFrame:
    return adult_train()


@pytest.mark.slow  # pycanon loops over classes in Python: about 35 s on Adult
def test_adult_training_rows_match_pycanon(tmp_path: Path, train: pd.DataFrame) -> None:
    exact = reidentification(train, ADULT_QI, ["income"])
    banded = reidentification(train, ADULT_QI, ["income"], AGE_BANDS)
    # numeric attributes (ordered distance) over few classes: pycanon takes seconds per value
    numeric = ["hours-per-week", "capital-gain"]
    few = reidentification(train, ["sex", "race"], [*numeric, "education"])
    income = [{"quasi_identifiers": ADULT_QI, "attributes": ["income"]}]
    theirs = pycanon(
        tmp_path,
        [
            (shown(train, ADULT_QI), [], income),
            (shown(train, ADULT_QI, AGE_BANDS), [], income),
            (
                train,
                numeric,
                [{"quasi_identifiers": ["sex", "race"], "attributes": [*numeric, "education"]}],
            ),
        ],
    )
    assert_same(exact, theirs[0][0])
    assert_same(banded, theirs[1][0])
    assert_same(few, theirs[2][0])
    assert [a.distance for a in few.attributes] == ["ordered", "ordered", "equal"]


def test_adult_training_rows(train: pd.DataFrame) -> None:
    """Unique rows and small classes as a plain groupby counts them (a missing value a group of
    its own), and the whole computation in well under a second."""
    assert len(train) == 32561 and train["occupation"].isna().sum() == 1843
    started = time.perf_counter()
    exact = reidentification(train, ADULT_QI, ["income"])
    banded = reidentification(train, ADULT_QI, ["income"], AGE_BANDS)
    assert time.perf_counter() - started < 2.0  # about 0.1 s; generous for a busy machine
    for result, table in ((exact, train), (banded, shown(train, ADULT_QI, AGE_BANDS))):
        size = table.groupby(ADULT_QI, dropna=False).size()
        assert result.k == 1 and result.n_unique == int((size == 1).sum())
        assert result.share_unique == result.n_unique / len(train)
        assert result.n_below_5 == int(size[size < SMALL_CLASS].sum())
        assert sum(b.rows for b in result.sizes) == len(train)
        assert sum(b.classes for b in result.sizes) == result.n_classes == len(size)
        assert [b.rows for b in result.sizes][0] == result.n_unique
    assert (exact.n_unique, banded.n_unique) == (5901, 2277)  # bands hide people
    text = exact.plain_words()
    assert "5,901 of the 32,561 rows (18.1%)" in text and "learns the neighbour's income" in text
    assert json.loads(json.dumps(exact.to_json(), allow_nan=False)) == exact.to_json()


HOSTILE = ['he said "no"', "a/b\\c", "x" * 300, "comma, name", "tab\tand 'quote'"]


def hostile_table(seed: int) -> pd.DataFrame:
    """Few quasi-identifier values (so classes of every size), missing ones, tied numbers."""
    rng = np.random.default_rng(seed)
    n = 300
    frame = pd.DataFrame(
        {
            HOSTILE[0]: rng.choice(["a,b", 'q"uote', "", "slash/\\"], n),
            HOSTILE[1]: rng.integers(0, 6, n).astype(float),
            HOSTILE[2]: rng.choice(["x", "y"], n, p=[0.9, 0.1]),
            HOSTILE[3]: rng.integers(0, 15, n) * 2.5,  # numeric attribute, many ties
            HOSTILE[4]: rng.choice(list("abcdef"), n),  # categorical attribute
            "code": rng.integers(0, 5, n),  # a class label coded as numbers
        }
    )
    frame.loc[rng.random(n) < 0.05, HOSTILE[1]] = np.nan
    frame.loc[rng.random(n) < 0.03, HOSTILE[0]] = None
    return frame


HOSTILE_QI, HOSTILE_ATTRIBUTES = HOSTILE[:3], [HOSTILE[3], HOSTILE[4], "code"]
HOSTILE_BANDS = {HOSTILE[1]: [1.5, 3]}
# a missing quasi-identifier (job), and what each row earns
SMALL = pd.DataFrame(
    {"job": [1, 1, np.nan, np.nan, 2, 2, 2], "pay": ["hi", "lo", "hi", "hi", "lo", "lo", "hi"]}
)


def hostile_questions() -> list[tuple[list[str], list[str], dict | None]]:
    """(quasi-identifiers, attributes, bands) asked of hostile_table."""
    return [
        (HOSTILE_QI, HOSTILE_ATTRIBUTES, None),
        (HOSTILE_QI, HOSTILE_ATTRIBUTES, HOSTILE_BANDS),
        ([HOSTILE[2]], HOSTILE_ATTRIBUTES, None),
        ([HOSTILE[3], HOSTILE[4]], ["code"], None),  # unique rows: l = 1
    ]


def holes(frame: pd.DataFrame) -> pd.DataFrame:
    """hostile_table with the numeric attribute missing in every seventh row."""
    return frame.assign(**{HOSTILE[3]: frame[HOSTILE[3]].mask(frame.index % 7 == 0)})


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> list:
    """pycanon's answers about the hostile tables, from one run of the oracle."""
    frame = hostile_table(seed=3)
    # pycanon reads the coded label as text, the categorical attribute it is said to be
    text = frame.assign(code=frame["code"].map("c{}".format))
    tables = [
        (
            shown(text, qi, bands),
            [a for a in attributes if a == HOSTILE[3]],
            [{"quasi_identifiers": qi, "attributes": attributes}],
        )
        for qi, attributes, bands in hostile_questions()
    ]
    known = holes(frame).dropna(subset=[HOSTILE[3]])
    tables.append(
        (
            shown(known, HOSTILE_QI),
            [HOSTILE[3]],
            [{"quasi_identifiers": HOSTILE_QI, "attributes": [HOSTILE[3]]}],
        )
    )
    tables.append((SMALL, ["job"], [{"quasi_identifiers": ["job"], "attributes": ["pay"]}]))
    return [table[0] for table in pycanon(tmp_path_factory.mktemp("pycanon"), tables)]


def test_hostile_tables_match_pycanon(answers: list) -> None:
    frame = hostile_table(seed=3)
    for (qi, attributes, bands), theirs in zip(hostile_questions(), answers, strict=False):
        ours = reidentification(frame, qi, attributes, bands, categorical={"code"})
        assert ours.quasi_identifiers == tuple(qi)
        assert_same(ours, theirs)
    unique = reidentification(frame, [HOSTILE[3], HOSTILE[4]], ["code"])
    assert unique.k == unique.attributes[0].l == 1 and unique.n_unique > 0


def test_a_missing_attribute_value_is_left_out_of_its_l_and_t(answers: list) -> None:
    """As pycanon measures the rows that have a value; the classes stay those of every row."""
    frame = hostile_table(seed=3)
    ours = reidentification(holes(frame), HOSTILE_QI, [HOSTILE[3]])
    attribute, theirs = ours.attributes[0], answers[4]
    assert attribute.n_missing == (frame.index % 7 == 0).sum() == 43
    assert attribute.l == theirs["l"][HOSTILE[3]]
    assert attribute.t == pytest.approx(theirs["t"][HOSTILE[3]], abs=1e-12, rel=0)
    assert ours.k == reidentification(frame, HOSTILE_QI, []).k


def test_a_missing_quasi_identifier_is_a_value_of_its_own(answers: list) -> None:
    """The one difference from pycanon: it groups with pandas' dropna=True, so a row missing a
    quasi-identifier is in no class; here such rows form a class of their own, as an outsider
    sees "no job stated" too."""
    ours = reidentification(SMALL, ["job"], ["pay"])
    assert (ours.k, ours.n_classes, ours.n_unique, ours.attributes[0].l) == (2, 3, 0, 1)
    assert ours.attributes[0].n_homogeneous == 2  # the two rows without a job both earn "hi"
    theirs = answers[5]
    assert (theirs["k"], theirs["n_classes"], theirs["l"]["pay"]) == (2, 2, 2)
    dropped = reidentification(SMALL.dropna(subset=["job"]), ["job"], ["pay"])
    assert (dropped.k, dropped.n_classes, dropped.attributes[0].l) == (2, 2, 2)
    # pycanon's t compares those classes with the distribution of every row, dropped ones
    # included: P(hi) = 4/7, and the class (lo, lo, hi) is 4/7 - 1/3 = 5/21 away from it
    assert dropped.attributes[0].t == pytest.approx(0.5 - 0.4, abs=1e-15)
    assert theirs["t"]["pay"] == pytest.approx(5 / 21, abs=1e-15)
