"""Students are never named in a credential packet: each child becomes "Student A", "Student B"...

Pure Python (no Django): the snapshot and the preview run exactly this code. The letters and
the scrub (`Pseudonymiser`) and where identifiers are in observation data
(`student_identifiers` and its siblings) live in `backend.pseudonyms`, shared with the
improvement library; they are re-exported here. This module adds the packet's shape.

Identifiers come from the structured fields of the observation data a packet quotes (see
`student_identifiers`): the snapshot builder collects them into each item's ``students`` list.
`pseudonymise` gives them letters in the packet's canonical order (requirement, item, then the
order the builder listed them), so the same child is the same letter everywhere in one packet;
letters mean nothing across packets. The letters then replace the structured fields
(``entries[].student``, ``entries[].seat``) and every occurrence of an identifier, as a whole
word and ignoring case, in every text of the packet. The mapping lives only in the
`Pseudonymiser` of one call and is never stored.

What this cannot catch (a child's name typed in free text that no structured field holds, a
face in a photo) is covered by the teacher's confirmation of each photo and free text.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from backend.pseudonyms import (
    PREFIX,
    Pseudonymiser,
    definition_student_groups,
    definition_student_identifiers,
    letters,
    normalise,
    student_identifiers,
    summary_student_identifiers,
)

__all__ = [
    "PREFIX",
    "STRUCTURAL_FIELDS",
    "Pseudonymiser",
    "definition_student_groups",
    "definition_student_identifiers",
    "letters",
    "normalise",
    "pseudonymise",
    "student_identifiers",
    "summary_student_identifiers",
]

# Fields whose values are codes the system writes (enum values, keys from the catalogue,
# dates, generated file paths), never text a person typed. They are left as they are so a
# child called "Met" or "Visit" cannot turn ``state: "MET"`` or ``kind: "VISIT"`` into
# "Student A" and break the packet for every reader; no name can be in them.
STRUCTURAL_FIELDS = frozenset(
    {
        "kind",
        "state",
        "key",
        "code",
        "framework",
        "date",
        "recordedAt",
        "submittedAt",
        "path",
        "contentType",
    }
)


def pseudonymise(content: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a packet's content in which no student is named (``content`` is unchanged).

    1. every item's ``students`` (raw identifiers from structured fields), then its entries'
       ``student`` and ``seat`` (in case the builder missed one), get letters in canonical
       order: requirement, item, list order;
    2. ``entries[].student`` and ``entries[].seat`` become their letters;
    3. every other string value is scrubbed (`Pseudonymiser.scrub`), except the codes in
       `STRUCTURAL_FIELDS`;
    4. the raw ``students`` lists are dropped.
    """
    pseudonymiser = Pseudonymiser()
    for item in _items(content):
        for identifier in item.get("students") or ():
            # A list is one child under several identifiers (a seat's key and its label).
            if isinstance(identifier, list | tuple):
                pseudonymiser.add_group(identifier)
            else:
                pseudonymiser.add(identifier)
        for entry in item.get("entries") or ():
            pseudonymiser.add(entry.get("student"))
            pseudonymiser.add(entry.get("seat"))

    out = copy.deepcopy(dict(content))
    for item in _items(out):
        item.pop("students", None)
        for entry in item.get("entries") or ():
            for field in ("student", "seat"):
                if field in entry:
                    pseudonym = pseudonymiser.add(entry[field])
                    # Marked so the scrub leaves the letter as it is.
                    entry[field] = None if pseudonym is None else _Letter(pseudonym)
    return _scrub_values(out, pseudonymiser)


class _Letter(str):
    """A pseudonym already in place (the walk below does not scrub it again)."""


def _items(content: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for requirement in content.get("requirements") or ():
        yield from requirement.get("items") or ()


def _scrub_values(value: Any, pseudonymiser: Pseudonymiser) -> Any:
    if isinstance(value, _Letter):
        return str(value)
    if isinstance(value, str):
        return pseudonymiser.scrub(value)
    if isinstance(value, Mapping):
        return {
            key: (
                inner
                if key in STRUCTURAL_FIELDS and isinstance(inner, str)
                else _scrub_values(inner, pseudonymiser)
            )
            for key, inner in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub_values(inner, pseudonymiser) for inner in value]
    if value is None or isinstance(value, bool | int):
        return value
    # A float (or anything else) has no place in canonical content; leave the refusal to
    # canonical_json, which names it.
    return value
