"""Sanitising photos of student work uploaded from phones.

Visitors photograph student work during a classroom visit. Those photos come straight from a
phone camera, so they carry EXIF (often with the GPS position of the school), XMP, camera
serials and sometimes comments or extra payloads appended by other apps. Nothing of that may be
stored or shown to anyone: we decode the picture, keep only its pixels and encode a fresh JPEG.

The module is pure Python (Pillow and pillow-heif) and needs neither Django settings nor a
database; user-fixable problems are reported as ``ValidationError`` with a stable ``code``.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import BinaryIO

import pillow_heif
from django.core.exceptions import ValidationError
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from observations.errors import ObservationError

# iPhones shoot HEIC by default; Pillow only reads it through pillow-heif's plugin.
pillow_heif.register_heif_opener()

__all__ = [
    "ACCEPTED_FORMATS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_MAX_SIDE",
    "DEFAULT_THUMBNAIL_SIDE",
    "IMAGE_TOO_LARGE",
    "UNSUPPORTED_IMAGE",
    "SanitizedImage",
    "read_upload",
    "sanitize_image",
]

UNSUPPORTED_IMAGE = ObservationError.UNSUPPORTED_IMAGE
IMAGE_TOO_LARGE = ObservationError.IMAGE_TOO_LARGE

# A 48 MP iPhone photo is about 8064 x 6048 = 48.8 M pixels and at most ~15 MB as JPEG.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_MAX_SIDE = 2048
DEFAULT_THUMBNAIL_SIDE = 320
DEFAULT_QUALITY = 85
THUMBNAIL_QUALITY = 80
OUTPUT_CONTENT_TYPE = "image/jpeg"

# Pillow format names tried when opening, and the name reported for each. MPO is how Pillow
# names a JPEG with extra pictures (some Android cameras); it is a JPEG to the user.
_PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
_REPORTED_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
ACCEPTED_FORMATS = frozenset(_REPORTED_FORMAT.values())

_WHITE = (255, 255, 255)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

# Errors Pillow and its plugins raise on malformed or truncated input.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
)


@dataclass(frozen=True, slots=True)
class SanitizedImage:
    """A photo re-encoded from its pixels only, plus a thumbnail for lists on the phone.

    ``content`` and ``thumbnail`` are always JPEG (``content_type``); ``source_format`` is the
    format detected from the uploaded bytes: "JPEG", "PNG", "WEBP" or "HEIF".
    """

    content: bytes = field(repr=False)
    thumbnail: bytes = field(repr=False)
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    source_format: str
    content_type: str = OUTPUT_CONTENT_TYPE

    @property
    def extension(self) -> str:
        """File extension matching ``content_type``, for naming the stored file."""
        return "jpg"


def read_upload(fileobj: BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read an uploaded file, refusing it once it exceeds ``max_bytes``.

    Reads at most ``max_bytes + 1`` bytes so a huge upload is never held in memory whole.
    """
    data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_many_bytes(max_bytes)
    return data


def sanitize_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
    thumbnail_side: int = DEFAULT_THUMBNAIL_SIDE,
    quality: int = DEFAULT_QUALITY,
) -> SanitizedImage:
    """Decode an uploaded photo and re-encode its pixels as a metadata-free JPEG.

    The format is detected from the content, never from a file name; only JPEG, PNG, WebP and
    HEIC/HEIF are accepted. The EXIF orientation is applied, colours are converted to sRGB
    when the photo carries an ICC profile, transparency is flattened onto white, and the
    result is scaled so its longest side is at most ``max_side``. Only the first frame of an
    animated or multi-picture file is kept.

    Raises ``ValidationError`` with code ``UNSUPPORTED_IMAGE`` (not an accepted image, or
    corrupt/truncated) or ``IMAGE_TOO_LARGE`` (over ``max_bytes`` or ``max_pixels``; the
    pixel count is checked from the header before anything is decoded).
    """
    if len(data) > max_bytes:
        raise _too_many_bytes(max_bytes)
    if not data:
        raise _unsupported()
    pixel_limit = _effective_pixel_limit(max_pixels)

    # WebP is the one accepted format whose decoder allocates its canvas while Pillow is
    # still "opening" the file, so its declared size is checked from the raw header first.
    webp_size = _webp_canvas_size(data)
    if webp_size is not None:
        _check_pixels(webp_size, pixel_limit)

    try:
        with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as im:
            source_format = _REPORTED_FORMAT.get(im.format or "")
            if source_format is None:
                raise _unsupported()
            _check_pixels(im.size, pixel_limit)
            if source_format == "JPEG":
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still covers max_side:
                # far less memory and time for big phone photos. Never for HEIF, whose
                # draft() swaps in the file's embedded thumbnail, which may differ.
                im.draft(None, _scaled_size(im.size, max_side))
            im.load()
            picture = _pixels_only(im, max_side)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own global limit (Image.MAX_IMAGE_PIXELS); its warning is an exception only
        # when warnings are escalated, and _effective_pixel_limit refuses those images anyway.
        raise _too_many_pixels(pixel_limit) from exc
    except UnidentifiedImageError as exc:
        raise _unsupported() from exc
    except _DECODE_ERRORS as exc:
        raise ValidationError(
            "The photo could not be read: the file is damaged or incomplete. "
            "Please take or choose the photo again.",
            code=UNSUPPORTED_IMAGE,
        ) from exc

    thumb = picture.copy()
    thumb.thumbnail((thumbnail_side, thumbnail_side), Image.Resampling.LANCZOS)
    return SanitizedImage(
        content=_encode_jpeg(picture, quality),
        thumbnail=_encode_jpeg(thumb, THUMBNAIL_QUALITY),
        width=picture.width,
        height=picture.height,
        thumbnail_width=thumb.width,
        thumbnail_height=thumb.height,
        source_format=source_format,
    )


def _pixels_only(im: Image.Image, max_side: int) -> Image.Image:
    """Upright, sRGB, RGB pixels of ``im`` in a fresh image that carries no ``info`` at all."""
    icc_profile = im.info.get("icc_profile")
    try:
        upright = ImageOps.exif_transpose(im)
    except _DECODE_ERRORS:
        # Broken EXIF is no reason to refuse the photo; it just stays as the camera stored it.
        upright = im.copy()
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    rgb = _to_rgb(upright, icc_profile)
    # A new image has empty .info, so no metadata can ride along into the encoder.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _to_rgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert any decoded mode to RGB in sRGB, flattening transparency onto white."""
    if im.mode == "I" or im.mode.startswith("I;16"):
        # 16-bit greyscale PNG: scale to 8 bits rather than let convert() clip at 255.
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if im.mode in ("LA", "La", "PA", "RGBa") or "transparency" in im.info:
        im = im.convert("RGBA")
    if icc_profile and im.mode in ("RGB", "RGBA", "CMYK"):
        im = _icc_to_srgb(im, icc_profile) or im
    if im.mode == "RGBA":
        flat = Image.new("RGB", im.size, _WHITE)
        flat.paste(im, mask=im.getchannel("A"))
        return flat
    return im.convert("RGB")


def _icc_to_srgb(im: Image.Image, icc_profile: bytes) -> Image.Image | None:
    """Convert from the embedded profile (e.g. an iPhone's Display P3) to sRGB.

    Returns None when the profile is unusable or does not match the image's mode; the caller
    then keeps the pixels as they are, which only shifts colours slightly.
    """
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(im, source, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _encode_jpeg(im: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=quality, optimize=True, exif=b"")
    return out.getvalue()


def _scaled_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The size ``size`` would have with its longest side reduced to ``max_side``."""
    width, height = size
    longest = max(width, height, 1)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _effective_pixel_limit(max_pixels: int) -> int:
    """Our limit, never above Pillow's global one, so Pillow's bomb warning never fires on
    an image we would accept (changing Image.MAX_IMAGE_PIXELS or the warning filters here
    would affect every thread of the process)."""
    pillow_limit = Image.MAX_IMAGE_PIXELS
    return max_pixels if pillow_limit is None else min(max_pixels, pillow_limit)


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise _unsupported()
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)


def _webp_canvas_size(data: bytes) -> tuple[int, int] | None:
    """Canvas size declared by a WebP header, or None if ``data`` is not a readable WebP."""
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _unsupported() -> ValidationError:
    return ValidationError(
        "This file is not a supported photo. Please upload a JPEG, PNG, WebP or HEIC image.",
        code=UNSUPPORTED_IMAGE,
    )


def _too_many_bytes(max_bytes: int) -> ValidationError:
    return ValidationError(
        "The photo is too large. The limit is %(max_megabytes)s MB.",
        code=IMAGE_TOO_LARGE,
        params={"max_bytes": max_bytes, "max_megabytes": round(max_bytes / (1024 * 1024), 1)},
    )


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        "The photo has too many pixels. The limit is %(max_megapixels)s megapixels.",
        code=IMAGE_TOO_LARGE,
        params={"max_pixels": max_pixels, "max_megapixels": round(max_pixels / 1_000_000, 1)},
    )
