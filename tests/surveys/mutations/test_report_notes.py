import pytest

from surveys.models import ReportNote
from tests.conftest import error_codes, top_level_codes
from tests.factories import CoordinatorFactory, LeaderFactory
from tests.surveys.factories import administration, small_instrument
from tests.surveys.graphql import administration_id, gid

pytestmark = pytest.mark.django_db

ADD = """
mutation($input: SurveyReportNoteCreateInput!) {
  surveyReportNoteCreate(input: $input) {
    note { id text author { fullName } }
    errors { field code }
  }
}
"""
UPDATE = """
mutation($input: SurveyReportNoteUpdateInput!) {
  surveyReportNoteUpdate(input: $input) { note { text } errors { field code } }
}
"""
DELETE = """
mutation($input: SurveyReportNoteDeleteInput!) {
  surveyReportNoteDelete(input: $input) { deletedNoteId errors { code } }
}
"""
NOTES = "query($id: ID!) { node(id: $id) { ... on SurveyAdministration { notes { text } } } }"


@pytest.fixture
def survey(leader, peers):
    return administration(
        instrument=small_instrument(school=leader.school), people=peers, created_by=leader
    )


def test_the_leader_notes_trends_and_coordinators_read_them(api_for, leader, survey):
    text = "Open practice rose most; efficacy dipped."
    payload = api_for(leader).data(
        ADD, {"input": {"administrationId": administration_id(survey), "text": text}}
    )["surveyReportNoteCreate"]

    assert payload["errors"] == []
    assert payload["note"]["author"]["fullName"] == leader.full_name
    coordinator = CoordinatorFactory(coordinated_district=leader.school.district)
    seen = api_for(coordinator).data(NOTES, {"id": administration_id(survey)})
    assert seen == {"node": {"notes": [{"text": text}]}}


def test_invitees_do_not_see_notes(api_for, leader, peers, survey):
    api_for(leader).data(
        ADD, {"input": {"administrationId": administration_id(survey), "text": "x"}}
    )

    assert api_for(peers[0]).data(NOTES, {"id": administration_id(survey)}) == {
        "node": {"notes": None}
    }


def test_an_empty_note_is_refused(api_for, leader, survey):
    payload = api_for(leader).data(
        ADD, {"input": {"administrationId": administration_id(survey), "text": "  "}}
    )["surveyReportNoteCreate"]

    assert payload["errors"] == [{"field": "text", "code": "REQUIRED"}]


def test_the_author_edits_and_deletes(api_for, leader, survey):
    note = ReportNote.objects.create(administration=survey, author=leader, text="draft")
    leader_api = api_for(leader)

    edited = leader_api.data(
        UPDATE, {"input": {"noteId": gid("SurveyReportNote", note), "text": "final"}}
    )
    deleted = leader_api.data(DELETE, {"input": {"noteId": gid("SurveyReportNote", note)}})

    assert edited["surveyReportNoteUpdate"] == {"note": {"text": "final"}, "errors": []}
    assert deleted["surveyReportNoteDelete"]["errors"] == []
    assert not ReportNote.objects.exists()


def test_other_leaders_cannot_touch_notes(api_for, leader, survey):
    note = ReportNote.objects.create(administration=survey, author=leader, text="mine")
    intruder = api_for(LeaderFactory())

    add = intruder.data(
        ADD, {"input": {"administrationId": administration_id(survey), "text": "x"}}
    )
    edit = intruder.data(UPDATE, {"input": {"noteId": gid("SurveyReportNote", note), "text": "y"}})

    assert error_codes(add["surveyReportNoteCreate"]) == ["NOT_FOUND"]
    assert error_codes(edit["surveyReportNoteUpdate"]) == ["NOT_FOUND"]


def test_a_coordinator_reads_but_does_not_write(api_for, leader, survey):
    coordinator = CoordinatorFactory(coordinated_district=leader.school.district)

    body = api_for(coordinator).post_graphql(
        ADD, {"input": {"administrationId": administration_id(survey), "text": "x"}}
    )

    assert top_level_codes(body) == ["FORBIDDEN"]
