"""Students are never named in anything shared: each child becomes "Student A", "Student B"...

Pure Python (no Django), the foundation of two apps: credential packets
(`credentials.anonymise`) and improvement library snapshots (`improvement.snapshot`) both
gather the identifiers of the children a teacher's records name (see `student_identifiers`
and its siblings below: the structured fields of observation data) into one `Pseudonymiser`,
which gives each a letter in the order it first sees them and scrubs every text with them: the
same child is the same letter everywhere in one document; letters mean nothing across
documents. The mapping lives only in the `Pseudonymiser` of one call and is never stored.

What this cannot catch (a child's name typed in free text that no structured field holds, a
face in a photo) is covered by the teacher's confirmation of each photo and free text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "PREFIX",
    "Pseudonymiser",
    "definition_student_groups",
    "definition_student_identifiers",
    "letters",
    "normalise",
    "student_identifiers",
    "summary_student_identifiers",
]

PREFIX = "Student"

_WHITESPACE = re.compile(r"\s+")


def normalise(identifier: str) -> str:
    """The form two spellings of one child share: case folded, ends trimmed, inner runs of
    whitespace as one space."""
    return _WHITESPACE.sub(" ", identifier.strip()).casefold()


def letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA", 27 -> "AB"... (bijective base 26, like spreadsheet
    columns), so there is never a shortage of letters."""
    if index < 0:
        raise ValueError("index must be >= 0")
    out = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _identifier_pattern(text: str) -> str:
    """A literal identifier as a regex in which any run of whitespace matches any other (a
    name broken over a line in a note is still that name)."""
    return r"\s+".join(re.escape(part) for part in text.split())


class Pseudonymiser:
    """Gives each child a letter, first come first served, and scrubs texts with the letters.

    One instance per packet; it is the only place the mapping exists.
    """

    def __init__(self) -> None:
        # normalised identifier -> "Student X"
        self._letters: dict[str, str] = {}
        # normalised identifier -> the raw spellings seen (whitespace collapsed, case kept):
        # the scrub matches them as well as the normalised form, so a spelling whose case
        # folding differs from the regex engine's (German ß, for one) is still found.
        self._spellings: dict[str, set[str]] = {}
        self._pattern: re.Pattern[str] | None = None

    def __len__(self) -> int:
        return len(self._letters)

    def add(self, identifier: str | None) -> str | None:
        """The pseudonym of ``identifier``, giving it the next letter on first sight; None
        for None or a blank identifier (nobody)."""
        if identifier is None:
            return None
        key = normalise(identifier)
        if not key:
            return None
        pseudonym = self._letters.get(key)
        if pseudonym is None:
            pseudonym = f"{PREFIX} {letters(len(self._letters))}"
            self._letters[key] = pseudonym
            self._spellings[key] = set()
        spelling = _WHITESPACE.sub(" ", identifier.strip())
        if spelling not in self._spellings[key]:
            self._spellings[key].add(spelling)
            self._pattern = None
        return pseudonym

    def add_group(self, identifiers: Iterable[str | None]) -> str | None:
        """One child known by several identifiers (a seat's key and its label): all get the
        letter of the first that has one, or the next letter."""
        known = [i for i in identifiers if i is not None and normalise(i)]
        if not known:
            return None
        pseudonym = next((self.pseudonym(i) for i in known if self.pseudonym(i)), None)
        if pseudonym is None:
            pseudonym = self.add(known[0])
        for identifier in known:
            key = normalise(identifier)
            if key not in self._letters:
                self._letters[key] = pseudonym
                self._spellings[key] = set()
            spelling = _WHITESPACE.sub(" ", identifier.strip())
            if spelling not in self._spellings[key]:
                self._spellings[key].add(spelling)
                self._pattern = None
        return pseudonym

    def pseudonym(self, identifier: str | None) -> str | None:
        """The pseudonym of a known identifier (None if unknown or blank), giving no letter."""
        if identifier is None:
            return None
        return self._letters.get(normalise(identifier))

    def scrub(self, text: str) -> str:
        """``text`` with every known identifier, as a whole word and ignoring case, replaced by
        its pseudonym.

        One pass over the text with the longest identifiers tried first: "Ana Maria" wins over
        "Ana", and a pseudonym put in is never scanned again (a child called "A" does not turn
        "Student B" into "Student Student A B"). Identifiers without a letter (seat "4") are
        not scrubbed from text: they name nobody there, and replacing every "4" would wreck the
        numbers and dates of the notes; their structured fields still get letters.
        """
        pattern = self._compiled()
        if pattern is None:
            return text
        return pattern.sub(self._replacement, text)

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None:
            spellings = {
                spelling
                for key, seen in self._spellings.items()
                if any(ch.isalpha() for ch in key)
                for spelling in (key, *seen)
            }
            if not spellings:
                return None
            # Longest first: alternation takes the first alternative that matches.
            ordered = sorted(spellings, key=lambda s: (-len(s), s))
            alternatives = "|".join(_identifier_pattern(s) for s in ordered)
            # Whole word by lookaround rather than \b, which would need a word character at
            # both ends ("(Sam)" or "Jo-" are identifiers too).
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._pattern

    def _replacement(self, match: re.Match[str]) -> str:
        pseudonym = self._letters.get(normalise(match.group(0)))
        if pseudonym is not None:
            return pseudonym
        # The regex engine's case-insensitive match and str.casefold disagree on a few letters;
        # find the identifier whose spelling matched.
        found = match.group(0)
        for key in sorted(self._spellings, key=lambda k: (-len(k), k)):
            for spelling in (key, *self._spellings[key]):
                if re.fullmatch(_identifier_pattern(spelling), found, re.IGNORECASE):
                    return self._letters[key]
        raise AssertionError(f"scrub matched {found!r} but knows no identifier for it")


# ---------------------------------------------------------------------------------------------
# Where the identifiers are in observation data (observations/tool_kinds): the builder calls
# these on the entries, the tool's definition and the reflection sheet's data summary it
# quotes. Field names are the stored form (snake_case); the API form's camelCase is read too.

SCRIPTING = "SCRIPTING"
TALLY = "TALLY"
SEATING_CHART = "SEATING_CHART"
CHECKLIST = "CHECKLIST"
TIMED_INTERVAL_SWEEP = "TIMED_INTERVAL_SWEEP"
# Checklist items and sweep behaviours are things seen, never people; their notes are free
# text, covered by the teacher's confirmation.
_NO_STUDENT_FIELDS = frozenset({CHECKLIST, TIMED_INTERVAL_SWEEP})
_KINDS = frozenset({SCRIPTING, TALLY, SEATING_CHART}) | _NO_STUDENT_FIELDS


def _kind(tool_kind: str) -> str:
    kind = str(tool_kind)
    if kind not in _KINDS:
        # A new kind must be taught here before its data can be quoted: failing is safer
        # than quoting names we do not know to look for.
        raise ValueError(f"Unknown tool kind {kind!r}: say which of its fields name students.")
    return kind


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _keyed(definition: Mapping[str, Any] | None, *names: str) -> list[Mapping[str, Any]]:
    for name in names:
        options = (definition or {}).get(name)
        if options:
            return [option for option in options if isinstance(option, Mapping)]
    return []


def _label_of(options: list[Mapping[str, Any]], key: str) -> str | None:
    # Keys are unique regardless of case (tool_kinds.shapes.KeyedList).
    for option in options:
        if isinstance(option.get("key"), str) and option["key"].casefold() == key.casefold():
            return _text(option.get("label"))
    return None


def student_identifiers(
    tool_kind: str,
    entry_payload: Mapping[str, Any],
    definition: Mapping[str, Any] | None = None,
) -> list[str]:
    """The identifiers in one observation entry's structured fields, in field order.

    SCRIPTING: ``student``; SEATING_CHART: ``seat`` (a key) and, given the tool's definition,
    that seat's label; TALLY: ``group`` and, given the definition, that group's label (a group
    called "Boys" becomes a letter too: we cannot tell a group from a child); CHECKLIST and
    TIMED_INTERVAL_SWEEP name nobody. An unknown kind raises ValueError.
    """
    kind = _kind(tool_kind)
    found: list[str | None] = []
    if kind == SCRIPTING:
        found.append(_text(entry_payload.get("student")))
    elif kind == SEATING_CHART:
        seat = _text(entry_payload.get("seat"))
        if seat is not None:
            found += [seat, _label_of(_keyed(definition, "seats"), seat)]
    elif kind == TALLY:
        group = _text(entry_payload.get("group"))
        if group is not None:
            options = _keyed(definition, "student_groups", "studentGroups")
            found += [group, _label_of(options, group)]
    return [identifier for identifier in found if identifier is not None]


def definition_student_identifiers(tool_kind: str, definition: Mapping[str, Any]) -> list[str]:
    """Every identifier a tool's definition holds: seating-chart seats' keys and labels, tally
    student groups' keys and labels (each key before its label, in list order)."""
    kind = _kind(tool_kind)
    if kind == SEATING_CHART:
        options = _keyed(definition, "seats")
    elif kind == TALLY:
        options = _keyed(definition, "student_groups", "studentGroups")
    else:
        return []
    found = [_text(option.get(field)) for option in options for field in ("key", "label")]
    return [identifier for identifier in found if identifier is not None]


def definition_student_groups(tool_kind: str, definition: Mapping[str, Any]) -> list[list[str]]:
    """Like `definition_student_identifiers`, one list per seat or group: its key and label
    name the same child (or group), so `pseudonymise` gives them one letter."""
    kind = _kind(tool_kind)
    if kind == SEATING_CHART:
        options = _keyed(definition, "seats")
    elif kind == TALLY:
        options = _keyed(definition, "student_groups", "studentGroups")
    else:
        return []
    groups = [[_text(option.get(field)) for field in ("key", "label")] for option in options]
    return [[i for i in group if i is not None] for group in groups if any(group)]


def summary_student_identifiers(data_summary: Mapping[str, Any]) -> list[str]:
    """The identifiers a reflection sheet's data summary (``tool_kinds.summarize``) holds as
    keys: scripting ``entries_per_student``, seating-chart ``per_seat`` and
    ``seats_never_marked``, tally ``per_group`` and ``per_group_and_category``."""
    kind = data_summary.get("kind")
    if kind is None:
        return []
    kind = _kind(kind)
    names = {
        SCRIPTING: (("entries_per_student", "entriesPerStudent"),),
        SEATING_CHART: (("per_seat", "perSeat"), ("seats_never_marked", "seatsNeverMarked")),
        TALLY: (("per_group", "perGroup"), ("per_group_and_category", "perGroupAndCategory")),
    }.get(kind, ())
    found: list[str] = []
    for spellings in names:
        for name in spellings:
            value = data_summary.get(name)
            # A mapping's keys or a list's items.
            if isinstance(value, Mapping | list):
                found += [key for key in value if _text(key)]
    return list(dict.fromkeys(found))
