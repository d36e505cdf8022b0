"""Cases of the dp stage on a CSV dataset: numeric columns without public bin edges, edges of a
text column (both stopped by dp, with the key to set), and edges given on the command line, which
run to a private release."""

from __future__ import annotations

from pathlib import Path

from corpus.runner import Case, csv_case, csv_overrides, table

from pipeline.io import read_json

THROUGH_DP = ("ingest", "validate", "features", "train", "evaluate", "dp")  # dp reads evaluate's
EDGES = "dataset.dp_cuts={age:[30,45,60],hours:[30,40,50]}"


def released(folder: Path) -> None:
    """A check: the real run and one at epsilon 2, each fitted and audited by sex."""
    found = read_json(folder / "reports/dp.json")
    assert [run["epsilon"] for run in found["runs"]] == [None, 2]
    for run in found["runs"]:
        assert 0.5 < run["accuracy"]["value"] <= 1
        assert [audit["name"] for audit in run["audits"]] == ["sex"]
    metrics = read_json(folder / "reports/dp_metrics.json")
    assert metrics["dp/epsilon_2/accuracy"] == found["runs"][1]["accuracy"]["value"]


CASES = [
    Case(
        "dp_numeric_columns_without_bin_edges",
        csv_case(table()),
        (*csv_overrides(), "dp.epsilons=[1]"),
        stages=THROUGH_DP,
        error=r"dp needs public bin edges for numeric column 'age': add dataset\.dp_cuts\.age,",
    ),
    Case(
        "dp_bin_edges_of_a_text_column",
        csv_case(table()),
        (*csv_overrides(), "dp.epsilons=[1]", "dataset.dp_cuts={colour:[1,2]}"),
        stages=THROUGH_DP,
        error=r"dataset\.dp_cuts names 'colour', which is not a numeric feature; the numeric "
        r"features are age, hours",
    ),
    Case(
        "dp_bin_edges_on_the_command_line",
        csv_case(table(1200)),
        (*csv_overrides(), "dp.epsilons=[2]", "dp.n_boot=20", EDGES),
        stages=THROUGH_DP,
        check=released,
    ),
]
