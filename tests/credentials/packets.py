"""A packet's content as the snapshot builder makes it, with the children's names to put in.

Text is our own; names are placed with ``{0}``, ``{1}``... so a test can fill them with
hypothesis-generated names, or with nothing to see the packet's own words.
"""

from __future__ import annotations

from typing import Any

TEACHER = "Nguyễn Thị Zoë"
CREDENTIAL_TITLE = "Building Will Among Peers"


def packet_content(names: list[str], *, teacher: str = TEACHER) -> dict[str, Any]:
    """Three names at least: {0} a scripted student, {1} a seat, {2} a tally group."""
    a, b, c, *rest = names
    more = rest or [a]
    return {
        "packet": {"attempt": 1, "submittedAt": "2026-12-07T17:00:00Z"},
        "credential": {
            "key": "building-will",
            "title": CREDENTIAL_TITLE,
            "version": 1,
            "programme": "Teacher leadership network, year two",
            "skills": [
                {"framework": "SLRC", "code": "SLRC.5", "name": "Invites peers into practice"},
            ],
        },
        "teacher": {"name": teacher},
        "requirements": [
            {
                "key": "blue-dots",
                "part": "Evidence",
                "title": "Three visits hosted",
                "state": "MET",
                "items": [
                    {
                        "kind": "VISIT",
                        "title": f"Visit on fractions, {a} at the board",
                        "date": "2026-03-04",
                        "people": [
                            {"role": "Yellow dot 5", "name": "Dana Reyes"},
                            {"role": "Yellow dot 2", "name": None},
                        ],
                        "fields": [
                            {
                                "label": "Considerations",
                                "text": f"Watch how {a} and {b} share the work; {c} were quiet.",
                            },
                        ],
                        "entries": [
                            {
                                "recordedAt": "2026-03-04T09:15:00Z",
                                "student": a,
                                "seat": None,
                                "text": f"{a} explained halves to {b}.",
                            },
                            {
                                "recordedAt": "2026-03-04T09:20:00Z",
                                "student": None,
                                "seat": b,
                                "text": "Raised a hand, then lowered it.",
                            },
                        ],
                        "file": None,
                        "students": [a, b, c],
                    },
                ],
            },
            {
                "key": "reflection",
                "part": "Reflection",
                "title": "What changed",
                "state": "MET",
                "items": [
                    {
                        "kind": "TEXT",
                        "title": "Written response",
                        "date": None,
                        "people": [],
                        "fields": [
                            {
                                "label": "What I noticed",
                                "text": f"By spring {b.upper()} asked first. "
                                + " ".join(f"{name} joined in." for name in more),
                            },
                        ],
                        "entries": [],
                        "file": {"path": "files/photo-1.jpg", "contentType": "image/jpeg"},
                        "students": [b, *more],
                    },
                ],
            },
        ],
    }
