"""Packet exports: canonical JSON, the manifest, the ZIP and the PDF (credentials.exports)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader

from credentials.anonymise import pseudonymise
from credentials.exports.canonical import canonical_json, sha256_hex
from credentials.exports.json_export import render_json
from credentials.exports.manifest import build_manifest, manifest_sha256
from credentials.exports.pdf import render_pdf
from credentials.exports.zip_export import render_zip

from .packets import CREDENTIAL_TITLE, TEACHER, packet_content

CHILDREN = ["Maya Okafor", "Leo", "Boys"]
SUBMITTED = datetime(2026, 12, 7, 17, 0, 0, tzinfo=UTC)
PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes all the same \xff\xd9"


def _packet():
    return pseudonymise(packet_content(CHILDREN))


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Lines break wherever the layout breaks them; compare with single spaces.
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _manifest(content, files):
    return build_manifest(
        packet_id="UGFja2V0OjE=",
        credential_key="building-will",
        version_number=1,
        version_sha256="ab" * 32,
        attempt=1,
        submitted_at=SUBMITTED,
        skills=content["credential"]["skills"],
        content_bytes=render_json(content),
        files=files,
    )


# --- canonical JSON --------------------------------------------------------------------------


def test_canonical_json_sorts_keys_is_compact_and_utf8():
    assert canonical_json({"b": 1, "a": ["Zoë", None, True]}) == (
        '{"a":["Zoë",null,true],"b":1}'.encode()
    )


@pytest.mark.parametrize(
    "value",
    [1.5, {"a": [1, {"b": 2.0}]}, float("nan"), {"ok": "x", "score": 0.1}],
)
def test_canonical_json_refuses_floats(value):
    with pytest.raises(TypeError, match="float"):
        canonical_json(value)


def test_canonical_json_refuses_what_json_would_change():
    with pytest.raises(TypeError, match="keys must be strings"):
        canonical_json({1: "a"})
    with pytest.raises(TypeError, match="datetime"):
        canonical_json({"at": SUBMITTED})


def test_sha256_hex():
    assert sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()


# --- JSON export -----------------------------------------------------------------------------


def test_json_export_round_trips():
    content = _packet()
    data = render_json(content)
    assert json.loads(data.decode("utf-8")) == content
    assert render_json(json.loads(data)) == data
    assert TEACHER.encode() in data  # UTF-8, not \u escapes


# --- manifest --------------------------------------------------------------------------------


def test_manifest_lists_files_by_path_with_hashes_and_sizes():
    content = _packet()
    manifest = _manifest(content, [("files/z.jpg", b"zz"), ("files/a.jpg", PHOTO)])
    assert manifest["files"] == [
        {"path": "files/a.jpg", "sha256": hashlib.sha256(PHOTO).hexdigest(), "bytes": len(PHOTO)},
        {"path": "files/z.jpg", "sha256": hashlib.sha256(b"zz").hexdigest(), "bytes": 2},
    ]
    assert manifest["contentSha256"] == hashlib.sha256(render_json(content)).hexdigest()
    assert manifest["submittedAt"] == "2026-12-07T17:00:00Z"
    assert manifest_sha256(manifest) == hashlib.sha256(canonical_json(manifest)).hexdigest()


@pytest.mark.parametrize(
    "path", ["photo.jpg", "files/../../etc/passwd", "/files/a.jpg", "files/", "files\\a.jpg"]
)
def test_manifest_refuses_paths_outside_files(path):
    with pytest.raises(ValueError, match="files/"):
        _manifest(_packet(), [(path, b"x")])


def test_manifest_refuses_a_path_twice():
    with pytest.raises(ValueError, match="twice"):
        _manifest(_packet(), [("files/a.jpg", b"x"), ("files/a.jpg", b"y")])


# --- ZIP -------------------------------------------------------------------------------------


def _zip(content=None, files=None, pdf=b"%PDF-rendering"):
    content = content if content is not None else _packet()
    files = files if files is not None else [("files/photo-1.jpg", PHOTO)]
    return render_zip(content, _manifest(content, files), files, pdf, SUBMITTED)


def test_zip_members_match_the_manifest():
    content = _packet()
    data = _zip(content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [
            "manifest.json",
            "packet.json",
            "files/photo-1.jpg",
            "packet.pdf",
        ]
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read("manifest.json") == canonical_json(manifest)
        packet_json = archive.read("packet.json")
        assert json.loads(packet_json) == content
        assert manifest["contentSha256"] == hashlib.sha256(packet_json).hexdigest()
        listed = {entry["path"]: entry for entry in manifest["files"]}
        assert set(listed) == {"files/photo-1.jpg"}, "the PDF is outside the hashed set"
        for path, entry in listed.items():
            member = archive.read(path)
            assert entry["sha256"] == hashlib.sha256(member).hexdigest()
            assert entry["bytes"] == len(member)
        assert {info.date_time for info in archive.infolist()} == {(2026, 12, 7, 17, 0, 0)}
        assert archive.testzip() is None


def test_zip_bytes_are_stable_across_renders_and_clocks():
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        first = _zip()
    with time_machine.travel(datetime(2031, 6, 1, 12, 34, 56, tzinfo=UTC), tick=False):
        second = _zip()
    assert first == second
    # ...and they are the packet's bytes, not a constant.
    assert _zip(files=[("files/photo-1.jpg", PHOTO + b"!")]) != first


def test_zip_without_a_pdf_has_no_pdf_member():
    with zipfile.ZipFile(io.BytesIO(_zip(pdf=None))) as archive:
        assert "packet.pdf" not in archive.namelist()


def test_zip_refuses_a_manifest_its_members_contradict():
    content = _packet()
    files = [("files/photo-1.jpg", PHOTO)]
    manifest = _manifest(content, files)
    with pytest.raises(ValueError, match="contentSha256"):
        render_zip(
            {**content, "teacher": {"name": "Someone else"}}, manifest, files, None, SUBMITTED
        )
    with pytest.raises(ValueError, match="hash of"):
        render_zip(content, manifest, [("files/photo-1.jpg", b"other")], None, SUBMITTED)
    with pytest.raises(ValueError, match="other files"):
        render_zip(content, manifest, [], None, SUBMITTED)


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_names_the_credential_teacher_and_letters_but_no_child():
    raw = packet_content(CHILDREN)
    # Positive control: the same extraction finds the children in a PDF of the raw packet, so
    # an unreadable PDF cannot pass the check below.
    raw_text = _pdf_text(render_pdf(raw)).casefold()
    for child in CHILDREN:
        assert child.casefold() in raw_text

    text = _pdf_text(render_pdf(pseudonymise(raw)))
    assert CREDENTIAL_TITLE in text
    assert TEACHER in text  # not Latin-1: the vendored font carries it
    assert "Student A" in text and "Student B" in text and "Student C" in text
    assert "Dana Reyes (Yellow dot 5)" in text
    assert "SLRC.5" in text
    for child in CHILDREN:
        assert not re.search(rf"(?<!\w){re.escape(child)}(?!\w)", text, re.IGNORECASE), child


def test_pdf_renders_are_byte_equal_whatever_the_clock():
    content = _packet()
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        first = render_pdf(content)
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=400), tick=False):
        second = render_pdf(content)
    assert first.startswith(b"%PDF-")
    assert first == second


def test_pdf_of_a_long_packet_runs_over_pages():
    content = _packet()
    item = content["requirements"][0]["items"][0]
    item["entries"] = item["entries"] * 60
    reader = PdfReader(io.BytesIO(render_pdf(content)))
    assert len(reader.pages) > 1
    assert "Page 1 of" in reader.pages[0].extract_text()
