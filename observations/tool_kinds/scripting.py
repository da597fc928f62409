"""SCRIPTING: the visitor writes down what is said and done (words, not counts).

definition ``{"prompts": [str, ...]}`` (optional focus prompts);
entry ``{"at": time, "text": str, "student": str?}``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from .shapes import Context, Field, Obj, Text, TextList, Time
from .toolkit import _Errors

MAX_TEXT_LENGTH = 2000
MAX_STUDENT_LENGTH = 60
MAX_PROMPTS = 20
MAX_PROMPT_LENGTH = 200

DEFINITION = Obj(
    name="Scripting",
    description="A scripting tool: optional prompts of what to listen for.",
    fields={
        "prompts": Field(
            TextList(Text(MAX_PROMPT_LENGTH), max_items=MAX_PROMPTS),
            f"Up to {MAX_PROMPTS} focus prompts (each at most {MAX_PROMPT_LENGTH} characters).",
            default=list,
        ),
    },
)


def entry_shape(definition: dict | None = None) -> Obj:
    return Obj(
        name="Scripting",
        description="What a student said or did, when.",
        fields={
            "at": Field(Time(), "When it was said or done.", required=True),
            "text": Field(
                Text(MAX_TEXT_LENGTH),
                f"What was said or done (at most {MAX_TEXT_LENGTH} characters).",
                required=True,
            ),
            "student": Field(
                Text(MAX_STUDENT_LENGTH),
                f"Who (a name or seat, at most {MAX_STUDENT_LENGTH} characters); blank is none.",
                blank_is_absent=True,
            ),
        },
    )


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    return DEFINITION.check(definition, (), errors, Context())


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    return entry_shape(definition).check(entry, (), errors, Context(definition))


def summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
    # Timestamps and offsets cannot be compared; when entries mix them, the timestamps win.
    stamps = [entry["at"] for entry in entries if isinstance(entry["at"], str)]
    first_at: str | float | None
    last_at: str | float | None
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
