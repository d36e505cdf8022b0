"""Typed configuration: params.yaml (composed from params/) turned into frozen dataclasses.

Every stage reads the same composed file that DVC tracks, so what DVC records is what ran.
An unknown or missing key fails at once with its dotted name.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from pipeline.errors import ConfigError
from pipeline.tasks import TASKS, Label

PARAMS_FILE = Path("params.yaml")
MISSING = "???"
T = TypeVar("T")


class Paths(Mapping[str, str]):
    """Every file the stages read or write, from params/paths/: `config.paths.model`.

    Open on purpose: a new stage adds its paths to params/paths/default.yaml, not to a class here.
    A key that is not there fails with its dotted name.
    """

    def __init__(self, raw: Any) -> None:
        if not isinstance(raw, Mapping):
            raise ConfigError(f"'paths' in {PARAMS_FILE} must be a mapping, got {raw!r}")
        for key, value in raw.items():
            if not isinstance(value, str):
                raise ConfigError(f"paths.{key} is {value!r}; expected a path (a string)")
        self._paths: dict[str, str] = dict(raw)

    def __getattr__(self, key: str) -> str:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._paths[key]
        except KeyError:
            raise ConfigError(
                f"missing key 'paths.{key}' in {PARAMS_FILE}; add it to params/paths/default.yaml"
            ) from None

    def __getitem__(self, key: str) -> str:
        return self.__getattr__(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


@dataclass(frozen=True)
class DatasetConfig:
    """The keys every dataset has; a loader's own keys (a CSV's delimiter, the synthetic data's
    size) stay in `options` and are typed by that loader (pipeline/data/)."""

    name: str
    source: str
    target: str
    task: str
    positive_label: Label
    sensitive: tuple[str, ...]
    confounders: tuple[str, ...] = ()  # columns to control for in partial correlations
    sha256: dict[str, str] | str | None = None
    normalise_text: bool = False  # strip text values, one spelling per case-insensitive value
    official_split: bool = False  # keep the source's own train/test partition (MNIST, Adult)
    image_shape: tuple[int, ...] | None = None  # (rows, columns) when the features are pixels
    # columns that, together, could single a person out (age, sex, native country, ...): the
    # privacy stage's re-identification risk; bands: numeric ones also assessed by bands
    quasi_identifiers: tuple[str, ...] = ()
    quasi_identifier_bands: dict[str, tuple[float, ...]] | None = None
    # numeric column -> bin edges chosen without the data (a codebook's ranges): the dp stage's
    # synthesizer works on these bins
    dp_cuts: dict[str, tuple[float, ...]] | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.task not in ("auto", *TASKS):
            raise ConfigError(f"dataset.task is {self.task!r}; use one of auto, {', '.join(TASKS)}")
        shape = self.image_shape
        if shape is not None and not (len(shape) == 2 and all(n > 0 for n in shape)):
            raise ConfigError(
                f"dataset.image_shape is {list(shape)}; give the images' [rows, columns], e.g. "
                "[28, 28], or null when the features are not an image's pixels"
            )


def dataset_config(raw: Any) -> DatasetConfig:
    """The common keys typed here; every other key of `dataset` goes to `options`."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"'dataset' in {PARAMS_FILE} must be a mapping, got {raw!r}")
    common = {f.name for f in dataclasses.fields(DatasetConfig)} - {"options"}
    options = {k: v for k, v in raw.items() if k not in common}
    typed = from_mapping(DatasetConfig, {k: v for k, v in raw.items() if k in common}, "dataset")
    return dataclasses.replace(typed, options=options)


def _check_type(value: Any, hint: Any, name: str) -> Any:
    """Check `value` against a simple annotation; lists become tuples for tuple fields."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                return _check_type(value, option, name)
            except ConfigError:
                continue
        raise ConfigError(f"{name} is {value!r}, which is not a {hint}")
    if hint is type(None):
        if value is None:
            return None
        raise ConfigError(f"{name} is {value!r}; expected null")
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{name} is {value!r}; expected a list")
        (item,) = typing.get_args(hint)[:1]
        return tuple(_check_type(v, item, f"{name}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{name} is {value!r}; expected a mapping")
        return dict(value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float) and isinstance(value, bool):
        raise ConfigError(f"{name} is {value!r}; expected a number")
    if isinstance(hint, type) and not isinstance(value, hint):
        raise ConfigError(f"{name} is {value!r}; expected {hint.__name__}")
    return value


def check_level(section: str, ci_level: float) -> None:
    """An interval's level, in (0, 1), of `section`'s `ci_level`."""
    if not 0.0 < ci_level < 1.0:
        raise ConfigError(f"{section}.ci_level is {ci_level}; use a level in (0, 1)")


def check_bootstrap(section: str, n_boot: int, ci_level: float) -> None:
    """A bootstrap's replicates (0: off, else at least 2) and its intervals' level."""
    if n_boot < 0 or n_boot == 1:
        raise ConfigError(f"{section}.n_boot is {n_boot}; use 0 (off) or at least 2")
    check_level(section, ci_level)


def from_mapping(cls: type[T], raw: Any, section: str) -> T:
    """Build dataclass `cls` from `raw`, naming any unknown, missing or mistyped key."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"'{section}' in {PARAMS_FILE} must be a mapping, got {raw!r}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(fields), n=1, cutoff=0.6)
        hint = f"did you mean {section}.{close[0]}? " if close else ""
        raise ConfigError(
            f"unknown key '{section}.{unknown[0]}' in {PARAMS_FILE}; {hint}"
            f"known keys are {', '.join(sorted(fields))}; fix it in params/{section}/"
        )
    values = {}
    for name, spec in fields.items():
        dotted = f"{section}.{name}"
        if name not in raw:
            required = (
                spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
            )
            if required:
                raise ConfigError(f"missing key '{dotted}' in {PARAMS_FILE}; add it under params/")
            continue
        value = raw[name]
        if value == MISSING:
            raise ConfigError(f"'{dotted}' is required: set it, e.g. dvc exp run -S {dotted}=...")
        values[name] = _check_type(value, hints[name], dotted)
    return cls(**values)


@dataclass(frozen=True)
class Config:
    """The composed parameters. `raw` keeps every section, for stages that bring their own."""

    seed: int
    n_jobs: int
    paths: Paths
    dataset: DatasetConfig
    raw: dict[str, Any]

    def section(self, cls: type[T], name: str) -> T:
        if name not in self.raw:
            raise ConfigError(f"missing section '{name}' in {PARAMS_FILE}; add params/{name}/")
        return from_mapping(cls, self.raw[name], name)


def parse_config(raw: Mapping[str, Any]) -> Config:
    for name in ("seed", "paths", "dataset"):
        if name not in raw:
            raise ConfigError(f"missing section '{name}' in {PARAMS_FILE}; re-run the params stage")
    seed = _check_type(raw["seed"], int, "seed")
    return Config(
        seed=seed,
        n_jobs=_check_type(raw.get("n_jobs", 1), int, "n_jobs"),
        paths=Paths(raw["paths"]),
        dataset=dataset_config(raw["dataset"]),
        raw=dict(raw),
    )


def load_config(path: str | Path = PARAMS_FILE) -> Config:
    """Read and check the composed parameters."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path} not found; compose it with `dvc repro params`") from None
    return parse_config(yaml.safe_load(text) or {})
