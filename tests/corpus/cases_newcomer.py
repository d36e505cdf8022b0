"""A newcomer's first mistakes: a `;` file read with the default delimiter, a missing file, a key
or an option that the group does not define. Each stops with one line naming the fix."""

from __future__ import annotations

from pathlib import Path

from corpus.runner import Case, csv_case, csv_overrides, raw_case, table

from pipeline.io import read_json

# `;`-separated, with a comma inside one name: read at `,`, the header splits into two merged
# names and the target `y` is in neither of them
MERGED = b"age;hours, per week;colour;sex;y\n" + b"".join(
    f"{a};{h};{c};{s};{y}\n".encode()
    for a, h, c, s, y in table(200).itertuples(index=False, name=None)
)


def read_at_semicolons(folder: Path) -> None:
    validation = read_json(folder / "reports/validation.json")
    assert validation["task"] == "binary" and validation["positive_label"] == "yes"
    assert sorted(validation["columns"]) == ["age", "colour", "hours, per week", "sex", "y"]


CASES = [
    Case(
        "semicolons_read_at_commas_one_column",
        csv_case(table(200), sep=";"),
        csv_overrides(),
        error=r"header of data/case\.csv is one column, .*set dataset\.delimiter=';'$",
    ),
    Case(
        "semicolons_read_at_commas_target_merged",
        raw_case(MERGED),
        csv_overrides(),
        error=(
            r"column 'y' \(dataset\.target\) is not in the header of data/case\.csv, whose names "
            r"hold ';' .*set dataset\.delimiter=';'$"
        ),
    ),
    Case(
        "semicolons_with_the_delimiter_set_run",
        raw_case(MERGED),
        csv_overrides("case.csv", "y", "[sex]", "dataset.delimiter=';'"),
        check=read_at_semicolons,
    ),
    Case(
        "csv_path_names_no_file",
        lambda folder: None,
        ("dataset=csv", "dataset.path=nope.csv", "dataset.target=y"),
        error=r"dataset\.path 'nope\.csv' names no file in the project folder; .*set dataset\.path",
    ),
    Case(
        "appended_model_key_misspelt",
        csv_case(table(200)),
        (*csv_overrides(), "model=random_forest", "+model.n_estimatorz=5"),
        error=(
            r"^error: ConfigError: model\.n_estimatorz is not a parameter of model=random_forest; "
            r"did you mean model\.n_estimators\? \(keys: .*\)"
        ),
    ),
    Case(
        "appended_split_key_misspelt",
        csv_case(table(200)),
        (*csv_overrides(), "+split.test_sise=0.3"),
        error=r"split\.test_sise is not a parameter of split=default; did you mean split\.test_",
    ),
]
