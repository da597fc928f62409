"""What a submitted packet's documents say, fetched through its links as the phone would:
no child named anywhere (PDF text read back with pypdf, JSON, every ZIP member), peers named
only with their consent, the same bytes on every render, a ZIP the manifest verifies."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from credentials.models import Packet

from .packet_world import STUDENT_IDENTIFIERS, TITLE, ready, submit

DECLINED = "Quentin Abernathy"  # Yellow 3, who declines to be named
GRANTED = "Rosalind Achebe"  # Yellow 1, who agrees


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Lines break wherever the layout breaks them; compare with single spaces.
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _says(text: str, phrase: str) -> bool:
    """Whether `text` holds `phrase` as whole words, ignoring case and spacing."""
    words = r"\s+".join(re.escape(part) for part in phrase.split())
    return re.search(rf"(?<!\w){words}(?!\w)", text, re.IGNORECASE) is not None


@pytest.fixture
def documents(world, api_for, client):
    """The submitted packet's PDF, JSON and ZIP, as their links serve them."""
    users = get_user_model().objects
    users.filter(pk=world.yellows[2].pk).update(full_name=DECLINED)
    users.filter(pk=world.yellows[0].pk).update(full_name=GRANTED)
    r = ready(world, decline=(2,))
    packet = submit(api_for(r.leader), r)["packet"]
    fetched = {}
    for name in ("pdf", "json", "zip"):
        response = client.get(packet[f"{name}Download"]["url"])
        assert response.status_code == 200, response.content
        fetched[name] = response.content
    return fetched


def _zip_texts(data: bytes) -> dict[str, str]:
    """Every member of the ZIP as text (the PDF read back, files decoded as far as they go)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return {
        name: _pdf_text(raw) if name.endswith(".pdf") else raw.decode("utf-8", "replace")
        for name, raw in members.items()
    }


def test_the_pdf_names_no_child_and_says_what_it_should(documents):
    text = _pdf_text(documents["pdf"])
    # The positive control: an unreadable PDF cannot pass the checks below.
    assert "Student A" in text and "Student B" in text
    assert TITLE in text
    assert "Lee Leader" in text
    for identifier in STUDENT_IDENTIFIERS:
        assert not _says(text, identifier), identifier


def test_the_json_and_every_zip_member_name_no_child(documents):
    texts = {"packet.json (link)": documents["json"].decode()} | _zip_texts(documents["zip"])
    assert sorted(texts) == [
        "files/photo-1.jpg",
        "manifest.json",
        "packet.json",
        "packet.json (link)",
        "packet.pdf",
    ]
    for name, text in texts.items():
        for identifier in STUDENT_IDENTIFIERS:
            assert not _says(text, identifier), (name, identifier)
    for name in ("packet.json", "packet.json (link)", "packet.pdf"):
        assert "Student A" in texts[name] and TITLE in texts[name], name
    assert texts["packet.json"] == texts["packet.json (link)"]


def test_a_peer_who_declined_is_a_role_and_one_who_granted_a_name(documents):
    texts = {
        "pdf": _pdf_text(documents["pdf"]),
        "json": documents["json"].decode(),
    } | _zip_texts(documents["zip"])
    for name, text in texts.items():
        assert not _says(text, DECLINED), name
        assert not _says(text, "Quentin") and not _says(text, "Abernathy"), name
    for name in ("pdf", "json", "packet.pdf"):
        assert "Yellow dot 3" in texts[name], name
        assert GRANTED in texts[name], name


def test_the_zip_is_what_its_manifest_says(documents):
    with zipfile.ZipFile(io.BytesIO(documents["zip"])) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        content = archive.read("packet.json")
        assert hashlib.sha256(content).hexdigest() == manifest["contentSha256"]
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["bytes"]
        assert "packet.pdf" not in [entry["path"] for entry in manifest["files"]]
    packet = Packet.objects.get()
    assert hashlib.sha256(archive_manifest_bytes(documents["zip"])).hexdigest() == (
        packet.manifest_sha256
    )
    assert content == documents["json"]


def archive_manifest_bytes(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("manifest.json")


def test_two_renders_are_byte_equal(world, api_for, client):
    r = ready(world)
    api = api_for(r.leader)
    submit(api, r)
    first = {}
    for attempt in range(2):
        # A fresh link each time: the bytes depend on the packet only.
        packet = api.data(
            "query($id: ID!) { pursuit(id: $id) { packets { "
            "pdfDownload { url } zipDownload { url } } } }",
            {"id": r.gid},
        )["pursuit"]["packets"][0]
        got = {
            name: client.get(packet[f"{name}Download"]["url"]).content for name in ("pdf", "zip")
        }
        if attempt == 0:
            first = got
        else:
            assert got == first
    assert first["pdf"].startswith(b"%PDF") and first["zip"].startswith(b"PK")
