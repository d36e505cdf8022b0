"""Column names that become MLflow keys: every audited sensitive attribute (and their combination,
joined by `_x_`) names the fairness metrics `fairness/<name>/<metric>` that the track stage logs.

MLflow's own rule (mlflow/utils/validation.py, `_validate_metric_name` and the length limit),
restated here because only pipeline/tracking/ imports mlflow: a key holds letters, digits, `_`, `-`,
`.`, `/`, `:` and space, is at most 250 characters, and reads the same as a normalised path (no
empty, `.` or `..` segment, no leading or trailing `/`). Other column names reach no key: metric
names are fixed words, and the config's mappings keyed by attribute (`fairness.reference_group`,
`fairness.bins`) become params `fairness.bins.<name>`, which pass whenever the metric keys do.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from pipeline.data.findings import Finding

MAX_KEY_LENGTH = 250
KEY_CHARACTERS = re.compile(r"[/\w.\- :]*")
# The longest metric name fairness/headline.py writes per task (regression: every disparity of
# fairness/disparities.py), the name each audited attribute's keys must fit with.
LONGEST_METRIC = {
    "binary": "demographic_parity_difference",
    "multiclass": "demographic_parity_difference",
    "regression": "root_mean_squared_error_difference",
}


def longest_metric(task: str | None) -> str:
    """The longest metric name of `task`; of any task while the task is not known."""
    return LONGEST_METRIC[task] if task in LONGEST_METRIC else max(LONGEST_METRIC.values(), key=len)


JOIN = "_x_"  # the intersectional audit's name joins its attributes with it


def key_problem(key: str) -> str | None:
    """Why MLflow rejects `key` as a metric or param key, or None when it accepts it."""
    bad = sorted({c for c in key if not KEY_CHARACTERS.fullmatch(c)})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        return f"it holds {shown}, outside letters, digits, _ - . / : and space"
    norm = posixpath.normpath(key)
    if norm != key or norm == "." or norm.startswith("..") or norm.startswith("/"):
        return f"it reads as the path {norm!r}: no empty, '.' or '..' part, no '/' at either end"
    if len(key) > MAX_KEY_LENGTH:
        return f"it has {len(key)} characters, more than MLflow's {MAX_KEY_LENGTH}"
    return None


def short(text: str, limit: int = 40) -> str:
    """`text`, cut in the middle past `limit` characters so that a message stays one short line."""
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-limit // 2 :]}"


def audit_names(attributes: Sequence[str], intersectional: bool) -> list[tuple[str, str, str]]:
    """(audit name, what it is, the fix when its key is rejected) for each attribute audited and,
    with `intersectional` and two or more attributes, their combination."""
    rename = "rename the column in the source"
    names = [(a, f"sensitive column '{short(a)}'", rename) for a in attributes]
    if intersectional and len(attributes) >= 2:
        joined = JOIN.join(attributes)
        names.append(
            (
                joined,
                f"the combined name '{short(joined)}' of the sensitive columns",
                "rename the columns in the source, or set fairness.intersectional=false",
            )
        )
    return names


def check_names(
    attributes: Sequence[str], intersectional: bool, task: str | None = None
) -> list[Finding]:
    """An error for each audit whose metric keys MLflow would reject, naming the fix."""
    errors = []
    metric = longest_metric(task)
    for name, what, fix in audit_names(attributes, intersectional):
        problem = key_problem(f"fairness/{name}/{metric}")
        if problem is not None:
            key = f"fairness/{short(name)}/{metric}"
            message = f"{what} makes the metric key '{key}', which MLflow rejects: {problem}"
            errors.append(Finding("name", f"{message}; {fix}", name))
    return errors
