"""Credentials stay out of files: found in URIs, masked in logged params and YAML copies.

A URI may carry a password (`scheme://user:password@host`) or a secret-named query parameter
(`?token=...`); a parameter whose name has a part like password, token, secret or api_key has its
value masked (`***`) wherever a run records it. Nothing here imports MLflow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from pipeline.errors import MASK, hide_secrets, is_secret_name

KeyPath = tuple[str, ...]
# `key: value` in block YAML, also as the first key of a list item (`- path: x`)
KEY_LINE = re.compile(r"^(?P<lead> *(?:- +)*)(?P<key>[^\s#'\"-][^:#]*?):(?: +(?P<value>.*))?$")
ITEM_LINE = re.compile(r"^(?P<lead> *)- +(?P<value>[^\s#].*)$")
NULLS = {"null", "~", "Null", "NULL"}


def uri_secrets(uri: str) -> list[str]:
    """The credentials `uri` carries, as written and percent-decoded: its password and the values
    of its secret-named query parameters. A user name alone is not a credential."""
    parts = urlsplit(uri if "://" in uri else f"//{uri}")
    try:
        password = parts.password
    except ValueError:  # an invalid port: still look for a password by hand
        password = None
    found = [password] if password else []
    for raw in re.split(r"[&;]", parts.query):
        name, _, value = raw.partition("=")
        if value and is_secret_name(unquote(name)):
            found.append(value)
    found += [value for name, value in parse_qsl(parts.query) if value and is_secret_name(name)]
    found += [unquote(value) for value in found]
    return sorted(set(found), key=lambda s: (-len(s), s))


def redact_uri(uri: str) -> str:
    """`uri` with its credentials replaced by `***`, for messages."""
    text = hide_secrets(uri, {})
    for secret in uri_secrets(text):
        if secret != MASK:
            text = text.replace(secret, MASK)
    return text


def credentials_in(params: Any, path: KeyPath = ()) -> Iterator[tuple[str, str, list[str]]]:
    """(dotted key, value, its credentials) for every string value of `params` that is a URI with
    credentials."""
    if isinstance(params, dict):
        for key, value in params.items():
            yield from credentials_in(value, (*path, str(key)))
    elif isinstance(params, list):
        for index, value in enumerate(params):
            yield from credentials_in(value, (*path[:-1], f"{path[-1]}[{index}]") if path else ())
    elif isinstance(params, str) and (secrets := uri_secrets(params)):
        yield ".".join(path), params, secrets


def without(data: Any, secrets: list[str]) -> Any:
    """`data` with every occurrence of `secrets` in its strings replaced by `***`."""
    if isinstance(data, dict):
        return {key: without(value, secrets) for key, value in data.items()}
    if isinstance(data, list):
        return [without(value, secrets) for value in data]
    if isinstance(data, str):
        for secret in secrets:
            data = data.replace(secret, MASK)
    return data


def mask_params(params: dict[str, str]) -> dict[str, str]:
    """Dotted params with the value of every secret-named one masked (a null needs no mask)."""
    return {
        key: MASK if is_secret_name(key) and value != "null" else value
        for key, value in params.items()
    }


def any_secret(path: KeyPath) -> bool:
    """A params.yaml key path is secret when any of its parts names a credential."""
    return any(is_secret_name(part) for part in path)


def lock_params_secret(path: KeyPath) -> bool:
    """A dvc.lock key path is secret inside a stage's params (stages.<s>.params.<file>.<key>)."""
    return len(path) > 4 and path[0] == "stages" and path[2] == "params" and any_secret(path[4:])


def mask_tree(data: Any, secret: Callable[[KeyPath], bool], path: KeyPath = ()) -> Any:
    """`data` with every non-null leaf under a secret key path masked."""
    if isinstance(data, dict):
        return {key: mask_tree(value, secret, (*path, str(key))) for key, value in data.items()}
    if isinstance(data, list):
        return [mask_tree(value, secret, path) for value in data]
    return MASK if data is not None and secret(path) else data


def mask_yaml(text: str, secret: Callable[[KeyPath], bool] = any_secret) -> str:
    """Block YAML `text` with the values under secret key paths masked, byte for byte otherwise.

    The masked text is checked by parsing it; YAML this line-wise edit cannot handle (a secret in
    a multi-line value) is written anew from the parsed, masked data instead.
    """
    data = yaml.safe_load(text)
    expected = mask_tree(data, secret)
    if expected == data:
        return text
    lines = text.splitlines(keepends=True)
    stack: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if not body.strip() or body.lstrip().startswith("#"):
            continue
        if match := KEY_LINE.match(body):
            column = len(match["lead"])
            while stack and stack[-1][0] >= column:
                stack.pop()
            stack.append((column, match["key"].strip()))
            value = match["value"]
            start = match.start("value")
        elif match := ITEM_LINE.match(body):
            column = len(match["lead"])
            while stack and stack[-1][0] > column:
                stack.pop()
            value, start = match["value"], match.start("value")
        else:
            continue
        keys = tuple(key for _, key in stack)
        if value and value not in NULLS and secret(keys):
            lines[index] = body[:start] + f"'{MASK}'" + line[len(body) :]
    masked = "".join(lines)
    try:
        if yaml.safe_load(masked) == expected:
            return masked
    except yaml.YAMLError:
        pass
    return yaml.safe_dump(expected, sort_keys=False, allow_unicode=True)
