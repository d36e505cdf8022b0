"""Names from data as MLflow keys: a sensitive column's name becomes part of the metric keys
`fairness/<name>/<metric>` and of the params `fairness.bins.<name>`, and MLflow refuses some names.

MLflow's rule (mlflow/utils/validation.py, `_validate_metric_name` and the length limit): a key
holds letters, digits, `_`, `-`, `.`, `/`, `:` and space, is at most 250 characters, and reads the
same as a normalised path (no empty, `.` or `..` part, no `/` at either end). A key it would refuse
is logged under a legal one instead of failing the run: each refused character becomes `_`, each
empty, `.` or `..` part becomes `_`, and the first changed part gets a digest of the whole original
key, so two keys never merge and a key is renamed the same way in every run.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from typing import TypeVar

MAX_KEY_LENGTH = 250
REFUSED = re.compile(r"[^\w.\- :]")  # in one part of a key; "/" separates parts
DIGEST_LENGTH = 8
Value = TypeVar("Value")


def key_problem(key: str) -> str | None:
    """Why MLflow refuses `key` as a metric or param key, or None when it accepts it."""
    bad = sorted(set(REFUSED.findall(key.replace("/", ""))))
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        return f"it holds {shown}, outside letters, digits, _ - . / : and space"
    norm = posixpath.normpath(key)
    if norm != key or norm == "." or norm.startswith("..") or norm.startswith("/"):
        return f"it reads as the path {norm!r}: no empty, '.' or '..' part, no '/' at either end"
    if len(key) > MAX_KEY_LENGTH:
        return f"it has {len(key)} characters, more than MLflow's {MAX_KEY_LENGTH}"
    return None


def legal_part(part: str) -> str:
    cleaned = REFUSED.sub("_", part)
    return "_" * max(len(cleaned), 1) if cleaned in ("", ".", "..") else cleaned


def mlflow_key(key: str) -> str:
    """`key` itself when MLflow accepts it; otherwise the legal key it is logged under."""
    if key_problem(key) is None:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_LENGTH]
    parts = key.split("/")
    legal = [legal_part(p) for p in parts]
    changed = [i for i, (a, b) in enumerate(zip(parts, legal, strict=True)) if a != b]
    mark = changed[0] if changed else max(range(len(legal)), key=lambda i: len(legal[i]))
    others = sum(len(p) + 1 for i, p in enumerate(legal) if i != mark)
    room = MAX_KEY_LENGTH - others - DIGEST_LENGTH - 1
    if room < 1:  # the other parts alone are too long: keep their start
        return f"{'/'.join(legal)[: MAX_KEY_LENGTH - DIGEST_LENGTH - 1].rstrip('/')}-{digest}"
    legal[mark] = f"{legal[mark][:room]}-{digest}"
    return "/".join(legal)


def legal_keys(values: Mapping[str, Value]) -> tuple[dict[str, Value], dict[str, str]]:
    """(`values` under keys MLflow accepts, {original key: logged key} for each renamed one)."""
    renamed = {key: mlflow_key(key) for key in values if key_problem(key) is not None}
    return {renamed.get(k, k): v for k, v in values.items()}, renamed
