"""TALLY: counts per category, optionally per student group.

definition ``{"categories": [{"key", "label"}], "student_groups": [{"key", "label"}]?}``;
entry ``{"at": time, "category": key, "group": key (only when groups exist), "count": int?}``.
"""

from __future__ import annotations

from typing import Any

from .shapes import Choice, Context, Field, Int, KeyedList, Obj, Time
from .toolkit import _Errors

MAX_CATEGORIES = 30
MAX_STUDENT_GROUPS = 30
MAX_TALLY_COUNT = 1000

DEFINITION = Obj(
    name="Tally",
    description="A tally: counts per category, optionally per student group.",
    fields={
        "categories": Field(
            KeyedList(max_items=MAX_CATEGORIES),
            f"1 to {MAX_CATEGORIES} categories to count.",
            required=True,
        ),
        "student_groups": Field(
            KeyedList(max_items=MAX_STUDENT_GROUPS, min_items=0),
            f"Up to {MAX_STUDENT_GROUPS} student groups; with groups, every entry names one.",
            default=list,
        ),
    },
)


def entry_shape(definition: dict | None = None) -> Obj:
    # "group" is required exactly when the tool defines student groups, unknown otherwise;
    # without a definition (the kind's schema) it may be there or not.
    groups = None if definition is None else bool(definition["student_groups"])
    fields = {
        "at": Field(Time(), "When it was counted.", required=True),
        "category": Field(Choice("categories", "category"), "The category's key.", required=True),
    }
    if groups is not False:
        fields["group"] = Field(
            Choice("student_groups", "student group"),
            "The student group's key: required when the tool has groups, absent otherwise.",
            required=bool(groups),
        )
    fields["count"] = Field(
        Int(1, MAX_TALLY_COUNT), f"How many (1 to {MAX_TALLY_COUNT}); 1 when absent.", default=1
    )
    return Obj(name="Tally", description="One count in a category.", fields=fields)


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    return DEFINITION.check(definition, (), errors, Context())


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    return entry_shape(definition).check(entry, (), errors, Context(definition))


def summary(definition: dict, entries: list[dict]) -> dict[str, Any]:
    category_keys = [category["key"] for category in definition["categories"]]
    group_keys = [group["key"] for group in definition["student_groups"]]
    per_category = dict.fromkeys(category_keys, 0)
    per_group = dict.fromkeys(group_keys, 0)
    per_group_category = {group: dict.fromkeys(category_keys, 0) for group in group_keys}
    for entry in entries:
        per_category[entry["category"]] += entry["count"]
        if "group" in entry:
            per_group[entry["group"]] += entry["count"]
            per_group_category[entry["group"]][entry["category"]] += entry["count"]
    return {
        "total": sum(per_category.values()),
        "per_category": per_category,
        "per_group": per_group,
        "per_group_and_category": per_group_category,
    }
