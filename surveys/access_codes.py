"""Single-use codes that let a class's students answer without an account (issue 23).

A code is 10 symbols from 31 that cannot be mistaken for one another when read off a slip or a
projector (no 0/O, 1/I/L): about 49.5 bits. With the page's rate limit, guessing one of a
class's 33 codes within a survey's window is out of reach; a copy of the database is no help
either, since only an HMAC of each code under a key derived from `SECRET_KEY` is stored (the
fallback keys are tried too, so rotating the key does not void the codes of a survey in
progress).

Pure functions; the services decide when codes are made and spent.
"""

import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10
# Written in two groups of five so a student can read it back ("KDR7M-2XQ9P").
GROUP = 5
# The digest's salt names its purpose, so no other HMAC the project makes can collide with it.
_SALT = "surveys.access-code"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """The code as printed: two groups of five."""
    return f"{code[:GROUP]}-{code[GROUP:]}"


def normalise(typed: str) -> str | None:
    """The code a student typed, in its stored form, or None when it cannot be a code.

    Case, spaces and dashes do not matter. A look-alike that is not in the alphabet (0, O, 1,
    I, L) is refused rather than read as a symbol: no slip shows one, so the student misread
    the slip and is better told so than sent to someone else's code."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch not in " -\t\n")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def digest(code: str, secret: str | bytes | None = None) -> str:
    return salted_hmac(_SALT, code, secret=secret, algorithm="sha256").hexdigest()


def digests(code: str) -> list[str]:
    """The code's digest under the current key and under each fallback key."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [digest(code, key) for key in keys]
