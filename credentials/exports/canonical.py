"""Canonical JSON: the one byte form of a packet's content and manifest, so a hash means one
thing.

Keys sorted, UTF-8 (no ``\\u`` escapes for non-ASCII), no spaces, and no floats: a float's text
depends on the writer, so numbers that are not integers travel as strings. Only dicts with
string keys, lists, strings, integers, booleans and None are accepted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["canonical_json", "sha256_hex"]


def canonical_json(obj: Any) -> bytes:
    """``obj`` as canonical JSON bytes; TypeError (naming where) on a float or a value JSON
    cannot carry exactly."""
    _check(obj, "$")
    return json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check(value: Any, where: str) -> None:
    # bool before int: True is an int to Python and a boolean to JSON, both fine.
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        raise TypeError(f"{where}: floats are not canonical; send the number as a string")
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: object keys must be strings, not {key!r}")
            _check(inner, f"{where}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            _check(inner, f"{where}[{index}]")
        return
    raise TypeError(f"{where}: {type(value).__name__} is not canonical JSON")
