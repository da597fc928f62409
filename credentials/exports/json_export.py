"""The JSON export: ``packet.json``, the frozen content as canonical JSON.

These are exactly the bytes the manifest's ``contentSha256`` hashes, so anyone holding the
export can check it against the manifest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .canonical import canonical_json

__all__ = ["CONTENT_TYPE", "render_json"]

CONTENT_TYPE = "application/json"


def render_json(content: Mapping[str, Any]) -> bytes:
    return canonical_json(content)
