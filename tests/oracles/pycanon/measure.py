"""pycanon's k-anonymity, distinct l-diversity and t-closeness of a CSV table, printed as JSON:
the reference that tests/privacy/test_identify.py holds pipeline/privacy/identify.py to.

    uv run --frozen --project tests/oracles/pycanon python measure.py TABLE.csv QUESTIONS.json ...

(one or more pairs of files). QUESTIONS.json: {"numeric": [columns read as numbers],
"questions": [{"quasi_identifiers": [...], "attributes": [...]}, ...]}. Every other column is
read as text, exactly as written (no value becomes missing). Prints a JSON list with a list
per pair, and in it an entry per question: {"k", "n_classes", "l": {attribute: l}, "t":
{attribute: t}}, each attribute measured on its own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
from pycanon import anonymity
from pycanon.anonymity.utils import aux_anonymity


def read_table(path: str, numeric: list[str]) -> pd.DataFrame:
    header = pd.read_csv(path, nrows=0).columns
    dtype = {name: float if name in numeric else str for name in header}
    missing = {name: [""] for name in numeric}
    return pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=missing)


def measure(frame: pd.DataFrame, question: dict) -> dict:
    qi = question["quasi_identifiers"]
    return {
        "k": int(anonymity.k_anonymity(frame, qi)),
        "n_classes": len(aux_anonymity.get_equiv_class(frame, qi)),
        "l": {a: int(anonymity.l_diversity(frame, qi, [a])) for a in question["attributes"]},
        "t": {a: float(anonymity.t_closeness(frame, qi, [a])) for a in question["attributes"]},
    }


def answers(table: str, questions: str) -> list[dict]:
    spec = json.loads(Path(questions).read_text(encoding="utf-8"))
    frame = read_table(table, spec["numeric"])
    return [measure(frame, question) for question in spec["questions"]]


def main(paths: list[str]) -> None:
    if not paths or len(paths) % 2:
        sys.exit("usage: measure.py TABLE.csv QUESTIONS.json [TABLE.csv QUESTIONS.json ...]")
    pairs = [
        answers(table, questions) for table, questions in zip(paths[::2], paths[1::2], strict=True)
    ]
    print(json.dumps(pairs))


if __name__ == "__main__":
    main(sys.argv[1:])
