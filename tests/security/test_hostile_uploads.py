"""Hostile uploads through the real endpoint (GraphQL multipart: operations + map + file).

Every file of the corpus (`corpus.py`, made here, nothing downloaded) is either refused with a
typed error on `file` (and nothing is stored), or stored clean: the JPEG behind the returned
signed link holds no EXIF, GPS, XMP, comment, ZIP or appended payload. Never a 500, and no
response echoes what was hidden in the file. Malformed multipart requests and the caps on
request size, file size and file count answer with a clear top-level error.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from observations.models import Photo

from . import corpus
from .world import HOST, VISITOR, build_world

pytestmark = pytest.mark.django_db

UPLOAD = """
mutation Upload($input: PhotoUploadInput!) {
  photoUpload(input: $input) {
    photo { id caption width height url thumbnailUrl }
    errors { field code message }
  }
}
"""
GRAPHQL_RESPONSE = "application/graphql-response+json"

# name, maker, file name sent, expected: "STORED" or the error code on `file`.
CORPUS = [
    ("plain JPEG", corpus.jpeg, "IMG_0001.jpg", "STORED"),
    ("JPEG with EXIF and GPS", corpus.jpeg_with_gps_exif, "IMG_0002.jpg", "STORED"),
    ("JPEG with XMP and a comment", corpus.jpeg_with_comment_and_xmp, "IMG_0003.jpg", "STORED"),
    ("HEIC with XMP", corpus.heic_with_xmp, "IMG_0004.HEIC", "STORED"),
    ("JPEG + ZIP polyglot", corpus.jpeg_zip_polyglot, "holiday.jpg", "STORED"),
    ("JPEG + appended script", corpus.jpeg_with_appended_script, "work.jpg", "STORED"),
    ("PNG with a tEXt chunk", corpus.png_with_text_chunk, "work.png", "STORED"),
    ("49-megapixel PNG of 6 KB", lambda: corpus.png_decompression_bomb(7000), "big.png", "STORED"),
    ("PNG decompression bomb", corpus.png_decompression_bomb, "bomb.png", "IMAGE_TOO_LARGE"),
    ("PNG claiming 100000 x 100000", corpus.png_huge_dimensions, "huge.png", "IMAGE_TOO_LARGE"),
    ("JPEG claiming 65000 x 65000", corpus.jpeg_huge_dimensions, "huge.jpg", "IMAGE_TOO_LARGE"),
    (
        "GIF with a 65535 x 65535 frame",
        corpus.gif_with_huge_frame,
        "frame.gif",
        "UNSUPPORTED_IMAGE",
    ),
    ("truncated JPEG", corpus.truncated_jpeg, "cut.jpg", "UNSUPPORTED_IMAGE"),
    ("shell script renamed .jpg", corpus.script_named_jpg, "photo.jpg", "UNSUPPORTED_IMAGE"),
    ("SVG with a script named .png", corpus.svg_with_script, "photo.png", "UNSUPPORTED_IMAGE"),
    ("empty file", corpus.empty, "empty.jpg", "UNSUPPORTED_IMAGE"),
    ("path in the file name", corpus.jpeg, "../../../etc/passwd.jpg", "STORED"),
]


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    settings.ROOT_URLCONF = "tests.security.urls"
    return root


@pytest.fixture
def world(media_root):
    return build_world()


@pytest.fixture
def as_visitor(world, api_for):
    return api_for(world.users[VISITOR])


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def post_multipart(api, operations, file_map: dict, files: dict, **extra):
    headers = {"Accept": GRAPHQL_RESPONSE}
    if api.token:
        headers["Authorization"] = f"Bearer {api.token}"
    data = {"operations": json.dumps(operations), "map": json.dumps(file_map), **files}
    return api.client.post("/graphql/", data=data, headers=headers, **extra)


def post_upload(api, world, content: bytes, name: str, content_type="image/jpeg"):
    operations = {
        "query": UPLOAD,
        "variables": {"input": {"file": None, "visitId": world.gid("Visit", "done")}},
    }
    return post_multipart(
        api,
        operations,
        {"0": ["variables.input.file"]},
        {"0": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def fetch(client, url: str) -> tuple:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def assert_clean_jpeg(data: bytes) -> None:
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "JPEG"
    assert len(picture.getexif()) == 0
    assert picture.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"):
        assert key not in picture.info, key
    for signature in corpus.METADATA_SIGNATURES:
        assert signature not in data, signature
    assert b"GPS" not in data
    assert b"<script" not in data
    for marker in corpus.MARKERS:
        assert marker.encode() not in data, marker
    # Nothing after the end of the image: no appended archive or payload.
    assert data.rstrip(b"\x00").endswith(b"\xff\xd9")


@pytest.mark.parametrize(
    "maker,file_name,expected",
    [pytest.param(maker, name, expected, id=label) for label, maker, name, expected in CORPUS],
)
def test_each_hostile_file_is_refused_clearly_or_stored_clean(
    world, as_visitor, client, media_root, maker, file_name, expected
):
    response = post_upload(as_visitor, world, maker(), file_name)

    assert response.status_code == 200, response.content
    text = response.content.decode()
    for marker in corpus.MARKERS:
        assert marker not in text, f"{marker} echoed in the response"
    assert "etc/passwd" not in text
    body = response.json()
    assert "errors" not in body, body["errors"]
    result = body["data"]["photoUpload"]
    if expected != "STORED":
        assert [(e["field"], e["code"]) for e in result["errors"]] == [("file", expected)]
        assert result["errors"][0]["message"]
        assert result["photo"] is None
        assert Photo.objects.filter(caption="").exclude(pk=world.photo.pk).count() == 0
        assert stored_files(media_root) == []
        return
    assert result["errors"] == []
    photo = result["photo"]
    assert max(photo["width"], photo["height"]) <= 2048
    for link in (photo["url"], photo["thumbnailUrl"]):
        fetched, data = fetch(client, link)
        assert fetched.status_code == 200
        assert fetched["Content-Type"] == "image/jpeg"
        assert_clean_jpeg(data)
    names = [path.name for path in stored_files(media_root)]
    assert len(names) == 2
    assert not any(file_name.rsplit("/", 1)[-1].split(".")[0] in name for name in names)


def test_the_photo_link_is_for_its_viewer_only(world, as_visitor, api_for, client):
    """The stored photo's link opens for the visitor; the leader, coordinator and staff get
    no link to it (they cannot see the visit), and the host gets their own."""
    response = post_upload(as_visitor, world, corpus.jpeg_with_gps_exif(), "IMG_0009.jpg")
    photo = response.json()["data"]["photoUpload"]["photo"]
    query = """query($id: ID!) { node(id: $id) { ... on Photo { url } } }"""

    for kind, sees in ((HOST, True), ("leader", False), ("coordinator", False), ("staff", False)):
        found = api_for(world.users[kind]).data(query, {"id": photo["id"]})["node"]
        assert (found is not None) == sees, kind


# --- malformed multipart requests and the caps ---------------------------------------------------


def _upload_operations(world, **inputs) -> dict:
    return {
        "query": UPLOAD,
        "variables": {
            "input": {"file": None, "visitId": world.gid("Visit", "done"), **inputs},
        },
    }


def _codes(response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


def test_too_many_files_are_refused_before_reading_them(world, as_visitor, media_root, settings):
    limit = settings.UPLOAD_LIMITS["max_files"]
    files = {str(i): SimpleUploadedFile(f"{i}.jpg", corpus.jpeg()) for i in range(limit + 1)}
    file_map = {str(i): ["variables.input.file"] for i in range(limit + 1)}

    response = post_multipart(as_visitor, _upload_operations(world), file_map, files)

    assert response.status_code == 413
    assert _codes(response) == ["TOO_MANY_FILES"]
    assert stored_files(media_root) == []


def test_a_file_over_the_size_cap_is_refused(world, as_visitor, media_root, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "max_file_bytes": 20_000}
    big = corpus.jpeg(size=(800, 800)) + b"\x00" * 30_000

    response = post_upload(as_visitor, world, big, "big.jpg")

    assert response.status_code == 413
    assert _codes(response) == ["PAYLOAD_TOO_LARGE"]
    assert response.json()["errors"][0]["message"]
    assert stored_files(media_root) == []


def test_a_request_over_the_upload_body_cap_is_refused(world, as_visitor, media_root, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "max_request_bytes": 10_000}

    response = post_upload(as_visitor, world, corpus.jpeg() + b"\x00" * 20_000, "big.jpg")

    assert response.status_code == 413
    assert _codes(response) == ["PAYLOAD_TOO_LARGE"]
    assert stored_files(media_root) == []


def test_uploads_beyond_the_hourly_limit_are_refused(world, as_visitor, media_root, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "per_hour": 2}
    for _ in range(2):
        assert post_upload(as_visitor, world, corpus.jpeg(), "a.jpg").status_code == 200

    response = post_upload(as_visitor, world, corpus.jpeg(), "a.jpg")

    assert response.status_code == 429
    assert _codes(response) == ["RATE_LIMITED"]
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "file_map,operations_override,status",
    [
        pytest.param({"0": ["variables.input.nope"]}, None, 400, id="map path not in operation"),
        pytest.param({"0": ["variables." + "a." * 500 + "b"]}, None, 400, id="deep map path"),
        pytest.param({"1": ["variables.input.file"]}, None, 400, id="map names a missing file"),
        pytest.param({"0": "variables.input.file"}, None, 400, id="map entry not a list"),
        pytest.param(["variables.input.file"], None, 400, id="map not an object"),
        pytest.param({"0": ["variables.input.file"]}, [], 400, id="operations a batch"),
        pytest.param({"0": ["variables.input.visitId"]}, None, (200, 400), id="file as an id"),
        pytest.param({"0": ["variables.input.caption"]}, None, (200, 400), id="file as caption"),
    ],
)
def test_malformed_multipart_requests_get_a_clear_error(
    world, as_visitor, media_root, file_map, operations_override, status
):
    operations = _upload_operations(world, caption="x")
    if operations_override is not None:
        operations = operations_override
    files = {"0": SimpleUploadedFile("a.jpg", corpus.jpeg())}

    response = post_multipart(as_visitor, operations, file_map, files)

    assert response.status_code in (status if isinstance(status, tuple) else (status,))
    body = response.json()
    errors = body.get("errors") or (body.get("data") or {}).get("photoUpload", {}).get("errors")
    assert errors, body
    codes = [(e.get("extensions") or {}).get("code") or e.get("code") for e in errors]
    assert "INTERNAL_SERVER_ERROR" not in codes and all(codes), body
    assert stored_files(media_root) == []


def test_a_multipart_body_without_operations_is_a_bad_request(as_visitor, media_root):
    headers = {"Accept": GRAPHQL_RESPONSE, "Authorization": f"Bearer {as_visitor.token}"}
    response = as_visitor.client.post(
        "/graphql/", data={"0": SimpleUploadedFile("a.jpg", corpus.jpeg())}, headers=headers
    )

    assert response.status_code == 400
    assert _codes(response) == ["BAD_REQUEST"]


def test_anonymous_uploads_store_nothing(world, api, media_root):
    response = post_upload(api, world, corpus.jpeg(), "a.jpg")

    assert _codes(response) == ["UNAUTHENTICATED"]
    assert stored_files(media_root) == []
