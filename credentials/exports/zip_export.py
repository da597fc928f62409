"""The ZIP export: ``manifest.json``, ``packet.json``, ``files/...`` and ``packet.pdf``.

Every member carries the same fixed timestamp (the submission's) and fixed attributes, and
members are written in a fixed order, so the same packet gives the same bytes each time it is
downloaded. ``packet.pdf`` is a rendering for people, outside the manifest's hashed set.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .canonical import canonical_json, sha256_hex
from .json_export import render_json
from .manifest import check_file_path

__all__ = ["CONTENT_TYPE", "render_zip"]

CONTENT_TYPE = "application/zip"

# rw-r--r-- regular file, as a Unix system writes it (the default depends on the platform).
_FILE_MODE = 0o100644 << 16
_UNIX = 3


def render_zip(
    content: Mapping[str, Any],
    manifest: Mapping[str, Any],
    files: Sequence[tuple[str, bytes]],
    pdf: bytes | None,
    at: datetime,
) -> bytes:
    """The packet as a ZIP. Refuses (ValueError) a manifest that does not describe this
    content and these files: the ZIP must never carry a manifest that its members contradict."""
    packet_json = render_json(content)
    _check_agrees(manifest, packet_json, files)
    stamp = _zip_time(at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _write(archive, "manifest.json", canonical_json(manifest), stamp, zipfile.ZIP_DEFLATED)
        _write(archive, "packet.json", packet_json, stamp, zipfile.ZIP_DEFLATED)
        for path, data in sorted(files):
            # Photos are compressed already; storing them saves the work for nothing.
            _write(archive, path, data, stamp, zipfile.ZIP_STORED)
        if pdf is not None:
            _write(archive, "packet.pdf", pdf, stamp, zipfile.ZIP_STORED)
    return buffer.getvalue()


def _check_agrees(
    manifest: Mapping[str, Any], packet_json: bytes, files: Sequence[tuple[str, bytes]]
) -> None:
    if manifest.get("contentSha256") != sha256_hex(packet_json):
        raise ValueError("the manifest's contentSha256 is not this content's")
    listed = {entry["path"]: entry for entry in manifest.get("files") or ()}
    given = {check_file_path(path): data for path, data in files}
    if len(given) != len(files) or set(given) != set(listed):
        raise ValueError("the manifest lists other files than the ZIP would hold")
    for path, data in given.items():
        if listed[path]["sha256"] != sha256_hex(data) or listed[path]["bytes"] != len(data):
            raise ValueError(f"the manifest's hash of {path!r} is not that file's")


def _zip_time(at: datetime) -> tuple[int, int, int, int, int, int]:
    if at.tzinfo is None:
        raise ValueError("a naive datetime has no place in a packet: give it its UTC offset")
    utc = at.astimezone(UTC)
    # ZIP's DOS time starts in 1980 and counts seconds in twos.
    return (
        max(utc.year, 1980),
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second - utc.second % 2,
    )


def _write(
    archive: zipfile.ZipFile,
    name: str,
    data: bytes,
    stamp: tuple[int, int, int, int, int, int],
    compression: int,
) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = compression
    info.create_system = _UNIX
    info.external_attr = _FILE_MODE
    archive.writestr(info, data, compress_type=compression, compresslevel=9)
