"""Students are never named in a packet (credentials.anonymise)."""

from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from credentials.anonymise import (
    Pseudonymiser,
    definition_student_identifiers,
    letters,
    normalise,
    pseudonymise,
    student_identifiers,
    summary_student_identifiers,
)
from observations.tool_kinds import ToolKind, summarize, validate_definition, validate_entry

from .packets import packet_content

# --- letters ---------------------------------------------------------------------------------


def test_letters_run_a_to_z_then_aa():
    assert [letters(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_the_27th_child_is_student_aa():
    pseudonymiser = Pseudonymiser()
    given_letters = [pseudonymiser.add(f"Child {i}") for i in range(28)]
    assert given_letters[0] == "Student A"
    assert given_letters[25] == "Student Z"
    assert given_letters[26] == "Student AA"
    assert given_letters[27] == "Student AB"
    assert len(set(given_letters)) == 28


def test_letters_follow_first_appearance_not_the_alphabet():
    pseudonymiser = Pseudonymiser()
    assert pseudonymiser.add("Zed") == "Student A"
    assert pseudonymiser.add("Abe") == "Student B"
    assert pseudonymiser.add("Zed") == "Student A"


# --- normalisation ---------------------------------------------------------------------------


def test_case_and_space_variants_are_one_child():
    pseudonymiser = Pseudonymiser()
    first = pseudonymiser.add("Ana Maria")
    assert pseudonymiser.add("  ana   MARIA ") == first
    assert pseudonymiser.add("ANA\tmaria") == first
    assert pseudonymiser.add("Anamaria") != first
    assert normalise("  Ana \n Maria ") == "ana maria"


def test_blank_identifiers_name_nobody():
    pseudonymiser = Pseudonymiser()
    assert pseudonymiser.add("   ") is None
    assert pseudonymiser.add(None) is None
    assert len(pseudonymiser) == 0


# --- scrub -----------------------------------------------------------------------------------


def test_longest_identifier_wins():
    pseudonymiser = Pseudonymiser()
    ana = pseudonymiser.add("Ana")
    ana_maria = pseudonymiser.add("Ana Maria")
    assert pseudonymiser.scrub("Ana Maria and Ana, then ana maria.") == (
        f"{ana_maria} and {ana}, then {ana_maria}."
    )


def test_a_name_inside_a_longer_word_is_not_mangled():
    pseudonymiser = Pseudonymiser()
    al = pseudonymiser.add("Al")
    assert pseudonymiser.scrub("Also, Al talked. Alan and Sal did not. AL!") == (
        f"Also, {al} talked. Alan and Sal did not. {al}!"
    )


def test_scrub_ignores_case_and_line_breaks_inside_a_name():
    pseudonymiser = Pseudonymiser()
    letter = pseudonymiser.add("Jo Ann")
    assert pseudonymiser.scrub("JO ANN spoke; then jo\nann.") == f"{letter} spoke; then {letter}."


def test_identifiers_starting_or_ending_with_punctuation_are_whole_words():
    pseudonymiser = Pseudonymiser()
    letter = pseudonymiser.add("(Sam)")
    assert pseudonymiser.scrub("Seat (Sam) again") == f"Seat {letter} again"


def test_a_letter_put_in_is_not_scrubbed_again():
    # A child called "A" and one called "Student": one pass, so the pseudonyms stay whole.
    pseudonymiser = Pseudonymiser()
    pseudonymiser.add("Bea")
    pseudonymiser.add("A")
    pseudonymiser.add("Student")
    assert pseudonymiser.scrub("Bea, A and Student.") == "Student A, Student B and Student C."


def test_spellings_that_regex_case_folding_misses_are_still_found():
    pseudonymiser = Pseudonymiser()
    letter = pseudonymiser.add("Strauß")
    assert pseudonymiser.scrub("STRAUSS, strauß and Strauss") == f"{letter}, {letter} and {letter}"


def test_numeric_identifiers_get_letters_but_numbers_in_text_stay():
    pseudonymiser = Pseudonymiser()
    assert pseudonymiser.add("4") == "Student A"
    assert pseudonymiser.scrub("4 students on 2026-03-04") == "4 students on 2026-03-04"


def test_scrub_with_nobody_known_changes_nothing():
    assert Pseudonymiser().scrub("Nothing to hide") == "Nothing to hide"


# --- pseudonymise ----------------------------------------------------------------------------


def test_pseudonymise_replaces_fields_scrubs_text_and_drops_the_raw_lists():
    content = packet_content(["Maya", "Leo", "Boys"])
    original = copy.deepcopy(content)
    out = pseudonymise(content)

    assert content == original, "the input is left as it was"
    visit = out["requirements"][0]["items"][0]
    assert "students" not in visit
    assert [e["student"] for e in visit["entries"]] == ["Student A", None]
    assert [e["seat"] for e in visit["entries"]] == [None, "Student B"]
    assert visit["title"] == "Visit on fractions, Student A at the board"
    assert visit["fields"][0]["text"] == (
        "Watch how Student A and Student B share the work; Student C were quiet."
    )
    assert visit["entries"][0]["text"] == "Student A explained halves to Student B."
    text = out["requirements"][1]["items"][0]
    assert "students" not in text
    assert text["fields"][0]["text"].startswith("By spring Student B asked first. ")
    # Adults and the packet's own words are untouched.
    assert visit["people"][0] == {"role": "Yellow dot 5", "name": "Dana Reyes"}
    assert out["credential"] == original["credential"]


def test_codes_are_not_scrubbed_even_when_a_child_has_that_name():
    content = packet_content(["Met", "Visit", "Evidence"])
    out = pseudonymise(content)
    requirement = out["requirements"][0]
    assert requirement["state"] == "MET"
    assert requirement["items"][0]["kind"] == "VISIT"
    assert requirement["key"] == "blue-dots"
    # ...but a label is text, and text is scrubbed.
    assert requirement["part"] == "Student C"


def test_an_entry_the_builder_left_out_of_students_still_gets_a_letter():
    content = packet_content(["Maya", "Leo", "Kim"])
    item = content["requirements"][0]["items"][0]
    item["students"] = []
    item["entries"][0]["student"] = "Ravi"
    item["entries"][0]["text"] = "Ravi counted."
    out = pseudonymise(content)
    entry = out["requirements"][0]["items"][0]["entries"][0]
    assert entry["student"] is not None and entry["student"].startswith("Student ")
    assert entry["text"] == f"{entry['student']} counted."
    assert "ravi" not in json.dumps(out, ensure_ascii=False).casefold()


def test_a_blank_student_field_becomes_null():
    content = packet_content(["Maya", "Leo", "Kim"])
    content["requirements"][0]["items"][0]["entries"][0]["student"] = "  "
    out = pseudonymise(content)
    assert out["requirements"][0]["items"][0]["entries"][0]["student"] is None


def test_the_teacher_and_peers_are_scrubbed_too_when_they_share_a_childs_name():
    # Over-scrubbing is the safe side: a child's name is gone even from an adult's line.
    content = packet_content(["Dana", "Leo", "Kim"])
    out = pseudonymise(content)
    assert out["requirements"][0]["items"][0]["people"][0]["name"] == "Student A Reyes"


# --- where identifiers are in observation data -----------------------------------------------

SEATS = {
    "layout": "grid",
    "seats": [{"key": "r1c1", "label": "Maya", "x": 0, "y": 0},
              {"key": "r1c2", "label": "Leo", "x": 1, "y": 0}],
    "marks": [{"key": "q", "label": "Question"}],
}  # fmt: skip
GROUPS = {
    "categories": [{"key": "talk", "label": "Talk"}],
    "student_groups": [{"key": "g1", "label": "Boys"}, {"key": "g2", "label": "Girls"}],
}
AT = "2026-03-04T09:15:00Z"


def test_scripting_names_its_student():
    entry = validate_entry("SCRIPTING", {}, {"at": AT, "text": "Asked why", "student": " Maya "})
    assert student_identifiers("SCRIPTING", entry) == ["Maya"]
    blank = validate_entry("SCRIPTING", {}, {"at": AT, "text": "Asked why", "student": " "})
    assert student_identifiers("SCRIPTING", blank) == []


def test_seating_chart_names_the_seat_and_with_the_definition_its_label():
    definition = validate_definition("SEATING_CHART", SEATS)
    entry = validate_entry("SEATING_CHART", SEATS, {"at": AT, "seat": "r1c2", "mark": "q"})
    assert student_identifiers("SEATING_CHART", entry) == ["r1c2"]
    assert student_identifiers("SEATING_CHART", entry, definition) == ["r1c2", "Leo"]
    # Keys are unique regardless of case, so a key in other case is the same seat.
    assert student_identifiers("SEATING_CHART", {"seat": "R1C1"}, definition) == ["R1C1", "Maya"]


def test_tally_names_the_group_and_with_the_definition_its_label():
    entry = validate_entry("TALLY", GROUPS, {"at": AT, "category": "talk", "group": "g2"})
    assert student_identifiers("TALLY", entry, validate_definition("TALLY", GROUPS)) == [
        "g2",
        "Girls",
    ]
    ungrouped = {"categories": GROUPS["categories"]}
    plain = validate_entry("TALLY", ungrouped, {"at": AT, "category": "talk"})
    assert student_identifiers("TALLY", plain) == []


def test_kinds_without_student_fields_name_nobody_and_unknown_kinds_fail():
    checklist = {"items": [{"key": "maya", "label": "Maya"}]}
    entry = validate_entry("CHECKLIST", checklist, {"item": "maya", "checked": True})
    assert student_identifiers("CHECKLIST", entry) == []
    with pytest.raises(ValueError, match="Unknown tool kind"):
        student_identifiers("STUDENT_VOICE", {"student": "Maya"})


def test_every_tool_kind_is_known():
    # A new kind must be taught here; this fails until it is.
    for kind in ToolKind:
        student_identifiers(kind, {})
        definition_student_identifiers(kind, {})


def test_definitions_name_seats_and_groups():
    assert definition_student_identifiers(
        "SEATING_CHART", validate_definition("SEATING_CHART", SEATS)
    ) == ["r1c1", "Maya", "r1c2", "Leo"]
    assert definition_student_identifiers("TALLY", validate_definition("TALLY", GROUPS)) == [
        "g1",
        "Boys",
        "g2",
        "Girls",
    ]
    assert (
        definition_student_identifiers("CHECKLIST", {"items": [{"key": "a", "label": "A"}]}) == []
    )


def test_data_summaries_name_students_by_their_keys():
    scripting = summarize(
        "SCRIPTING",
        {},
        [
            {"at": AT, "text": "x", "student": "Maya"},
            {"at": AT, "text": "y", "student": "Leo"},
            {"at": AT, "text": "z"},
        ],
    )
    assert summary_student_identifiers(scripting) == ["Leo", "Maya"]
    seats = summarize("SEATING_CHART", SEATS, [{"at": AT, "seat": "r1c1", "mark": "q"}])
    assert summary_student_identifiers(seats) == ["r1c1", "r1c2"]
    tally = summarize("TALLY", GROUPS, [{"at": AT, "category": "talk", "group": "g1"}])
    assert summary_student_identifiers(tally) == ["g1", "g2"]
    assert summary_student_identifiers({}) == []


# --- properties ------------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàéîõüçñøłđăşżğễịßÀÉÎÕÜÇÑØŁĐĂŞŻĞ"
# Words of three letters or more: a one- or two-letter word can be a pseudonym's letter, and
# "Student A at" would then "contain" a child called "A at" by coincidence (the short names
# have their own tests above).
_word = st.builds(
    lambda head, joiner, tail: head + (joiner + tail if joiner else ""),
    st.text(_LETTERS, min_size=3, max_size=8),
    st.sampled_from(["", "", "-", "'"]),
    st.text(_LETTERS, min_size=3, max_size=6),
)


def _join(words: list[str], gaps: list[str], lead: str, trail: str) -> str:
    # Odd spacing inside and around: the builder hands identifiers over as typed.
    text = words[0]
    for gap, word in zip(gaps, words[1:], strict=False):
        text += gap + word
    return lead + text + trail


_name = st.builds(
    _join,
    st.lists(_word, min_size=1, max_size=3),
    st.lists(st.sampled_from([" ", "  ", "\t", " \n "]), min_size=2, max_size=2),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from(["", " ", "\t"]),
)
SKELETON = json.dumps(packet_content(["", "", ""]), ensure_ascii=False)


def _whole_word(name: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in name.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _survivors(names: list[str], out: dict) -> list[str]:
    # The JSON dump, and every string unescaped (the dump writes a tab inside a name as "\t").
    dump = json.dumps(out, ensure_ascii=False) + "\n" + "\n".join(_strings(out))
    folded = dump.casefold()
    return [
        name
        for name in names
        if _whole_word(name).search(dump) or _whole_word(normalise(name)).search(folded)
    ]


def _usable(name: str) -> bool:
    return (
        bool(normalise(name))
        and not any(
            # The packet's own words (a child called "Board" or "Visit") and the pseudonyms'.
            pattern.search(text)
            for pattern in (_whole_word(name), _whole_word(normalise(name)))
            for text in (SKELETON, SKELETON.casefold())
        )
        and "student" not in normalise(name).split()
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(names=st.lists(_name, min_size=3, max_size=8))
def test_no_source_identifier_survives_anywhere(names):
    assume(all(_usable(name) for name in names))
    out = pseudonymise(packet_content(names))
    assert _survivors(names, out) == []
    # Positive control: the same search finds the names in the raw packet.
    assert sorted(_survivors(names, packet_content(names))) == sorted(names)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    names=st.lists(_name, min_size=3, max_size=5),
    variant=st.sampled_from(["upper", "lower", "spaced"]),
)
def test_the_same_child_is_the_same_letter_across_requirements_and_items(names, variant):
    assume(all(_usable(name) for name in names))
    assume(len({normalise(name) for name in names[:2]}) == 2)
    content = packet_content(names)
    # The same child as seat b in the first requirement, as a scripted student (spelt
    # differently) in the second.
    spelt = {"upper": str.upper, "lower": str.lower, "spaced": lambda s: f"  {s}  "}[variant]
    b = names[1]
    assume(normalise(spelt(b)) == normalise(b))
    content["requirements"][1]["items"][0]["entries"] = [
        {"recordedAt": AT, "student": spelt(b), "seat": None, "text": "Asked first."}
    ]
    out = pseudonymise(content)
    first = out["requirements"][0]["items"][0]
    second = out["requirements"][1]["items"][0]
    assert first["entries"][0]["student"] == "Student A"
    assert first["entries"][1]["seat"] == "Student B"
    assert second["entries"][0]["student"] == "Student B"
    assert _survivors([*names, spelt(b)], out) == []


def test_a_seat_known_by_key_and_label_is_one_child_with_one_letter():
    content = {
        "requirements": [
            {
                "key": "data",
                "items": [
                    {
                        "kind": "DATA_SET",
                        "title": "Visit",
                        "fields": [{"label": "Note", "text": "Ilse Varga asked a peer first."}],
                        "entries": [{"recordedAt": "2026-03-03T15:00:00Z", "seat": "s3"}],
                        "students": [["s3", "Ilse Varga"], ["s4", "Tomas Reyes"]],
                    }
                ],
            }
        ]
    }

    out = pseudonymise(content)
    item = out["requirements"][0]["items"][0]

    assert item["entries"][0]["seat"] == "Student A"
    assert item["fields"][0]["text"] == "Student A asked a peer first."
    assert "students" not in item


def test_a_group_takes_the_letter_one_of_its_names_already_has():
    from credentials.anonymise import Pseudonymiser

    names = Pseudonymiser()
    names.add("Ilse Varga")
    names.add("Tomas Reyes")

    assert names.add_group(["s3", "Ilse Varga"]) == "Student A"
    assert names.pseudonym("s3") == "Student A"
    assert names.add_group([None, " "]) is None
