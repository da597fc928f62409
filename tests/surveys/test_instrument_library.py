"""The shipped instruments are consistent enough to seed the database from."""

import re
from collections import Counter

import pytest

from surveys.instrument_library import (
    AGREEMENT,
    CONFIDENCE,
    CONFIDENCE_SURVEY,
    FREQUENCY,
    INSTRUMENTS,
    PEER_FEEDBACK,
    SCALES,
    SESSION_FEEDBACK,
    TRUST_AND_LEARNING_CULTURE,
    InstrumentKind,
    get_instrument,
    get_scale,
)

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def _all_keys():
    for scale in SCALES:
        yield scale.key
    for instrument in INSTRUMENTS:
        yield instrument.key
        for construct in instrument.constructs:
            yield construct.key
            for item in construct.items:
                yield item.key
        for open_text in instrument.open_text_items:
            yield open_text.key


def test_keys_are_unique_across_the_library():
    duplicates = [key for key, count in Counter(_all_keys()).items() if count > 1]

    assert duplicates == []


def test_keys_are_slugs():
    assert [key for key in _all_keys() if not SLUG.match(key)] == []


def test_library_ships_the_six_instruments():
    assert [instrument.key for instrument in INSTRUMENTS] == [
        "trust_and_learning_culture",
        "confidence",
        "peer_feedback_slrc_impact",
        "session_feedback",
        "student_voice_6_12",
        "student_voice_3_5",
    ]
    assert {instrument.kind for instrument in INSTRUMENTS} == set(InstrumentKind)


def test_every_item_uses_a_shipped_scale():
    scale_keys = {scale.key for scale in SCALES}

    unknown = [
        item.key
        for instrument in INSTRUMENTS
        for item in instrument.scaled_items
        if item.scale_key not in scale_keys
    ]

    assert unknown == []


def test_items_of_a_construct_share_one_scale():
    # construct scores average a respondent's answers, which only makes sense on one scale
    mixed = [
        construct.key
        for instrument in INSTRUMENTS
        for construct in instrument.constructs
        if len({item.scale_key for item in construct.items}) != 1
    ]

    assert mixed == []


@pytest.mark.parametrize(
    ("scale", "labels"),
    [
        (
            AGREEMENT,
            [
                "Strongly disagree",
                "Disagree",
                "Neither agree nor disagree",
                "Agree",
                "Strongly agree",
            ],
        ),
        (FREQUENCY, ["Never", "Rarely", "Sometimes", "Often", "Always"]),
        (CONFIDENCE, ["Not yet confident", "Somewhat confident", "Confident", "Very confident"]),
    ],
)
def test_scales_are_labelled_and_numbered_from_one(scale, labels):
    assert [point.label for point in scale.points] == labels
    assert scale.values == tuple(range(1, len(labels) + 1))
    assert (scale.low, scale.high) == (1, len(labels))


def test_trust_survey_has_the_six_constructs_with_three_to_six_items_each():
    constructs = TRUST_AND_LEARNING_CULTURE.constructs

    assert [construct.key for construct in constructs] == [
        "teacher_trust",
        "collective_responsibility",
        "reflective_dialogue",
        "deprivatised_practice",
        "focus_on_student_learning",
        "collective_efficacy",
    ]
    assert all(3 <= len(construct.items) <= 6 for construct in constructs)
    assert 1 <= len(TRUST_AND_LEARNING_CULTURE.open_text_items) <= 2


def test_trust_survey_has_reverse_scored_items_in_several_constructs():
    with_reverse = [
        construct.key
        for construct in TRUST_AND_LEARNING_CULTURE.constructs
        if any(item.reverse_scored for item in construct.items)
    ]

    assert len(with_reverse) >= 3
    # a construct of only reversed items would be a wording mistake
    assert all(
        not all(item.reverse_scored for item in construct.items)
        for construct in TRUST_AND_LEARNING_CULTURE.constructs
    )


def test_confidence_survey_uses_the_confidence_scale_for_the_three_skills():
    assert [construct.key for construct in CONFIDENCE_SURVEY.constructs] == [
        "observing_student_learning",
        "crafting_questions_and_tools",
        "facilitating_peer_reflection",
    ]
    assert {item.scale_key for item in CONFIDENCE_SURVEY.scaled_items} == {CONFIDENCE.key}


def test_peer_feedback_has_scaled_and_open_text_items():
    assert PEER_FEEDBACK.scaled_items
    assert PEER_FEEDBACK.open_text_items
    assert any(item.reverse_scored for item in PEER_FEEDBACK.scaled_items)


def test_session_feedback_has_three_to_five_questions_mostly_open_text():
    assert 3 <= SESSION_FEEDBACK.question_count <= 5
    assert len(SESSION_FEEDBACK.scaled_items) == 1
    assert len(SESSION_FEEDBACK.open_text_items) > len(SESSION_FEEDBACK.scaled_items)


def test_every_text_is_filled_in():
    texts = [
        text
        for instrument in INSTRUMENTS
        for text in (
            instrument.title,
            instrument.description,
            *(c.title for c in instrument.constructs),
            *(c.description for c in instrument.constructs),
            *(item.prompt for item in instrument.scaled_items),
            *(item.prompt for item in instrument.open_text_items),
        )
    ]

    assert all(text.strip() == text and text for text in texts)


def test_lookups_by_key():
    assert get_instrument("session_feedback") is SESSION_FEEDBACK
    assert get_scale(AGREEMENT.key) is AGREEMENT

    with pytest.raises(KeyError):
        get_instrument("no_such_instrument")
    with pytest.raises(KeyError):
        get_scale("no_such_scale")


def test_the_student_voice_surveys_ask_the_same_four_ideas_at_two_reading_levels():
    from surveys.instrument_library import STUDENT_VOICE_3_5, STUDENT_VOICE_6_12

    titles = [[c.title for c in i.constructs] for i in (STUDENT_VOICE_3_5, STUDENT_VOICE_6_12)]
    assert titles[0] == titles[1] == ["Being known", "Challenge", "Clarity", "Voice"]
    assert {item.scale_key for item in STUDENT_VOICE_3_5.scaled_items} == {"student_3"}
    assert {item.scale_key for item in STUDENT_VOICE_6_12.scaled_items} == {"agreement_5"}
    # Short enough for a young reader: no sentence of the grades 3-5 survey over 10 words.
    assert max(len(item.prompt.split()) for item in STUDENT_VOICE_3_5.scaled_items) <= 10
