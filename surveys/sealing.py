"""Sealing responses while a survey is open, with a key the database never holds.

A submitted response is encrypted to the *survey sealing key*'s public half (a libsodium sealed
box: an ephemeral X25519 key per message, so the database holds nothing that can open it) and
kept so until the survey closes; then the opening step (`services.responses.responses_open`)
decrypts every sealed row of the survey at once and writes them as plain responses in one
shuffled transaction. The private key comes from configuration, never from the database:

- `SURVEY_SEALING_KEY`: the current private key, 32 bytes in base64 (`manage.py
  survey_sealing_key` prints a new one). New responses are sealed to its public half.
- `SURVEY_SEALING_RETIRED_KEYS`: comma-separated older private keys, still accepted for opening
  responses sealed before a rotation. Drop one once no survey sealed with it is still open.
- In development and tests (DEBUG or pytest) without a key, one is generated once into the
  git-ignored file `SURVEY_SEALING_DEV_KEY_FILE` so a bare machine works. Outside those, a
  missing key is a deployment error (`manage.py check --deploy`) and sealing refuses to work.

Each sealed row stores the id of the public key it was sealed to (a prefix of its SHA-256), so
the opening step knows which private key to use.

Every sealed payload of one instrument has the same length: the answers are padded to the
largest a valid submission of that instrument can be, since the length of a ciphertext (a long
comment, a skipped question) would otherwise follow the response from its sealed row, which the
WAL ties to its respondent, to its plain row.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_ID_LENGTH = 16
_LENGTH_PREFIX = 4
_lock = threading.Lock()
_cache: dict = {}  # (key texts) -> decoded keys: decoding on every seal would be wasted work


class SealingKeyMissing(ImproperlyConfigured):
    """No private key for a sealed row: it cannot be opened until the key is configured."""


def generate_key() -> str:
    """A new private key, base64, for `SURVEY_SEALING_KEY`."""
    return base64.b64encode(bytes(PrivateKey.generate())).decode()


def key_id(public_key: PublicKey) -> str:
    return hashlib.sha256(bytes(public_key)).hexdigest()[:KEY_ID_LENGTH]


def _decode(value: str, *, name: str) -> PrivateKey:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
        return PrivateKey(raw)
    except (ValueError, TypeError, CryptoError) as exc:
        raise ImproperlyConfigured(
            f"{name} must be a 32-byte private key in base64 (manage.py survey_sealing_key)."
        ) from exc


def development_mode() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def _development_key() -> str:
    """The development key, created once (atomically: several processes may start at once)."""
    path = Path(settings.SURVEY_SEALING_DEV_KEY_FILE)
    with _lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(descriptor, "w") as file:
                    file.write(generate_key() + "\n")
        for _ in range(50):  # another process may be between creating and writing it
            text = path.read_text().strip()
            if text:
                return text
            threading.Event().wait(0.02)
        raise ImproperlyConfigured(f"{path} is empty; delete it to get a new development key.")


def configured() -> bool:
    return bool(settings.SURVEY_SEALING_KEY) or development_mode()


def _keys() -> tuple[PrivateKey, dict[str, PrivateKey]]:
    """(current key, every accepted key by id), from the settings as they are now."""
    current_text = settings.SURVEY_SEALING_KEY
    if not current_text:
        if not development_mode():
            raise ImproperlyConfigured(
                "SURVEY_SEALING_KEY is required when DJANGO_DEBUG is off: survey responses are "
                "sealed with it until their survey closes."
            )
        current_text = _development_key()
    cache_key = (current_text, tuple(settings.SURVEY_SEALING_RETIRED_KEYS))
    cached = _cache.get(cache_key)
    if cached is None:
        current = _decode(current_text, name="SURVEY_SEALING_KEY")
        accepted = {key_id(current.public_key): current}
        for text in settings.SURVEY_SEALING_RETIRED_KEYS:
            retired = _decode(text, name="SURVEY_SEALING_RETIRED_KEYS")
            accepted.setdefault(key_id(retired.public_key), retired)
        cached = _cache[cache_key] = (current, accepted)
    return cached


def _pad(plaintext: bytes, size: int) -> bytes:
    if len(plaintext) > size:
        raise ValueError("The payload is larger than its padded size.")
    return len(plaintext).to_bytes(_LENGTH_PREFIX, "big") + plaintext + bytes(size - len(plaintext))


def _unpad(padded: bytes) -> bytes:
    length = int.from_bytes(padded[:_LENGTH_PREFIX], "big")
    return padded[_LENGTH_PREFIX : _LENGTH_PREFIX + length]


def seal(plaintext: bytes, *, size: int) -> tuple[str, bytes]:
    """(key id, ciphertext) of `plaintext` padded to `size` bytes: every payload sealed with
    the same `size` gives a ciphertext of the same length."""
    current, _ = _keys()
    box = SealedBox(current.public_key)
    return key_id(current.public_key), box.encrypt(_pad(plaintext, size))


def unseal(sealed_key_id: str, ciphertext: bytes) -> bytes:
    _, accepted = _keys()
    private = accepted.get(sealed_key_id)
    if private is None:
        raise SealingKeyMissing(
            f"No configured survey sealing key has id {sealed_key_id}: add the private key it "
            "was sealed with to SURVEY_SEALING_RETIRED_KEYS."
        )
    return _unpad(SealedBox(private).decrypt(bytes(ciphertext)))
