"""Numbers read as text: a column of quantities that a few tokens (`1,5`, `1 000`, `n/a`, `12kg`)
kept from being read as numbers, so it would become hundreds of categories.

The share is taken over distinct values, missing markers aside, and counts a value as a number
when `pd.to_numeric` reads it or it is a number in a recognised spelling (comma decimal, thousands
separators, a unit). At or above `validation.min_number_share` (0.9) the column is reported; below
it a column of codes with some numbers among them (grades `1`..`5`, `K`, `PK`) is left alone. A
text column where every value is a number (zip codes, identifiers stored as text) is reported as
well, without a fix to apply: it may be a code, for which categories are right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from pipeline.data.findings import Finding
from pipeline.schema import is_categorical

SHOWN = 5  # tokens quoted in a message
NA_TOKENS = frozenset(
    ["", "-", "--", "?", ".", "n/a", "na", "n.a.", "#n/a", "nan", "none", "null", "missing", "nil"]
)
NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
PATTERNS = {  # kind -> pattern of a whole token, tried in this order
    "decimal_thousands": re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+"),  # 1.234,5
    "thousands": re.compile(r"[+-]?\d{1,3}(?:([,\u00a0\u202f' ])\d{3})(?:\1\d{3})*(?:\.\d+)?"),
    "decimal": re.compile(r"[+-]?\d*,\d+"),  # 1,5
    "unit": re.compile(rf"(?:[$€£¥]\s*{NUMBER}|{NUMBER}\s*(?:[^\W\d_]+\.?|%|°[CF]?))"),  # 12kg
}
FIXES = {
    "na": "add {tokens} to dataset.na_values",
    "decimal": 'set dataset.decimal=","',
    "decimal_thousands": 'set dataset.decimal="," and dataset.thousands="."',
    "thousands": "set dataset.thousands={separators}",
    "unit": "clean the source (strip units and symbols)",
    "other": "clean the source",
}


def kind_of(token: str) -> str:
    """What keeps `token` from parsing: a missing marker, a number in a known spelling, or other."""
    stripped = token.strip()
    if stripped.casefold() in NA_TOKENS:
        return "na"
    for kind, pattern in PATTERNS.items():
        if pattern.fullmatch(stripped):
            return kind
    return "other"


def numbers_as_text(values: pd.Series, min_share: float) -> Finding | None:
    """A warning when text column `values` holds numbers, naming the tokens that block parsing and
    the option that reads them; None when it does not."""
    if not is_categorical(values) or pd.api.types.is_bool_dtype(values):
        return None
    counts = values.dropna().value_counts()  # most frequent first
    tokens = [v for v in counts.index if isinstance(v, str)]
    if len(tokens) < len(counts) or not tokens:  # numbers mixed with text: read by type already
        return None
    parsed = pd.to_numeric(pd.Series(tokens, dtype=object), errors="coerce").notna().to_numpy()
    kinds = {t: "number" if ok else kind_of(t) for t, ok in zip(tokens, parsed, strict=True)}
    if "decimal" in kinds.values():
        # 1,5 is a decimal comma, so 1,500 in the same column is one too, not thousands
        kinds = {t: "decimal" if k == "thousands" and "," in t else k for t, k in kinds.items()}
    values_only = [t for t in tokens if kinds[t] != "na"]
    if not values_only:
        return None
    numbers = [t for t in values_only if kinds[t] != "other"]
    share = len(numbers) / len(values_only)
    direct = sum(kinds[t] == "number" for t in values_only) / len(values_only)
    blocking = [t for t in tokens if kinds[t] != "number"]
    if share < min_share:
        return None
    column = str(values.name)
    if not blocking:
        return Finding(
            "numbers_as_text",
            f"every one of its {len(tokens)} distinct values is a number stored as text, so it "
            "is treated as categories: right for a code (a zip code, an identifier); for a "
            "quantity, store it as numbers in the source",
            column,
        )
    return Finding(
        "numbers_as_text",
        f"read as text, although {share:.1%} of its {len(values_only)} distinct values are "
        f"numbers ({direct:.1%} parse as they are); tokens that prevent parsing: "
        f"{', '.join(repr(t) for t in shown_tokens(blocking, kinds))}; {fixes(blocking, kinds)}",
        column,
    )


def shown_tokens(blocking: list[str], kinds: dict[str, str]) -> list[str]:
    """Up to SHOWN tokens, the most frequent of each kind first, then by frequency."""
    first = list(dict.fromkeys({kinds[t]: t for t in reversed(blocking)}.values()))
    first.sort(key=blocking.index)
    rest = [t for t in blocking if t not in first]
    return (first + rest)[:SHOWN]


def fixes(blocking: Iterable[str], kinds: dict[str, str]) -> str:
    """The fix of each kind of blocking token, in a fixed order, joined."""
    by_kind: dict[str, list[str]] = {}
    for token in blocking:
        by_kind.setdefault(kinds[token], []).append(token)
    out = []
    for kind, template in FIXES.items():
        if kind not in by_kind:
            continue
        found = by_kind[kind]
        separators = sorted({m.group(1) for t in found if (m := PATTERNS["thousands"].search(t))})
        out.append(
            template.format(
                tokens=", ".join(f'"{t}"' for t in found[:SHOWN]),
                separators=" or ".join(f'"{s}"' for s in separators),
            )
        )
    return "; ".join(out)
