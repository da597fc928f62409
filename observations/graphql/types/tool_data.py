"""Typed tool definitions, entries and data summaries: one GraphQL type per tool kind.

The definition and entry types (output and input) are generated from the shapes the server
validates with (`observations.tool_kinds`), so the schema, the checks and the JSON Schemas
cannot drift. Stored JSON stays snake_case; graphene camelCases the field names, and
`tool_kinds.to_stored_form` / `to_api_path` map input and error paths at this edge.
The summaries are written out by hand: they are what the server computes, not what it checks.
"""

from __future__ import annotations

import json
from typing import Any

import graphene
from graphql import FloatValueNode, IntValueNode, StringValueNode, Undefined

from ...tool_kinds import (
    ToolKind,
    definition_json_schema,
    definition_shape,
    entry_json_schema,
    entry_shape,
)
from ...tool_kinds import shapes as s
from ..enums import ToolKind as ToolKindEnum

# --- scalars and shared types --------------------------------------------------------------


class ObservationTime(graphene.Scalar):
    """When something was observed: an RFC 3339 timestamp with its UTC offset (a string,
    2026-03-04T09:15:00Z; answered in UTC) or seconds since the visit started (a number,
    0 to 86400)."""

    @staticmethod
    def serialize(value):
        return value

    @staticmethod
    def parse_value(value):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError("Expected a timestamp (string) or seconds (number).")
        return value

    @staticmethod
    def parse_literal(node, _variables=None):
        if isinstance(node, StringValueNode):
            return node.value
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, FloatValueNode):
            return float(node.value)
        return Undefined


_ITEM_DOCS = {
    "ToolOption": "One choice a tool offers (a category, group, mark, item or behaviour).",
    "SeatingChartSeat": "A seat on the room plan.",
}
_types: dict[str, Any] = {}


def _enum(shape: s.Enum):
    if shape.name not in _types:
        _types[shape.name] = graphene.Enum(
            shape.name,
            [(value.upper(), value) for value in shape.values],
            description=shape.message,
        )
    return _types[shape.name]


def _keyed_item(shape: s.KeyedList, *, is_input: bool):
    name = shape.item_name + ("Input" if is_input else "")
    if name not in _types:
        base, field_class = (
            (graphene.InputObjectType, graphene.InputField)
            if is_input
            else (graphene.ObjectType, graphene.Field)
        )
        attrs: dict[str, Any] = {
            "__doc__": _ITEM_DOCS[shape.item_name],
            "key": field_class(graphene.String, required=True, description=s.OPTION_KEY_DOC),
            "label": field_class(graphene.String, required=True, description=s.OPTION_LABEL_DOC),
        }
        for extra in shape.extra:
            attrs[extra] = field_class(
                graphene.Float, required=True, description=shape.extra_descriptions[extra]
            )
        _types[name] = type(name, (base,), attrs)
    return _types[name]


def _graphql_type(shape: s.Shape, *, is_input: bool):
    if isinstance(shape, s.Text | s.Key | s.Choice):
        return graphene.String
    if isinstance(shape, s.Int):
        return graphene.Int
    if isinstance(shape, s.Number):
        return graphene.Float
    if isinstance(shape, s.Bool):
        return graphene.Boolean
    if isinstance(shape, s.Time):
        return ObservationTime
    if isinstance(shape, s.Enum):
        return _enum(shape)
    if isinstance(shape, s.TextList):
        return graphene.List(graphene.NonNull(graphene.String))
    if isinstance(shape, s.KeyedList):
        return graphene.List(graphene.NonNull(_keyed_item(shape, is_input=is_input)))
    raise TypeError(f"no GraphQL type for {shape!r}")


def _present(spec: s.Field) -> bool:
    """A stored (normalised) value always has a required field or a non-null default."""
    return spec.required or spec.default not in (s.MISSING, None)


def _nullable_in_any(shapes: list[s.Obj]) -> frozenset[str]:
    """Field names that some member of a union may leave null. GraphQL refuses a selection of
    `at` on two members of a union when one says `ObservationTime!` and the other
    `ObservationTime`, so a name shared in a union has one nullability: null if any may be."""
    return frozenset(
        name for shape in shapes for name, spec in shape.fields.items() if not _present(spec)
    )


def _object_type(
    name: str, shape: s.Obj, *, is_input: bool, nullable: frozenset[str] = frozenset()
):
    """An object (or input object) type with one field per declared field."""
    attrs: dict[str, Any] = {"__doc__": shape.description}
    for field_name, spec in shape.fields.items():
        of_type = _graphql_type(spec.shape, is_input=is_input)
        if is_input:
            # Required fields are required by GraphQL too; the rest may be left out.
            attrs[field_name] = graphene.InputField(
                of_type, required=spec.required, description=spec.description
            )
        else:
            attrs[field_name] = graphene.Field(
                of_type,
                required=_present(spec) and field_name not in nullable,
                description=spec.description,
            )
    return type(name, (graphene.InputObjectType if is_input else graphene.ObjectType,), attrs)


def _kind_field(kind: ToolKind) -> str:
    """The field of ToolDefinitionInput / ObservationEntryInput for a kind (python name)."""
    return kind.value.lower()


def kind_of_field(name: str) -> ToolKind:
    return ToolKind(name.upper())


def api_field(kind: ToolKind) -> str:
    """The field's GraphQL name (camelCase)."""
    return s.camel(_kind_field(kind))


# --- definitions and entries ---------------------------------------------------------------


class KindData(dict):
    """A stored definition, entry or summary, with the kind that types it."""

    def __init__(self, kind: str, data: dict) -> None:
        super().__init__(data)
        self.kind = ToolKind(kind)


_NULLABLE_IN_DEFINITIONS = _nullable_in_any([definition_shape(kind) for kind in ToolKind])
_NULLABLE_IN_ENTRIES = _nullable_in_any([entry_shape(kind) for kind in ToolKind])

DEFINITION_TYPES = {
    kind: _object_type(
        f"{definition_shape(kind).name}Definition",
        definition_shape(kind),
        is_input=False,
        nullable=_NULLABLE_IN_DEFINITIONS,
    )
    for kind in ToolKind
}
DEFINITION_INPUTS = {
    kind: _object_type(
        f"{definition_shape(kind).name}DefinitionInput", definition_shape(kind), is_input=True
    )
    for kind in ToolKind
}
ENTRY_TYPES = {
    kind: _object_type(
        f"{entry_shape(kind).name}Entry",
        entry_shape(kind),
        is_input=False,
        nullable=_NULLABLE_IN_ENTRIES,
    )
    for kind in ToolKind
}
ENTRY_INPUTS = {
    kind: _object_type(f"{entry_shape(kind).name}EntryInput", entry_shape(kind), is_input=True)
    for kind in ToolKind
}


class ToolDefinition(graphene.Union):
    """A tool's definition: one type per tool kind (the tool's `kind` says which)."""

    class Meta:
        types = tuple(DEFINITION_TYPES.values())

    @classmethod
    def resolve_type(cls, instance, info):
        return DEFINITION_TYPES[instance.kind]


class ObservationEntryData(graphene.Union):
    """What one entry recorded: one type per tool kind (the visit's tool's kind). A field
    name several types share has one type in all of them, so one selection can ask for it on
    every member: `at` is nullable because a checklist entry may have none, and is always
    set on scripting, tally and seating chart entries."""

    class Meta:
        types = tuple(ENTRY_TYPES.values())

    @classmethod
    def resolve_type(cls, instance, info):
        return ENTRY_TYPES[instance.kind]


_ONE_OF = (
    "Set exactly one field: the one of the tool's kind (a request with none or several is "
    "refused with the path of this input)."
)

ToolDefinitionInput = type(
    "ToolDefinitionInput",
    (graphene.InputObjectType,),
    {
        "__doc__": f"A tool definition. {_ONE_OF} The field set says the tool's kind.",
        **{
            _kind_field(kind): graphene.InputField(
                DEFINITION_INPUTS[kind], description=f"The definition of a {kind.label} tool."
            )
            for kind in ToolKind
        },
    },
)


def entry_input_fields() -> dict[str, Any]:
    """The per-kind fields of ObservationEntryInput."""
    return {
        _kind_field(kind): graphene.InputField(
            ENTRY_INPUTS[kind],
            description=f"The entry, when the visit's tool is a {kind.label} tool.",
        )
        for kind in ToolKind
    }


ENTRY_ONE_OF = _ONE_OF


def one_of(value) -> list[tuple[ToolKind, dict]]:
    """The (kind, stored form) of every kind field set on a ToolDefinitionInput or an
    ObservationEntryInput; the caller refuses anything but exactly one."""
    return [
        (kind, _stored(value[_kind_field(kind)]))
        for kind in ToolKind
        if dict.get(value, _kind_field(kind)) is not None
    ]


def _stored(value):
    """A graphene input value as the stored (snake_case) form the checks read."""
    if isinstance(value, dict):
        # dict.items, not value.items: graphene sets each input field as an attribute, and a
        # checklist's `items` field would shadow the method.
        return {key: _stored(item) for key, item in dict.items(value)}
    if isinstance(value, list):
        return [_stored(item) for item in value]
    if hasattr(value, "value") and not isinstance(value, str | int | float):
        return value.value  # an enum member (layout)
    return value


# --- summaries -----------------------------------------------------------------------------


def _pairs(mapping: dict, value: str = "count") -> list[dict]:
    return [{"key": key, value: item} for key, item in mapping.items()]


class KeyCount(graphene.ObjectType):
    """A count for one key of the tool (a category, group, mark or behaviour)."""

    key = graphene.String(required=True, description="The key in the tool's definition.")
    count = graphene.Int(required=True, description="How many.")


class KeyShare(graphene.ObjectType):
    """A share for one behaviour of a sweep."""

    key = graphene.String(required=True, description="The behaviour's key.")
    share = graphene.Float(description="Its share of the students counted (0 to 1); null if none.")


class _Counted:
    entry_count = graphene.Int(required=True, description="Entries summarised.")
    skipped_entries = graphene.Int(
        required=True,
        description="Entries left out because they no longer fit the definition.",
    )


class StudentEntryCount(graphene.ObjectType):
    """How many scripting entries name one student."""

    student = graphene.String(required=True, description="The student as written.")
    count = graphene.Int(required=True, description="Entries naming them.")


class ScriptingSummary(_Counted, graphene.ObjectType):
    """A scripting tool's data: when the notes start and end, and who they name."""

    first_at = graphene.Field(ObservationTime, description="The earliest entry; null if none.")
    last_at = graphene.Field(ObservationTime, description="The latest entry; null if none.")
    entries_per_student = graphene.List(
        graphene.NonNull(StudentEntryCount),
        required=True,
        description="Entries per named student, by name.",
    )

    @staticmethod
    def resolve_entries_per_student(root, info):
        return [{"student": k, "count": n} for k, n in root["entries_per_student"].items()]


class TallyGroupCounts(graphene.ObjectType):
    """One student group's counts per category."""

    group = graphene.String(required=True, description="The group's key.")
    per_category = graphene.List(
        graphene.NonNull(KeyCount), required=True, description="Counts per category."
    )


class TallySummary(_Counted, graphene.ObjectType):
    """A tally's data: totals per category and student group."""

    total = graphene.Int(required=True, description="All counts added up.")
    per_category = graphene.List(
        graphene.NonNull(KeyCount), required=True, description="Per category, in tool order."
    )
    per_group = graphene.List(
        graphene.NonNull(KeyCount), required=True, description="Per student group (if any)."
    )
    per_group_and_category = graphene.List(
        graphene.NonNull(TallyGroupCounts),
        required=True,
        description="Per student group, per category.",
    )

    @staticmethod
    def resolve_per_category(root, info):
        return _pairs(root["per_category"])

    @staticmethod
    def resolve_per_group(root, info):
        return _pairs(root["per_group"])

    @staticmethod
    def resolve_per_group_and_category(root, info):
        return [
            {"group": group, "per_category": _pairs(counts)}
            for group, counts in root["per_group_and_category"].items()
        ]


class SeatMarkCounts(graphene.ObjectType):
    """The marks one seat received."""

    seat = graphene.String(required=True, description="The seat's key.")
    per_mark = graphene.List(
        graphene.NonNull(KeyCount), required=True, description="How often each mark."
    )


class SeatingChartSummary(_Counted, graphene.ObjectType):
    """A seating chart's data: marks per seat."""

    per_seat = graphene.List(
        graphene.NonNull(SeatMarkCounts), required=True, description="Per seat, in tool order."
    )
    per_mark = graphene.List(
        graphene.NonNull(KeyCount), required=True, description="Per mark, all seats."
    )
    seats_marked = graphene.Int(required=True, description="Seats with at least one mark.")
    seats_never_marked = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Keys of unmarked seats."
    )

    @staticmethod
    def resolve_per_seat(root, info):
        return [
            {"seat": seat, "per_mark": _pairs(marks)} for seat, marks in root["per_seat"].items()
        ]

    @staticmethod
    def resolve_per_mark(root, info):
        return _pairs(root["per_mark"])


class ChecklistItemNotes(graphene.ObjectType):
    """The notes written on one checklist item."""

    item = graphene.String(required=True, description="The item's key.")
    notes = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="In the order written."
    )


class ChecklistSummary(_Counted, graphene.ObjectType):
    """A checklist's data: what was seen (the last entry per item counts)."""

    item_count = graphene.Int(required=True, description="Items on the list.")
    checked_count = graphene.Int(required=True, description="Items checked.")
    checked = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Keys of checked items."
    )
    unchecked = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Keys of the others."
    )
    notes = graphene.List(
        graphene.NonNull(ChecklistItemNotes), required=True, description="Notes per item."
    )

    @staticmethod
    def resolve_notes(root, info):
        return [{"item": item, "notes": notes} for item, notes in root["notes"].items()]


class SweepCounts(graphene.ObjectType):
    """One sweep: students per behaviour."""

    sweep = graphene.Int(required=True, description="Its index from 0.")
    minute = graphene.Int(required=True, description="Minutes after the first sweep.")
    observed = graphene.Boolean(required=True, description="Whether any count was sent for it.")
    total_students = graphene.Int(required=True, description="Students counted in it.")
    students = graphene.List(
        graphene.NonNull(KeyCount), required=True, description="Students per behaviour."
    )
    share = graphene.List(
        graphene.NonNull(KeyShare), required=True, description="Share per behaviour."
    )

    @staticmethod
    def resolve_students(root, info):
        return _pairs(root["students"])

    @staticmethod
    def resolve_share(root, info):
        return _pairs(root["share"], "share")


class TimedIntervalSweepSummary(_Counted, graphene.ObjectType):
    """A timed interval sweep's data: each sweep and the average share per behaviour."""

    interval_minutes = graphene.Int(required=True, description="Minutes between sweeps.")
    sweeps = graphene.List(
        graphene.NonNull(SweepCounts), required=True, description="Every sweep, planned or seen."
    )
    average_share = graphene.List(
        graphene.NonNull(KeyShare),
        required=True,
        description="Per behaviour, its share averaged over the sweeps that counted anyone.",
    )

    @staticmethod
    def resolve_average_share(root, info):
        return _pairs(root["average_share"], "share")


SUMMARY_TYPES = {
    ToolKind.SCRIPTING: ScriptingSummary,
    ToolKind.TALLY: TallySummary,
    ToolKind.SEATING_CHART: SeatingChartSummary,
    ToolKind.CHECKLIST: ChecklistSummary,
    ToolKind.TIMED_INTERVAL_SWEEP: TimedIntervalSweepSummary,
}


class ToolDataSummary(graphene.Union):
    """The summary of a visit's data: one type per tool kind."""

    class Meta:
        types = tuple(SUMMARY_TYPES.values())

    @classmethod
    def resolve_type(cls, instance, info):
        return SUMMARY_TYPES[instance.kind]


# A reflection sheet keeps the summary as it was agreed: a snapshot that an older version of
# the server (or a seed) may have written with fewer keys. Missing ones read as empty so an
# old sheet still answers its non-null fields.
_EMPTY_SUMMARY: dict[ToolKind, dict[str, Any]] = {
    ToolKind.SCRIPTING: {"first_at": None, "last_at": None, "entries_per_student": {}},
    ToolKind.TALLY: {"total": 0, "per_category": {}, "per_group": {}, "per_group_and_category": {}},
    ToolKind.SEATING_CHART: {
        "per_seat": {},
        "per_mark": {},
        "seats_marked": 0,
        "seats_never_marked": [],
    },
    ToolKind.CHECKLIST: {
        "item_count": 0,
        "checked_count": 0,
        "checked": [],
        "unchecked": [],
        "notes": {},
    },
    ToolKind.TIMED_INTERVAL_SWEEP: {"interval_minutes": 0, "sweeps": [], "average_share": {}},
}


def typed_summary(summary: dict | None) -> KindData | None:
    """A stored summary (it names its kind) for the union; null for none ({} or None, or a
    snapshot that names no kind we know)."""
    if not summary or summary.get("kind") not in ToolKind.__members__:
        return None
    kind = ToolKind(summary["kind"])
    return KindData(
        kind, {"entry_count": 0, "skipped_entries": 0, **_EMPTY_SUMMARY[kind], **summary}
    )


# --- the kinds themselves ------------------------------------------------------------------


class ToolKindInfo(graphene.ObjectType):
    """A tool kind with the JSON Schemas of its definition and entries (draft 2020-12), for
    checking on the phone before sending. The same files are in the repository under
    schema/tool-kinds/ and served at /observations/tool-kinds/<kind>.<definition|entry>.json."""

    kind = graphene.Field(ToolKindEnum, required=True, description="The kind.")
    label = graphene.String(required=True, description="Its name for people.")
    input_field = graphene.String(
        required=True,
        description="Its field in ToolDefinitionInput and ObservationEntryInput (tally, ...).",
    )
    definition_json_schema = graphene.String(
        required=True,
        description="JSON Schema (as a JSON text) of the definition input of this kind.",
    )
    entry_json_schema = graphene.String(
        required=True,
        description="JSON Schema (as a JSON text) of an entry input of this kind, for any tool "
        "(Tool.entryJsonSchema also knows one tool's keys).",
    )

    @staticmethod
    def resolve_kind(root, info):
        return root.value

    @staticmethod
    def resolve_label(root, info):
        return root.label

    @staticmethod
    def resolve_input_field(root, info):
        return api_field(root)

    @staticmethod
    def resolve_definition_json_schema(root, info):
        return json.dumps(definition_json_schema(root), separators=(",", ":"))

    @staticmethod
    def resolve_entry_json_schema(root, info):
        return json.dumps(entry_json_schema(root), separators=(",", ":"))


def tool_entry_json_schema(kind: str, definition: dict) -> str:
    return json.dumps(entry_json_schema(kind, definition), separators=(",", ":"))
