"""The one module behind every download link: opaque tokens, one answer per case."""

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.test import RequestFactory

from backend import signed_links
from backend.signed_links import LinkError, LinkExpired, LinkKind, LinkNotFound, open_token, seal
from backend.throttle import RateLimit
from tests.conftest import EXPIRED_ANSWER, NOT_FOUND_ANSWER, link_refusal

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC).timestamp()
LATER = NOW + 900
# A photo link's payload as photo_links seals it: photo 11, main picture, viewer 98.
PHOTO = [11, "m", 98]


def raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def text(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_token_opens_to_its_payload_and_expiry():
    token = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER)

    opened = open_token(LinkKind.PHOTO, token, now=NOW)

    assert opened.payload == PHOTO
    assert opened.expires_at == datetime.fromtimestamp(LATER, tz=UTC)


def test_nothing_inside_a_token_is_readable():
    marker = "viewer-48213-photo-77531"
    token = seal(LinkKind.PHOTO, [marker, 48213, 77531], expires_at=LATER)
    data = raw(token)

    for readable in (marker.encode(), b"48213", b"77531", str(int(LATER)).encode()):
        assert readable not in data
    assert "48213" not in token and "77531" not in token
    for part in token.split(":"):  # what Django's signing would show of it
        with pytest.raises(ValueError):
            json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    with pytest.raises(signing.BadSignature):
        signing.loads(token)


def test_tokens_are_url_safe_and_short():
    tokens = [
        seal(LinkKind.PHOTO, [2**31, "t", 2**31], expires_at=LATER),
        seal(LinkKind.PRINTABLE_AGENDA, [2**31, 2**31], expires_at=LATER),
        seal(LinkKind.MAP_IMAGE, [2**31, 2**31, "PNG", "2026-12-07", 2048], expires_at=LATER),
        seal(LinkKind.MAP_DOWNLOAD, [2**31, "DISTRICT", 2**31, "2026-12-07", 1], expires_at=LATER),
    ]

    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token), token
    # About as long as the Django-signed links they replace (91 to 115 characters).
    assert len(tokens[0]) <= 110
    assert max(len(t) for t in tokens) <= 140


def test_the_same_payload_gives_the_same_token_and_another_payload_another_nonce():
    """Stable URLs let phones cache images; a nonce is never shared by two payloads."""
    first = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER)
    again = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER)
    other = seal(LinkKind.PHOTO, [12, "m", 98], expires_at=LATER)
    later = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER + 1)

    assert first == again
    nonces = {raw(t)[: signed_links.NONCE_BYTES] for t in (first, other, later)}
    assert len(nonces) == 3


def test_every_altered_byte_is_not_found():
    token = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER)
    data = raw(token)

    for i in range(len(data)):
        altered = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]
        with pytest.raises(LinkNotFound):
            open_token(LinkKind.PHOTO, text(altered), now=NOW)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1],
        lambda t: t[:-4],
        lambda t: t + "A",
        lambda t: t + "=",
        lambda t: t[:10] + "." + t[11:],
        lambda t: t[:10] + "+" + t[11:],
        lambda t: "",
        lambda t: "A" * 40,
        lambda t: "not-a-token",
        lambda t: t * 5,
        lambda t: signing.TimestampSigner(salt="observations.photo-link").sign_object(
            {"p": 11, "v": "m", "u": 98}
        ),
    ],
    ids=[
        "one-short",
        "four-short",
        "one-more",
        "padding",
        "dot",
        "plus",
        "empty",
        "zeros",
        "words",
        "too-long",
        "old-django-signed-link",
    ],
)
def test_anything_but_a_genuine_token_is_not_found(tamper):
    token = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER)

    with pytest.raises(LinkNotFound):
        open_token(LinkKind.PHOTO, tamper(token), now=NOW)


def test_a_token_of_one_kind_opens_no_other_kind():
    for made in LinkKind:
        token = seal(made, PHOTO, expires_at=LATER)
        for other in LinkKind:
            if other is made:
                assert open_token(other, token, now=NOW).payload == PHOTO
            else:
                with pytest.raises(LinkNotFound):
                    open_token(other, token, now=NOW)


def test_a_genuine_token_expires_at_its_second():
    token = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER)

    assert open_token(LinkKind.PHOTO, token, now=LATER - 1).payload == PHOTO
    with pytest.raises(LinkExpired):
        open_token(LinkKind.PHOTO, token, now=LATER)


def test_only_a_genuine_token_is_said_to_be_expired():
    token = seal(LinkKind.PHOTO, PHOTO, expires_at=NOW - 60)
    data = raw(token)
    altered = text(data[:-1] + bytes([data[-1] ^ 0x80]))

    with pytest.raises(LinkExpired):
        open_token(LinkKind.PHOTO, token, now=NOW)
    with pytest.raises(LinkNotFound):
        open_token(LinkKind.PHOTO, altered, now=NOW)
    with pytest.raises(LinkNotFound):  # expired and of another kind
        open_token(LinkKind.MAP_IMAGE, token, now=NOW)


def test_expiry_follows_the_clock(time_machine):
    time_machine.move_to(datetime.fromtimestamp(NOW, tz=UTC), tick=False)
    token = seal(LinkKind.PHOTO, PHOTO, expires_at=datetime.fromtimestamp(LATER, tz=UTC))

    assert open_token(LinkKind.PHOTO, token).payload == PHOTO
    time_machine.move_to(datetime.fromtimestamp(LATER, tz=UTC), tick=False)
    with pytest.raises(LinkExpired):
        open_token(LinkKind.PHOTO, token)


OLD_KEY = "the-old-secret-key-" + "o" * 40
NEW_KEY = "the-new-secret-key-" + "n" * 40


def test_old_links_open_while_the_old_key_is_a_fallback(settings):
    settings.SECRET_KEY = OLD_KEY
    old = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    new = seal(LinkKind.PHOTO, PHOTO, expires_at=LATER)

    assert new != old  # new links use the new key
    assert open_token(LinkKind.PHOTO, old, now=NOW).payload == PHOTO
    assert open_token(LinkKind.PHOTO, new, now=NOW).payload == PHOTO
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(LinkNotFound):
        open_token(LinkKind.PHOTO, old, now=NOW)
    assert open_token(LinkKind.PHOTO, new, now=NOW).payload == PHOTO


def test_a_link_sealed_with_an_unknown_key_is_not_found(settings):
    settings.SECRET_KEY = OLD_KEY
    token = seal(LinkKind.PHOTO, PHOTO, expires_at=NOW - 60)  # expired too

    settings.SECRET_KEY = NEW_KEY
    with pytest.raises(LinkNotFound):
        open_token(LinkKind.PHOTO, token, now=NOW)


# --- answers ----------------------------------------------------------------------------------


def test_refusals_have_one_shape():
    not_found = signed_links.refusal(LinkError.LINK_NOT_FOUND)
    expired = signed_links.refusal(LinkError.LINK_EXPIRED)
    limited = signed_links.refusal(LinkError.RATE_LIMITED, retry_after=42)

    assert link_refusal(not_found) == NOT_FOUND_ANSWER
    assert link_refusal(expired) == EXPIRED_ANSWER
    assert link_refusal(limited) == (429, "RATE_LIMITED")
    assert limited["Retry-After"] == "42"
    assert json.loads(not_found.content) == {
        "error": {"code": "LINK_NOT_FOUND", "message": "No such link."}
    }


def test_every_code_is_its_name_with_a_meaning_a_message_and_a_status():
    for code in LinkError:
        assert code.value == code.name and code.description
        assert signed_links.MESSAGES[code] and signed_links.STATUSES[code] >= 400


def test_a_view_that_refuses_answers_the_refusal_and_only_get_and_head_are_served():
    @signed_links.link_view
    def view(request, token):
        open_token(LinkKind.PHOTO, token, now=NOW)
        raise AssertionError("not reached")

    requests = RequestFactory()
    expired = seal(LinkKind.PHOTO, PHOTO, expires_at=NOW - 1)

    assert link_refusal(view(requests.get("/x"), token="nonsense")) == NOT_FOUND_ANSWER
    head = view(requests.head("/x"), token="nonsense")
    assert (head.status_code, head["Content-Type"]) == (404, "application/json")
    assert link_refusal(view(requests.get("/x"), token=expired)) == EXPIRED_ANSWER
    assert view(requests.post("/x"), token="nonsense").status_code == 405


def test_a_view_over_its_rate_answers_429_with_retry_after():
    limit = RateLimit("test-signed-links", 2, 60)

    @signed_links.link_view
    def view(request):
        signed_links.charge(limit, "user:1")
        return signed_links.download(signed_links.HttpResponse(b"ok"), filename="a.txt")

    statuses = [view(RequestFactory().get("/x")).status_code for _ in range(3)]
    refused = view(RequestFactory().get("/x"))

    assert statuses == [200, 200, 429]
    assert link_refusal(refused) == (429, "RATE_LIMITED")
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_a_good_answer_is_private_inline_and_sends_no_referrer():
    kept = signed_links.download(
        signed_links.HttpResponse(b"x", content_type="image/png"), filename="a.png", max_age=60
    )
    not_kept = signed_links.download(signed_links.HttpResponse(b"x"), filename=None)

    assert kept["Content-Type"] == "image/png"
    assert kept["Cache-Control"] == "private, max-age=60"
    assert kept["Content-Disposition"] == 'inline; filename="a.png"'
    assert not_kept["Cache-Control"] == "private, no-store"
    assert "Content-Disposition" not in not_kept
    for response in (kept, not_kept):
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_seconds_until_is_never_negative():
    past = datetime.now(tz=UTC) - timedelta(minutes=1)
    soon = datetime.now(tz=UTC) + timedelta(seconds=30)

    assert signed_links.seconds_until(past) == 0
    assert 28 <= signed_links.seconds_until(soon) <= 30
