"""Cases about strings from the data (column names, category values) in everything the pipeline
writes: figure files stay inside their folder and appear in the report, Markdown and HTML show
the text literally, CSV cells never run as formulas, and groups too small assess nothing."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from corpus.runner import EVERY_STAGE, Case, csv_case, csv_overrides, table

from pipeline.fairness.result import FairnessResult
from pipeline.io import read_json
from pipeline.text import html_text, markdown_text

FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def quoted(name: str) -> str:
    """`name` as a Hydra override value: single-quoted, its quotes escaped."""
    return "'" + name.replace("'", "\\'") + "'"


def renamed(name: str) -> tuple[Callable[[Path], None], tuple[str, ...]]:
    """table() with its sensitive column `sex` called `name`, and the overrides to audit it."""
    frame = table().rename(columns={"sex": name})
    return csv_case(frame), csv_overrides("case.csv", "y", f"[{quoted(name)}]")


def documents(folder: Path) -> tuple[str, str]:
    return (folder / "reports/index.html").read_text(), (folder / "reports/summary.md").read_text()


def runs_right(folder: Path) -> None:
    """The model learnt the signal, and no CSV cell written runs as a spreadsheet formula."""
    assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9
    for path in (folder / "reports").rglob("*.csv"):
        with path.open(newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(FORMULA) or NUMBER.fullmatch(cell), (path, cell)


def figure_shown(folder: Path, name: str) -> str:
    """The audit `name` records a figure inside the fairness plots folder, written there, and
    the report embeds it; returns the recorded file name."""
    result = FairnessResult.read(folder / "reports/fairness.json")
    audit = result.audit(name)
    plots = (folder / "reports/plots/fairness").resolve()
    assert audit.figure is not None and audit.figure.startswith("figures/")
    path = audit.figure_path(plots)
    assert path is not None and path.parent == plots / "figures" and path.is_file()
    assert sorted(p.name for p in (plots / "figures").iterdir()) == [path.name]
    page, summary = documents(folder)
    assert page.count(f'<img alt="{html_text(path.stem)}" src="data:image/png;base64,') == 1
    assert f"<h3>{html_text(name)}</h3>" in page and f"### {markdown_text(name)}" in summary
    assert not re.search(r'src="(?!data:)', page) and "Figure not shown" not in page
    return audit.figure


def slashes_stay_inside(folder: Path) -> None:
    runs_right(folder)
    figure = figure_shown(folder, SLASH_NAME)
    assert "/" not in figure.removeprefix("figures/")
    assert not (folder / "reports/plots/fairness/figures/etc").exists()


def markup_values_are_text(folder: Path) -> None:
    runs_right(folder)
    figure_shown(folder, "sex")
    page, summary = documents(folder)
    assert "<b>yes" not in page and "<img src=x" not in page
    assert "positive class: &lt;b&gt;yes&lt;/b&gt;" in page
    assert "positive class: \\<b>yes\\</b>" in summary
    assert '| actual \\\\ predicted | \\&amp; "q" \'s | \\<b>yes\\</b> |' in summary
    assert "<th>&amp;amp; &quot;q&quot; &#x27;s</th>" in page
    groups = pd.read_csv(folder / "reports/plots/fairness/selection_rate.csv")["group"]
    assert sorted(groups) == ["sex: <img src=x onerror=alert(1)>", "sex: [a](b)"]


def math_groups_are_drawn(folder: Path) -> None:
    runs_right(folder)
    figure_shown(folder, "sex")
    groups = pd.read_csv(folder / "reports/plots/fairness/selection_rate.csv")["group"]
    assert sorted(groups) == ["sex: $\\frac{a}{$", "sex: $x^$"]
    result = FairnessResult.read(folder / "reports/fairness.json")
    assert result.audit("sex").assessed == 4 and "failed criteria in 1 audits" in result.status


def formula_values_are_quoted(folder: Path) -> None:
    runs_right(folder)
    with (folder / "reports/plots/evaluate/confusion.csv").open(newline="") as handle:
        cells = {cell for row in list(csv.reader(handle))[1:] for cell in row}
    assert cells == {"'+1", "'@SUM(A1)"}
    groups = pd.read_csv(folder / "reports/plots/fairness/selection_rate.csv")["group"]
    assert sorted(groups) == ["sex: -x", 'sex: =HYPERLINK("http://x")']
    _, summary = documents(folder)
    assert "| actual \\\\ predicted | +1 | @SUM(A1) |" in summary  # the labels, read back
    assert "positive class: @SUM(A1)" in summary  # '@' sorts after '+', as 'yes' after 'no'


def formula_name_is_quoted(folder: Path) -> None:
    runs_right(folder)
    figure_shown(folder, FORMULA_NAME)
    verdicts = pd.read_csv(folder / "reports/plots/fairness/verdicts.csv")
    assert set(verdicts["audit"]) == {"'" + FORMULA_NAME}


def bidi_is_shown(folder: Path) -> None:
    runs_right(folder)
    figure_shown(folder, "sex")
    page, summary = documents(folder)
    for text in (page, summary):
        assert "\u202e" not in text and "\u2066" not in text and "\u2069" not in text
    assert "positive class: ye&lt;U+202E&gt;s" in page
    assert "positive class: ye\\<U+202E>s" in summary
    assert "| n\\<U+2066>o\\<U+2069> |" in summary and "<td>n&lt;U+2066&gt;o" in page


def tables_keep_their_shape(folder: Path) -> None:
    runs_right(folder)
    _, summary = documents(folder)
    header = next(line for line in summary.splitlines() if line.startswith("| actual"))
    assert header == "| actual \\\\ predicted | \\`tick\\` | \\| pipes \\| |"
    rows = summary.splitlines()[summary.splitlines().index(header) + 2 :][:2]
    assert [len(re.findall(r"(?<!\\)\|", row)) for row in rows] == [4, 4], rows


def long_name_is_shown(length: int) -> Callable[[Path], None]:
    def check(folder: Path) -> None:
        runs_right(folder)
        figure = figure_shown(folder, long_name(length))
        assert len(figure.removeprefix("figures/")) <= 100
        if length <= 90:
            assert figure == f"figures/{long_name(length)}.png"  # a safe name is kept whole

    return check


def long_name(length: int) -> str:
    return ("sensitive_attribute_" * 20)[:length]


def nothing_assessed(folder: Path) -> None:
    assert read_json(folder / "reports/metrics.json")["test/roc_auc"] > 0.9
    result = FairnessResult.read(folder / "reports/fairness.json")
    assert result.audit("sex").assessed == 0 and len(result.audit("sex").groups) == 20
    assert result.status.startswith("nothing assessed in 1 audits: no two groups reach")
    assert "fairness.min_group_size=30" in result.status and "fairness.bins" in result.status
    metrics = read_json(folder / "reports/fairness_metrics.json")
    assert metrics["fairness/sex/criteria_assessed"] == 0
    assert metrics["fairness/sex/criteria_failed"] is None
    page, summary = documents(folder)
    assert "failed criteria" not in page + summary
    assert "Status: nothing assessed in 1 audits" in summary and "This is not a pass." in page
    figure_shown(folder, "sex")


def space_name_keeps_its_figure(folder: Path) -> None:
    runs_right(folder)
    assert figure_shown(folder, "marital status").startswith("figures/marital_status-")
    assert "positive class: yes" in documents(folder)[1]


def keeps_its_figure(name: str) -> Callable[[Path], None]:
    """A name MLflow would refuse as a key part still gets its audit, figure and section (the
    track stage logs its metrics under a legal key, pipeline/tracking/keys.py)."""

    def check(folder: Path) -> None:
        runs_right(folder)
        figure = figure_shown(folder, name)
        assert ".." not in figure and "/" not in figure.removeprefix("figures/")

    return check


PATH_NAME = "../../../../../tmp/x"
MARKUP_NAME = '<b>"sex" (m/f)</b>'
SLASH_NAME = "etc/passwd"
FORMULA_NAME = "-cmd: x"  # a spreadsheet formula start that a metric key allows


def values(column: str, mapping: dict[str, str]) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: frame[column].map(mapping)


def rewritten(**columns: Callable[[pd.DataFrame], object]) -> Callable[[Path], None]:
    """A `make` writing table() with `columns` rewritten (`DataFrame.assign`)."""
    return lambda folder: csv_case(table().assign(**columns))(folder)


CASES = [
    Case("path_as_sensitive_name", *renamed(PATH_NAME), stages=EVERY_STAGE,
         check=keeps_its_figure(PATH_NAME)),
    Case("quotes_and_markup_in_sensitive_name", *renamed(MARKUP_NAME), stages=EVERY_STAGE,
         check=keeps_its_figure(MARKUP_NAME)),
    Case("sensitive_name_of_300_characters", *renamed(long_name(300)), stages=EVERY_STAGE,
         check=long_name_is_shown(300)),
    Case("slashes_in_sensitive_name", *renamed(SLASH_NAME), stages=EVERY_STAGE,
         check=slashes_stay_inside),
    Case("markup_in_values",
         rewritten(y=values("y", {"no": '&amp; "q" \'s', "yes": "<b>yes</b>"}),
                   sex=values("sex", {"female": "<img src=x onerror=alert(1)>", "male": "[a](b)"})),
         csv_overrides(), stages=EVERY_STAGE, check=markup_values_are_text),
    Case("space_in_sensitive_name", *renamed("marital status"), stages=EVERY_STAGE,
         check=space_name_keeps_its_figure),
    Case("formula_start_in_sensitive_name", *renamed(FORMULA_NAME), stages=EVERY_STAGE,
         check=formula_name_is_quoted),
    Case("math_text_groups",
         rewritten(sex=values("sex", {"female": "$x^$", "male": "$\\frac{a}{$"})),
         csv_overrides(), stages=EVERY_STAGE, check=math_groups_are_drawn),
    Case("formula_category_values",
         rewritten(y=values("y", {"no": "+1", "yes": "@SUM(A1)"}),
                   sex=values("sex", {"female": '=HYPERLINK("http://x")', "male": "-x"})),
         csv_overrides(), stages=EVERY_STAGE, check=formula_values_are_quoted),
    Case("bidi_override_in_values",
         rewritten(y=values("y", {"no": "n\u2066o\u2069", "yes": "ye\u202es"}),
                   sex=values("sex", {"female": "fe\u202emale", "male": "\u200fmale"})),
         csv_overrides(), stages=EVERY_STAGE, check=bidi_is_shown),
    Case("pipes_and_backticks_in_values",
         rewritten(y=values("y", {"no": "| pipes |", "yes": "`tick`"})), csv_overrides(),
         stages=EVERY_STAGE, check=tables_keep_their_shape),
    Case("sensitive_name_of_60_characters", *renamed(long_name(60)), stages=EVERY_STAGE,
         check=long_name_is_shown(60)),
    Case("sensitive_name_of_200_characters", *renamed(long_name(200)), stages=EVERY_STAGE,
         check=long_name_is_shown(200)),
    Case("every_group_too_small",
         rewritten(sex=lambda f: [f"g{i % 20:02d}" for i in range(len(f))]),
         csv_overrides(), stages=EVERY_STAGE, check=nothing_assessed),
]  # fmt: skip
