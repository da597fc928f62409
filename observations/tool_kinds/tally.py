"""TALLY: counts per category, optionally per student group.

definition ``{"categories": [{"key", "label"}], "student_groups": [{"key", "label"}]?}``;
entry ``{"at": time, "category": key, "group": key (only when groups exist), "count": int?}``.
"""

from __future__ import annotations

from typing import Any

from .toolkit import _choice, _Errors, _fields, _int, _keyed_list, _present, _time

MAX_CATEGORIES = 30
MAX_STUDENT_GROUPS = 30
MAX_TALLY_COUNT = 1000


def check_definition(definition: object, errors: _Errors) -> dict[str, Any]:
    fields = _fields(definition, (), errors, required=("categories",), optional=("student_groups",))
    if fields is None:
        return {}
    categories = _keyed_list(fields, "categories", errors, max_items=MAX_CATEGORIES)
    groups = _keyed_list(
        fields, "student_groups", errors, min_items=0, max_items=MAX_STUDENT_GROUPS
    )
    return {"categories": categories, "student_groups": groups}


def check_entry(definition: dict, entry: object, errors: _Errors) -> dict[str, Any]:
    groups = definition["student_groups"]
    # "group" is required exactly when the tool defines student groups, unknown otherwise.
    required = ("at", "category", "group") if groups else ("at", "category")
    fields = _fields(entry, (), errors, required=required, optional=("count",))
    if fields is None:
        return {}
    categories = definition["categories"]
    normalized: dict[str, Any] = {
        "at": _present(fields, (), "at", _time, errors),
        "category": _present(
            fields, (), "category", _choice, errors, choices=categories, what="category"
        ),
    }
    if groups:
        normalized["group"] = _present(
            fields, (), "group", _choice, errors, choices=groups, what="student group"
        )
    count = _present(fields, (), "count", _int, errors, minimum=1, maximum=MAX_TALLY_COUNT)
    normalized["count"] = 1 if fields.get("count") is None else count
    return normalized


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
