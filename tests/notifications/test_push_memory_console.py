"""The development (console) and test (memory) push back-ends, and the shared message types."""

from __future__ import annotations

import logging

import pytest

from notifications.push import (
    ConsoleBackend,
    MemoryBackend,
    PushBackend,
    PushMessage,
    PushOutcome,
    PushResult,
    TokenKind,
)


def msg(token: str, **kwargs) -> PushMessage:
    return PushMessage(token=token, title="Survey due", body="Please answer by Friday", **kwargs)


# -- PushMessage / PushResult -----------------------------------------------------------------


def test_message_copies_its_data():
    data = {"survey_id": "4"}
    message = msg("tok", data=data)
    data["survey_id"] = "5"
    assert message.data == {"survey_id": "4"}
    assert message.token_kind is TokenKind.REGISTRATION_TOKEN
    assert msg("tok", token_kind="fid").token_kind is TokenKind.FID


@pytest.mark.parametrize(
    "kwargs",
    [
        {"token": ""},
        {"data": {"n": 1}},
        {"data": {"from": "x"}},
        {"data": {"google.sent_time": "x"}},
        {"collapse_key": "k" * 65},
        {"collapse_key": 17},
        {"thread_id": 3},
        {"tag": b"bytes"},
        {"token_kind": "apns"},
    ],
)
def test_message_refuses_what_fcm_would_reject(kwargs):
    fields = {"token": "tok", "title": "t", "body": "b"} | kwargs
    with pytest.raises(ValueError):
        PushMessage(**fields)


def test_outcomes_that_deactivate_the_token():
    deactivating = {o for o in PushOutcome if o.deactivates_token}
    assert deactivating == {PushOutcome.UNREGISTERED, PushOutcome.INVALID_TOKEN}
    assert PushResult("t", PushOutcome.SENT, message_id="m").ok
    assert not PushResult("t", PushOutcome.TRANSIENT, error="x").ok
    assert PushResult("t", PushOutcome.INVALID_TOKEN).deactivates_token


@pytest.mark.parametrize("backend_class", [MemoryBackend, ConsoleBackend])
def test_send_refuses_non_messages(backend_class):
    backend = backend_class()
    with pytest.raises(TypeError):
        backend.send(msg("tok"))  # a single message instead of a list
    with pytest.raises(TypeError):
        backend.send([{"token": "tok"}])


# -- MemoryBackend ------------------------------------------------------------------------------


def test_memory_backend_records_and_sends_everything_by_default():
    backend = MemoryBackend()
    assert isinstance(backend, PushBackend)

    results = backend.send([msg("a"), msg("b")])

    assert [(r.token, r.outcome) for r in results] == [
        ("a", PushOutcome.SENT),
        ("b", PushOutcome.SENT),
    ]
    assert results[0].message_id != results[1].message_id
    assert [m.token for m in backend.sent] == ["a", "b"]
    assert backend.results == results
    assert [len(batch) for batch in backend.batches] == [2]


def test_memory_backend_answers_configured_outcomes_per_token():
    backend = MemoryBackend(outcomes={"gone": PushOutcome.UNREGISTERED})
    backend.set_outcome("busy", PushOutcome.TRANSIENT, retry_after=30, times=1)

    first = backend.send([msg("ok"), msg("gone"), msg("busy")])
    second = backend.send([msg("gone"), msg("busy")])

    assert [r.outcome for r in first] == [
        PushOutcome.SENT,
        PushOutcome.UNREGISTERED,
        PushOutcome.TRANSIENT,
    ]
    assert first[2].retry_after == 30 and first[2].error
    assert [r.outcome for r in second] == [PushOutcome.UNREGISTERED, PushOutcome.SENT]
    assert [m.token for m in backend.messages] == ["ok", "gone", "busy", "gone", "busy"]
    assert [m.token for m in backend.sent] == ["ok", "busy"]
    assert backend.sent_to("busy") == [msg("busy")]


def test_memory_backend_clear():
    backend = MemoryBackend(outcomes={"gone": PushOutcome.UNREGISTERED})
    backend.send([msg("gone")])
    backend.clear()
    assert backend.messages == [] and backend.batches == []
    assert backend.send([msg("gone")])[0].ok


def test_memory_backend_rejects_zero_times():
    with pytest.raises(ValueError):
        MemoryBackend().set_outcome("t", PushOutcome.FAILED, times=0)


# -- ConsoleBackend ----------------------------------------------------------------------------


def test_console_backend_logs_redacted_token_and_content(caplog):
    token = "dGhpcy1pcy1hLWxvbmctZmNtLXRva2VuLTEyMzQ1Njc4OTA"
    message = msg(token, data={"survey_id": "4"}, collapse_key="survey-4")
    with caplog.at_level(logging.INFO, logger="notifications.push.console"), ConsoleBackend() as b:
        results = b.send([message])

    assert [r.outcome for r in results] == [PushOutcome.SENT]
    assert results[0].message_id == "console-1"
    [record] = caplog.records
    text = record.getMessage()
    assert "Survey due" in text and "Please answer by Friday" in text
    assert '"survey_id": "4"' in text and "survey-4" in text
    assert token not in text
    assert token[-6:] in text


def test_console_backend_uses_the_given_logger_and_level(caplog):
    logger = logging.getLogger("tests.push.console")
    backend = ConsoleBackend(logger=logger, level=logging.WARNING)
    with caplog.at_level(logging.WARNING, logger="tests.push.console"):
        backend.send([msg("short"), msg("other")])
    assert [r.levelno for r in caplog.records] == [logging.WARNING, logging.WARNING]
    assert [r.name for r in caplog.records] == ["tests.push.console"] * 2
