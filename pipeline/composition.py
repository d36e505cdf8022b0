"""What the params stage checks around Hydra's composition of params/ into params.yaml.

- The YAML of every file under params/ is read first, so a typo is named by file, line and column.
- A group option that params/ lacks, and a key that a group option does not define (Hydra accepts
  `+model.n_estimatorz=5`; a key written into a params/ file is composed as well), are named with
  the closest valid name (difflib).
- The composed file starts with a header naming where to edit, and the SHA-256 of its values: a
  params.yaml whose values no longer match it was edited by hand, which the stage refuses rather
  than silently replacing the edit with a fresh composition.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import importlib.util
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError
from pipeline.tracking.params import flatten

HEADER = (
    "# Composed from params/ by the params stage: edit params/<group>/<option>.yaml (or\n"
    "# params/config.yaml), or use `dvc exp run -S key=value`. A hand edit of this file stops\n"
    "# `dvc repro` (it would be replaced); the digest below tells it apart.\n"
)
DIGEST = re.compile(r"^# values-sha256: ([0-9a-f]{64})$", re.M)
MODEL_KEYS = ("name", "task", "_target_")  # the rest are the estimator's


def values_digest(values: Any) -> str:
    """SHA-256 of the values (not the formatting or comments) of a params file."""
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def with_header(text: str) -> str:
    """`text` (a composed params.yaml) behind the header and the digest of its values."""
    body = DIGEST.sub("", text[len(HEADER) :] if text.startswith(HEADER) else text).lstrip("\n")
    digest = values_digest(yaml.safe_load(body) or {})
    return f"{HEADER}# values-sha256: {digest}\n{body}"


def recorded_digest(text: str) -> str | None:
    found = DIGEST.search(text)
    return found[1] if found else None


def changed_keys(composed: Any, edited: Any) -> list[tuple[str, Any, Any]]:
    """`(key, composed value, edited value)` for every dotted key whose value differs (a file
    that is no mapping at all is one value under the key "")."""
    old, new = ({"": v} if not isinstance(v, Mapping) else flatten(v) for v in (composed, edited))
    missing = object()
    return [
        (key, old.get(key), new.get(key))
        for key in sorted(set(old) | set(new))
        if old.get(key, missing) != new.get(key, missing)
    ]


# --- the YAML and the groups of params/


def check_yaml(config_dir: Path) -> None:
    """Stop at the first file under `config_dir` whose YAML cannot be read: file, line, column."""
    for path in sorted(config_dir.rglob("*.yaml")):
        try:
            yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
            raise ConfigError(
                f"{path.relative_to(config_dir.parent)} is not valid YAML at {where} "
                f"({error.problem or error.context}); fix it there: a list is written [a, b] with "
                "both brackets, a text holding ': ' or ' #' goes in quotes"
            ) from None
        except yaml.YAMLError as error:
            raise ConfigError(
                f"{path.relative_to(config_dir.parent)} is not valid YAML ({error}); fix it there"
            ) from None


def groups(config_dir: Path) -> dict[str, list[str]]:
    """Each config group (a folder of params/) with its options (the file names), sorted."""
    return {
        folder.name: sorted(p.stem for p in folder.glob("*.yaml"))
        for folder in sorted(config_dir.iterdir())
        if folder.is_dir()
    }


def defaults(config_dir: Path, config_name: str = "config") -> dict[str, str]:
    """The option params/config.yaml picks for each group."""
    raw = yaml.safe_load((config_dir / f"{config_name}.yaml").read_text(encoding="utf-8")) or {}
    picked: dict[str, str] = {}
    for entry in raw.get("defaults", []):
        if isinstance(entry, Mapping):
            picked.update({str(k): str(v) for k, v in entry.items()})
    return picked


def suggestion(word: str, choices: list[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {prefix}{close[0]}?" if close else ""


def check_options(config_dir: Path, overrides: list[str], config_name: str = "config") -> None:
    """Stop when params/config.yaml or an override picks an option a group does not have."""
    options = groups(config_dir)
    source = f"{config_dir.name}/{config_name}.yaml"
    picked = [(source, g, o) for g, o in defaults(config_dir, config_name).items()]
    for override in overrides:
        group, sep, option = override.lstrip("+~").partition("=")
        if sep and "." not in group and group in options:
            picked.append((f"the override {override}", group, option))
    for where, group, option in picked:
        if group in options and option not in options[group]:
            raise ConfigError(
                f"cannot compose {config_dir.name}/: {group}={option} ({where}) is not an option "
                f"of {group}{suggestion(option, options[group], f'{group}=')} "
                f"(options: {', '.join(options[group])})"
            )


def choice(config_dir: Path, group: str, section: Any) -> str | None:
    """The option of `group` that composed `section`: the one that sets the most of its keys,
    then the one its `name` names, then the one params/config.yaml picks."""
    options = groups(config_dir).get(group, [])
    if not options or not isinstance(section, Mapping):
        return defaults(config_dir).get(group)
    picked = defaults(config_dir).get(group)
    name = section.get("name")

    def rank(option: str) -> tuple[int, bool, bool]:
        keys = set(option_keys(config_dir, group, option))
        return len(keys & set(section)), option == name, option == picked

    return max(options, key=rank)


def option_keys(config_dir: Path, group: str, option: str, depth: int = 4) -> list[str]:
    """The keys that params/<group>/<option>.yaml sets, with those of the options of its own
    group that its `defaults` list extends (`defaults: [csv]`)."""
    path = config_dir / group / f"{option}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    if not isinstance(raw, Mapping):
        return []
    keys = [str(k) for k in raw if k != "defaults"]
    for base in raw.get("defaults") or [] if depth else []:
        if isinstance(base, str) and base != "_self_":
            keys += option_keys(config_dir, group, base, depth - 1)
    return sorted(set(keys))


def estimator_keys(target: Any) -> list[str] | None:
    """The constructor's parameters of the class at `target` (`package.module.Class`), read from
    its source without importing it (this stage runs on every `dvc repro`; importing
    scikit-learn would cost seconds); None when they cannot be read: the train stage names a class
    that does not exist, and a constructor taking `**kwargs` accepts any key."""
    if not isinstance(target, str) or "." not in target:
        return None
    module, _, name = target.rpartition(".")
    return _parameters(module, name, depth=4)


def _module_file(module: str) -> Path | None:
    """The source file of `module`, found without importing it or its packages."""
    top, *rest = module.split(".")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if not spec.submodule_search_locations:
        return Path(spec.origin) if spec.origin and not rest else None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest)
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _parameters(module: str, name: str, depth: int) -> list[str] | None:
    file = _module_file(module)
    if file is None or depth == 0:
        return None
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.parse(file.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    args = item.args
                    if args.vararg is not None or args.kwarg is not None:
                        return None
                    return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)][1:]
            return None  # the constructor is inherited
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    parts = package.split(".")
                    base = parts[: len(parts) - node.level + 1] if node.level else []
                    source = ".".join([*base, *([node.module] if node.module else [])])
                    return _parameters(source, alias.name, depth - 1)
    return None


def unknown_keys(config_dir: Path, composed: Mapping[str, Any]) -> Iterator[str]:
    """One message per key that the composition holds but no option defines."""
    config = yaml.safe_load((config_dir / "config.yaml").read_text(encoding="utf-8")) or {}
    options = groups(config_dir)
    top = sorted({*options, *(k for k in config if k != "defaults")})
    for key in composed:
        if key not in top:
            yield (
                f"{key} is not a parameter{suggestion(key, top)} (top-level keys: "
                f"{', '.join(top)}); remove the `+{key}` override or the key"
            )
    for group in sorted(set(options) & set(composed)):
        section = composed[group]
        option = choice(config_dir, group, section)
        if option is None or not isinstance(section, Mapping):
            continue
        known = option_keys(config_dir, group, option)
        estimator = estimator_keys(section.get("_target_")) if group == "model" else None
        if estimator is not None:
            known = [*MODEL_KEYS, *estimator]
        elif any(set(section) <= set(option_keys(config_dir, group, o)) for o in options[group]):
            continue  # an option sets every key (one extending another names the other)
        for key in sorted(set(section) - set(known)):
            close = suggestion(key, known, f"{group}.")
            yield (
                f"{group}.{key} is not a parameter of {group}={option}{close} "
                f"(keys: {', '.join(sorted(k for k in known if not k.startswith('_')))}); set "
                f"an existing key with `-S {group}.<key>=...` (no `+`), or fix "
                f"params/{group}/{option}.yaml"
            )


def check_keys(config_dir: Path, composed: Mapping[str, Any]) -> None:
    for message in unknown_keys(config_dir, composed):
        raise ConfigError(message)


def owner(config_dir: Path, composed: Mapping[str, Any], key: str) -> str:
    """The params/ file that sets the dotted `key`."""
    group = key.split(".", 1)[0]
    option = choice(config_dir, group, composed.get(group)) if "." in key else None
    if option is None:
        return f"{config_dir.name}/config.yaml"
    return f"{config_dir.name}/{group}/{option}.yaml"


def hand_edit_error(config_dir: Path, composed: Mapping[str, Any], edited: Any) -> ConfigError:
    """The refusal of a params.yaml edited by hand, naming each change and where to make it."""
    changes = changed_keys(composed, edited)
    shown = "; ".join(
        f"{key}: {old!r} -> {new!r} (edit {owner(config_dir, composed, key)})"
        for key, old, new in changes[:5]
    )
    more = f"; and {len(changes) - 5} more" if len(changes) > 5 else ""
    first = changes[0]
    return ConfigError(
        f"params.yaml was edited by hand ({shown}{more}); `dvc repro` composes it from "
        f"{config_dir.name}/ and would discard the edit: make it in {config_dir.name}/ (or run "
        f"`dvc exp run -S {first[0]}={json.dumps(first[2])}`), then discard the hand edit with "
        "`git checkout params.yaml`"
    )
