"""Photos for tests, built with Pillow: no binary fixtures in the repository."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

XMP_MARKER = b"http://ns.adobe.com/xap/1.0/"
XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SecretTool"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
# Planted in the inputs' metadata; none may come back.
SECRETS = (b"SecretPhone", b"SECRET-DATUM", b"SecretTool", b"xmpmeta", b"Maple Street")


def picture(size=(60, 40)) -> Image.Image:
    im = Image.new("RGB", size, (220, 20, 20))
    im.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    return im


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    im.save(out, format=fmt, **params)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretPhone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (41.0, 52.0, 55.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (87.0, 37.0, 40.0),
        ExifTags.GPS.GPSMapDatum: "SECRET-DATUM",
    }
    return exif


def phone_jpeg() -> bytes:
    """A JPEG as a phone camera writes it: EXIF with GPS, XMP and a comment."""
    data = encode(
        picture(),
        "JPEG",
        exif=gps_exif(),
        xmp=XMP_PACKET,
        comment=b"Taken at Maple Street",
        quality=95,
    )
    assert b"Exif" in data and b"SECRET-DATUM" in data and XMP_MARKER in data
    return data


def heic() -> bytes:
    if "HEIF" not in Image.SAVE:
        pytest.skip("pillow-heif on this machine has no HEVC encoder, so no HEIC can be built")
    return encode(picture(), "HEIF", quality=90, exif=gps_exif().tobytes())


def gif() -> bytes:
    return encode(picture(), "GIF")


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00", 9))
        + chunk(b"IEND", b"")
    )


def assert_clean_jpeg(data: bytes) -> None:
    """A JPEG with no EXIF, GPS, XMP, comment or planted string."""
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG"
    assert len(im.getexif()) == 0
    assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "xmp", "comment", "icc_profile"):
        assert key not in im.info, key
    assert b"Exif" not in data
    assert b"GPS" not in data
    assert XMP_MARKER not in data
    for secret in SECRETS:
        assert secret not in data, secret


UPLOAD = """
mutation Upload($input: PhotoUploadInput!) {
  photoUpload(input: $input) {
    photo { id caption width height thumbnailWidth thumbnailHeight url thumbnailUrl
            linksExpireAt canDelete uploadedBy { fullName } }
    errors { field code message }
  }
}
"""


def post_upload(api, data: bytes, *, name="IMG_0001.jpg", content_type="image/jpeg", **target):
    """photoUpload through /graphql/ as the GraphQL multipart request spec says."""
    operations = {"query": UPLOAD, "variables": {"input": {"file": None, **target}}}
    headers = {"Accept": "application/graphql-response+json"}
    if api.token:
        headers["Authorization"] = f"Bearer {api.token}"
    return api.client.post(
        "/graphql/",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
            "0": SimpleUploadedFile(name, data, content_type=content_type),
        },
        headers=headers,
    )


def upload(api, data: bytes, **target) -> dict:
    response = post_upload(api, data, **target)
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["photoUpload"]


def fetch(client, url: str, method: str = "get"):
    """GET a photo link; returns (response, body bytes). Reading a streamed body to its end
    closes the file (the test client's wrapper does); closing the response again would send
    request_finished a second time and close the database connection."""
    response = getattr(client, method)(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())
