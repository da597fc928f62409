"""The starter library of data-collection tools the app ships.

A host teacher and a visiting peer craft a tool for the host's Student Learning Question; most
start from one of these and adapt it. Each tool answers a question about *students* (the visit
is not an evaluation of the teacher), and each definition passes
``tool_kinds.validate_definition`` for its kind.

Plain data: seed it into the database or send it to the phone as it is. ``LibraryTool.as_dict``
returns a deep copy, so callers may edit what they get without changing the library.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from observations.tool_kinds import ToolKind

__all__ = ["TOOL_LIBRARY", "LibraryTool", "get_library_tool"]


@dataclass(frozen=True, slots=True)
class LibraryTool:
    """One ready-made tool: what it is called, its kind, and its definition.

    ``example_questions`` are Student Learning Questions the tool helps answer, shown to the
    host when choosing a tool.
    """

    key: str
    name: str
    kind: ToolKind
    description: str
    example_questions: tuple[str, ...]
    definition: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind.value,
            "description": self.description,
            "example_questions": list(self.example_questions),
            "definition": copy.deepcopy(self.definition),
        }


def _keyed(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "label": label} for key, label in pairs]


def _classroom_grid(rows: int, columns: int) -> list[dict[str, Any]]:
    """Seats of a classroom in rows facing the front; row 1 is nearest the board."""
    return [
        {
            "key": f"r{row}c{column}",
            "label": f"Row {row}, seat {column}",
            "x": column - 1,
            "y": row - 1,
        }
        for row in range(1, rows + 1)
        for column in range(1, columns + 1)
    ]


def _table_groups(tables: int, seats_per_table: int) -> list[dict[str, Any]]:
    """Seats around tables for group work, as relative positions across the room."""
    seats = []
    per_row = 3
    for table in range(tables):
        centre_x = (table % per_row + 0.5) / per_row
        centre_y = (table // per_row + 0.5) / ((tables + per_row - 1) // per_row)
        for seat in range(seats_per_table):
            offset_x = -0.08 if seat % 2 == 0 else 0.08
            offset_y = -0.08 if seat < 2 else 0.08
            seats.append(
                {
                    "key": f"t{table + 1}s{seat + 1}",
                    "label": f"Table {table + 1}, seat {seat + 1}",
                    "x": round(centre_x + offset_x, 3),
                    "y": round(centre_y + offset_y, 3),
                }
            )
    return seats


TOOL_LIBRARY: tuple[LibraryTool, ...] = (
    LibraryTool(
        key="student-talk-scripting",
        name="Student talk scripting",
        kind=ToolKind.SCRIPTING,
        description=(
            "Write down, word for word and with the time, what students say and do. "
            "Record what you see and hear, not what you think of it."
        ),
        example_questions=(
            "How do students explain their thinking when they solve a problem?",
            "What vocabulary from the unit do students use when they talk about their work?",
        ),
        definition={
            "prompts": [
                "What do students say when they explain their thinking?",
                "Which words from the lesson do students use?",
                "What do students do when they are stuck?",
            ]
        },
    ),
    LibraryTool(
        key="peer-feedback-scripting",
        name="Peer feedback scripting",
        kind=ToolKind.SCRIPTING,
        description=(
            "Script what students say to each other while giving feedback on work, and what "
            "the student receiving it does next."
        ),
        example_questions=(
            "What kind of feedback do students give each other during peer review?",
        ),
        definition={
            "prompts": [
                "Does the feedback refer to the success criteria?",
                "Is the feedback specific enough to act on?",
                "What does the student who receives it do next?",
            ]
        },
    ),
    LibraryTool(
        key="questions-in-group-work",
        name="Who asks questions in group work",
        kind=ToolKind.TALLY,
        description=(
            "Each time a student asks a question, tally its kind against the student's group. "
            "Shows which groups ask, and whom they ask."
        ),
        example_questions=(
            "Which students ask questions during group work?",
            "Do students ask each other before they ask the teacher?",
        ),
        definition={
            "categories": _keyed(
                ("asks-peer", "Asks a peer"),
                ("asks-teacher", "Asks the teacher"),
                ("answers-peer", "Answers a peer's question"),
                ("builds-on-idea", "Builds on a peer's idea"),
            ),
            "student_groups": _keyed(*((f"group-{n}", f"Group {n}") for n in range(1, 7))),
        },
    ),
    LibraryTool(
        key="question-levels",
        name="Levels of student questions",
        kind=ToolKind.TALLY,
        description=(
            "Tally each student question by the thinking it asks for, from recalling a fact "
            "to extending the idea."
        ),
        example_questions=("What kinds of questions do my students ask during discussion?",),
        definition={
            "categories": _keyed(
                ("recall", "Recall: what, when, who"),
                ("procedure", "Procedure: how do I"),
                ("reasoning", "Reasoning: why, how do we know"),
                ("extending", "Extending: what if, what else"),
            )
        },
    ),
    LibraryTool(
        key="participation-map",
        name="Participation seating chart",
        kind=ToolKind.SEATING_CHART,
        description=(
            "Mark on the seating chart each time a student contributes to whole-class "
            "discussion. Seats never marked show who did not take part."
        ),
        example_questions=(
            "Which students take part in whole-class discussion?",
            "Are contributions spread across the room?",
        ),
        definition={
            "layout": "grid",
            "seats": _classroom_grid(rows=5, columns=6),
            "marks": _keyed(
                ("volunteers", "Volunteers an answer"),
                ("called-on", "Answers when called on"),
                ("asks", "Asks a question"),
                ("responds-to-peer", "Responds to a peer"),
            ),
        },
    ),
    LibraryTool(
        key="group-work-talk-map",
        name="Talk around the tables",
        kind=ToolKind.SEATING_CHART,
        description=(
            "During group work, mark who talks about the task at each table, and who "
            "listens or helps a peer."
        ),
        example_questions=("How evenly do students at each table share the talk?",),
        definition={
            "layout": "relative",
            "seats": _table_groups(tables=6, seats_per_table=4),
            "marks": _keyed(
                ("talks-task", "Talks about the task"),
                ("helps-peer", "Helps a peer"),
                ("listens", "Listens and responds"),
                ("off-task", "Talk not about the task"),
            ),
        },
    ),
    LibraryTool(
        key="success-criteria-evidence",
        name="Evidence of success criteria",
        kind=ToolKind.CHECKLIST,
        description=(
            "Tick each item once you have seen or heard evidence of it from students, and "
            "note the evidence."
        ),
        example_questions=(
            "Do my students know what they are learning and how they will know they have "
            "learned it?",
        ),
        definition={
            "items": _keyed(
                ("can-state-learning-intention", "Students can say what they are learning"),
                ("can-state-criteria", "Students can say what success looks like"),
                ("refer-to-criteria", "Students refer to the criteria while they work"),
                ("self-assess", "Students check their work against the criteria"),
                ("peer-feedback-uses-criteria", "Students use the criteria in peer feedback"),
                ("can-name-next-step", "Students can name their next step"),
            )
        },
    ),
    LibraryTool(
        key="engagement-sweep-3min",
        name="3-minute engagement sweep",
        kind=ToolKind.TIMED_INTERVAL_SWEEP,
        description=(
            "Every 3 minutes, scan the room once and count how many students are doing each "
            "thing. Shows how engagement changes across the lesson."
        ),
        example_questions=(
            "When during independent work do students lose focus?",
            "How many students are working with peers rather than alone?",
        ),
        definition={
            "interval_minutes": 3,
            "sweeps": 10,
            "behaviours": _keyed(
                ("working-alone", "Working on the task alone"),
                ("working-with-peers", "Working on the task with peers"),
                ("waiting-for-help", "Waiting for help"),
                ("off-task", "Not on the task"),
            ),
        },
    ),
)

_BY_KEY = {tool.key: tool for tool in TOOL_LIBRARY}


def get_library_tool(key: str) -> LibraryTool:
    """The library tool with ``key``; raises ``KeyError`` if there is none."""
    return _BY_KEY[key]
