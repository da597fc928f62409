"""The manifest of a submitted packet: what was submitted, for which credential version, and
the SHA-256 of the content and of every file, so the packet can be checked without the server.

``manifest_sha256`` (the hash of the manifest's canonical bytes) is stored with the packet; it
covers everything in the ZIP except ``packet.pdf``, a rendering whose bytes depend on the PDF
library's version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .canonical import canonical_json, sha256_hex

__all__ = ["FILES_DIR", "build_manifest", "check_file_path", "iso_utc", "manifest_sha256"]

FILES_DIR = "files/"


def iso_utc(at: datetime | str) -> str:
    """A moment as ``2026-12-07T17:00:00Z`` (microseconds only when there are some); a string
    is taken as already formatted."""
    if isinstance(at, str):
        return at
    if at.tzinfo is None:
        raise ValueError("a naive datetime has no place in a packet: give it its UTC offset")
    utc = at.astimezone(UTC)
    spec = "microseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def check_file_path(path: str) -> str:
    """A file's path inside the packet: under ``files/``, relative, no ``..``, forward slashes
    (it becomes a ZIP member name, and an unpacked ZIP must not write outside its folder)."""
    parts = path.split("/")
    if (
        not path.startswith(FILES_DIR)
        or "\\" in path
        or any(part in ("", ".", "..") for part in parts[1:])
        or len(parts) < 2
    ):
        raise ValueError(f"file path {path!r} must be files/<name>, relative, without '..'")
    return path


def build_manifest(
    *,
    packet_id: str | int,
    credential_key: str,
    version_number: int,
    version_sha256: str,
    attempt: int,
    submitted_at: datetime | str,
    skills: Sequence[Mapping[str, Any]],
    content_bytes: bytes,
    files: Iterable[tuple[str, bytes]],
) -> dict[str, Any]:
    """The manifest as a dict (write it with `canonical_json`).

    ``content_bytes`` are the canonical content (``render_json``); ``files`` the packet's files
    as ``(path, bytes)``, listed in the manifest by path so their order does not change it.
    """
    listed: dict[str, dict[str, Any]] = {}
    for path, data in files:
        check_file_path(path)
        if path in listed:
            raise ValueError(f"file path {path!r} appears twice")
        listed[path] = {"path": path, "sha256": sha256_hex(data), "bytes": len(data)}
    return {
        "packet": packet_id,
        "credentialKey": credential_key,
        "versionNumber": version_number,
        "versionSha256": version_sha256,
        "attempt": attempt,
        "submittedAt": iso_utc(submitted_at),
        "skills": [dict(skill) for skill in skills],
        "contentSha256": sha256_hex(content_bytes),
        "files": [listed[path] for path in sorted(listed)],
    }


def manifest_sha256(manifest: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(manifest))
