"""SCRIPTING: the visitor writes down what is said and done (words, not counts).

definition ``{"prompts": [str, ...]}`` (optional focus prompts);
entry ``{"at": time, "text": str, "student": str?}``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from .toolkit import _Errors, _fields, _list, _optional_text, _present, _text, _time

MAX_TEXT_LENGTH = 2000
MAX_STUDENT_LENGTH = 60
MAX_PROMPTS = 20
MAX_PROMPT_LENGTH = 200


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(definition, (), errors, optional=("prompts",))
    if fields is None:
        return {}
    prompts: list[str] = []
    raw_prompts = fields.get("prompts")
    if raw_prompts is not None:
        items = _list(raw_prompts, ("prompts",), errors, min_items=0, max_items=MAX_PROMPTS)
        for index, raw in enumerate(items or []):
            prompt = _text(raw, ("prompts", index), errors, max_length=MAX_PROMPT_LENGTH)
            if prompt is not None:
                prompts.append(prompt)
    return {"prompts": prompts}


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(entry, (), errors, required=("at", "text"), optional=("student",))
    if fields is None:
        return {}
    normalized = {
        "at": _present(fields, (), "at", _time, errors),
        "text": _present(fields, (), "text", _text, errors, max_length=MAX_TEXT_LENGTH),
    }
    student = _optional_text(fields, "student", errors, max_length=MAX_STUDENT_LENGTH)
    if student is not None:
        normalized["student"] = student
    return normalized


def summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
    # Timestamps and offsets cannot be compared; when entries mix them, the timestamps win.
    stamps = [entry["at"] for entry in entries if isinstance(entry["at"], str)]
    if stamps:
        first_at = min(stamps, key=datetime.fromisoformat)
        last_at = max(stamps, key=datetime.fromisoformat)
    else:
        offsets = [entry["at"] for entry in entries]
        first_at = min(offsets, default=None)
        last_at = max(offsets, default=None)
    per_student = Counter(entry["student"] for entry in entries if "student" in entry)
    return {
        "first_at": first_at,
        "last_at": last_at,
        "entries_per_student": dict(sorted(per_student.items())),
    }
