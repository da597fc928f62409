"""What each kind of requirement slot says in its `spec`, checked before a version is published.

Staff write specs in the admin as JSON; a spec that does not fit its kind would break progress
or the phone's forms, so publishing refuses it with every problem named.
"""

from enum import StrEnum
from typing import Any


class RecordSource(StrEnum):
    """Which records of the app fill a RECORDS slot (progress.py computes each)."""

    VISIT_AS_VISITOR_TO_ROLE = "VISIT_AS_VISITOR_TO_ROLE"
    VISIT_BY_ROLE_TO_ROLE = "VISIT_BY_ROLE_TO_ROLE"
    REFLECTION_SHEET_AS_HOST = "REFLECTION_SHEET_AS_HOST"
    REFLECTION_SHEET_AS_FACILITATOR = "REFLECTION_SHEET_AS_FACILITATOR"
    SLQ_TOOL_CRAFTED_FOR_PEER = "SLQ_TOOL_CRAFTED_FOR_PEER"
    DATA_SET_COLLECTED = "DATA_SET_COLLECTED"
    SURVEY_PAIR = "SURVEY_PAIR"
    SURVEY_ADMINISTRATION = "SURVEY_ADMINISTRATION"
    MEETING_AGENDA = "MEETING_AGENDA"
    PROTOCOL_SESSION = "PROTOCOL_SESSION"
    PDSA = "PDSA"
    RUN_CHART = "RUN_CHART"
    STUDENT_VOICE_CYCLE = "STUDENT_VOICE_CYCLE"


MEDIA = {"VIDEO", "FILE", "PHOTO", "LINK"}


def _count(spec: dict, key: str, problems: list[str], *, required: bool = True) -> None:
    value = spec.get(key)
    if value is None and not required:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.append(f"`{key}` must be a whole number of at least 1")


def spec_problems(kind: str, spec: Any) -> list[str]:
    """What is wrong with `spec` for a slot of `kind` (empty: nothing)."""
    if not isinstance(spec, dict):
        return ["the spec must be a JSON object"]
    problems: list[str] = []
    if kind == "RECORDS":
        if spec.get("source") not in set(RecordSource):
            problems.append(f"`source` must be one of {', '.join(RecordSource)}")
        _count(spec, "count", problems)
        if not isinstance(spec.get("rules", {}), dict):
            problems.append("`rules` must be a JSON object")
    elif kind == "TEXT":
        prompts = spec.get("prompts")
        if not isinstance(prompts, list) or not prompts:
            problems.append("`prompts` must list at least one {key, text}")
        else:
            keys = [p.get("key") for p in prompts if isinstance(p, dict)]
            if len(keys) != len(prompts) or not all(isinstance(k, str) and k for k in keys):
                problems.append("every prompt needs a `key` and a `text`")
            elif len(set(keys)) != len(keys):
                problems.append("prompt keys must differ")
        words = spec.get("words", {})
        low, high = (words.get("min", 0), words.get("max")) if isinstance(words, dict) else (0, 0)
        if not isinstance(low, int) or (
            high is not None and (not isinstance(high, int) or high < low)
        ):
            problems.append("`words` must be {min, max} whole numbers with min <= max")
        if spec.get("limit_scope", "PROMPT") not in ("SLOT", "PROMPT"):
            problems.append("`limit_scope` must be SLOT or PROMPT")
    elif kind == "CHOICE":
        _count(spec, "choose", problems)
    elif kind == "UPLOAD":
        if spec.get("media") not in MEDIA:
            problems.append(f"`media` must be one of {', '.join(sorted(MEDIA))}")
        _count(spec, "count", problems, required=False)
    elif kind == "LIST":
        count = spec.get("count", {})
        if not isinstance(count, dict):
            problems.append("`count` must be {min}")
        else:
            _count(count, "min", problems)
    elif kind == "ATTESTATION":
        if not isinstance(spec.get("statement"), str) or not spec["statement"].strip():
            problems.append("`statement` must say what the teacher affirms")
    else:
        problems.append(f"unknown kind {kind!r}")
    return problems


def word_count(text: str) -> int:
    return len(text.split())
