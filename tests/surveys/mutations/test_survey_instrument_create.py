import pytest

from surveys.models import Instrument
from tests.conftest import top_level_codes

pytestmark = pytest.mark.django_db

CREATE = """
mutation($input: SurveyInstrumentCreateInput!) {
  surveyInstrumentCreate(input: $input) {
    instrument {
      id title kind isShipped
      constructs {
        key title
        items { key prompt format reverseScored scale { key points { value label } } }
      }
      openTextItems { key prompt format scale { key } }
      items { key }
    }
    errors { field code }
  }
}
"""
INSTRUMENTS = "{ surveyInstruments { totalCount edges { node { title isShipped } } } }"


def construct(title="Norms", items=None):
    return {
        "title": title,
        "items": items
        or [
            {"prompt": "We start on time.", "scaleKey": "frequency_5"},
            {"prompt": "Meetings drift.", "scaleKey": "frequency_5", "reverseScored": True},
        ],
    }


def test_a_leader_builds_an_instrument_for_their_school(api_for, leader, trust):
    payload = api_for(leader).data(
        CREATE,
        {
            "input": {
                "title": "Meeting check-in",
                "constructs": [construct()],
                "openTextPrompts": ["What should we change?"],
            }
        },
    )["surveyInstrumentCreate"]

    assert payload["errors"] == []
    instrument = payload["instrument"]
    assert (instrument["title"], instrument["kind"], instrument["isShipped"]) == (
        "Meeting check-in", "CUSTOM", False
    )  # fmt: skip
    [norms] = instrument["constructs"]
    assert [(i["key"], i["reverseScored"], i["format"]) for i in norms["items"]] == [
        ("q1", False, "SCALE"),
        ("q2", True, "SCALE"),
    ]
    assert norms["items"][0]["scale"]["points"][0] == {"value": 1, "label": "Never"}
    assert instrument["openTextItems"] == [
        {"key": "q3", "prompt": "What should we change?", "format": "OPEN_TEXT", "scale": None}
    ]
    assert [i["key"] for i in instrument["items"]] == ["q1", "q2", "q3"]
    assert Instrument.objects.get(title="Meeting check-in").school == leader.school


def test_colleagues_see_it_and_other_schools_do_not(api_for, leader, peers, trust):
    from surveys.instrument_library import INSTRUMENTS as INSTRUMENT_LIBRARY
    from tests.factories import LeaderFactory

    api_for(leader).data(CREATE, {"input": {"title": "Ours", "constructs": [construct()]}})

    mine = api_for(peers[0]).data(INSTRUMENTS)["surveyInstruments"]
    theirs = api_for(LeaderFactory()).data(INSTRUMENTS)["surveyInstruments"]

    assert {"title": "Ours", "isShipped": False} in [e["node"] for e in mine["edges"]]
    shipped = len(INSTRUMENT_LIBRARY)
    assert mine["totalCount"] == shipped + 1  # the shipped ones and ours
    assert theirs["totalCount"] == shipped


@pytest.mark.parametrize(
    ("constructs", "open_text", "field", "code"),
    [
        ([], [], "constructs", "REQUIRED"),
        ([construct(items=[{"prompt": "x", "scaleKey": "stars_10"}])], [],
         "constructs.0.items.0.scaleKey", "UNKNOWN_SCALE"),
        ([construct(items=[{"prompt": "a", "scaleKey": "agreement_5"},
                           {"prompt": "b", "scaleKey": "frequency_5"}])], [],
         "constructs.0.items", "MIXED_SCALES"),
        ([construct(items=[{"prompt": " ", "scaleKey": "agreement_5"}])], [],
         "constructs.0.items.0.prompt", "REQUIRED"),
        ([], ["ok", ""], "openTextPrompts.1", "REQUIRED"),
    ],
)  # fmt: skip
def test_instrument_errors(api_for, leader, trust, constructs, open_text, field, code):
    payload = api_for(leader).data(
        CREATE, {"input": {"title": "T", "constructs": constructs, "openTextPrompts": open_text}}
    )["surveyInstrumentCreate"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]


def test_teachers_cannot_build_instruments(api_for, peers):
    body = api_for(peers[0]).post_graphql(
        CREATE, {"input": {"title": "T", "constructs": [construct()]}}
    )

    assert top_level_codes(body) == ["FORBIDDEN"]
