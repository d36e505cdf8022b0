"""The base of correlation.json's typed records: frozen dataclasses that write and read their JSON.

A record's fields are named as its JSON keys. `to_json()` gives the dict that is written and
`from_json()` reads one back, converting each value by the field's annotation. A statistic that
can be undefined is `float | None` (a label, `str | None`): NaN, what numpy computes, becomes None,
what the JSON holds, so a record built from a computed table equals the one read from the file.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from typing import Any, Self


@dataclasses.dataclass(frozen=True)
class Record:
    """Fields named as JSON keys; values converted by their annotations."""

    def to_json(self) -> dict[str, Any]:
        return {f.name: dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read a record from its JSON (or from a row of the table it came from)."""
        fields = {f.name for f in dataclasses.fields(cls)}
        if set(data) != fields:
            raise ValueError(
                f"{cls.__name__}: keys {sorted(set(data) ^ fields)} are unexpected or missing"
            )
        hints = typing.get_type_hints(cls)
        return cls(**{name: load(hints[name], data[name], name) for name in fields})


def dump(value: Any) -> Any:
    """A field's value as JSON holds it: records as dicts, tuples as lists."""
    if isinstance(value, Record):
        return value.to_json()
    if isinstance(value, tuple):
        return [dump(item) for item in value]
    return value


def undefined(value: Any) -> bool:
    """None, or a float that JSON cannot hold (NaN, infinity): both are null in the file."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def load(hint: Any, value: Any, name: str) -> Any:
    """`value` converted to the annotation `hint` of field `name`."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):  # X | None: None stands for undefined
        (inner,) = [option for option in typing.get_args(hint) if option is not type(None)]
        return None if undefined(value) else load(inner, value, name)
    if origin is tuple:  # tuple[X, ...]
        item = typing.get_args(hint)[0]
        return tuple(load(item, v, name) for v in value)
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_json(value)
    if hint is str:
        if not isinstance(value, str):
            raise TypeError(f"{name} is {value!r}; expected a string")
        return str(value)
    if hint in (bool, int, float):
        if undefined(value) or isinstance(value, str):
            raise TypeError(f"{name} is {value!r}; expected {hint.__name__}")
        return hint(value)
    raise TypeError(f"{name}: no JSON reading for {hint}")
