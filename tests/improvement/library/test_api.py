"""The library over GraphQL and its photo links: what colleagues in scope read, what an
attacker (another school's or district's teacher, a coordinator, staff, signed out) gets,
students never named, and the cost of the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from improvement.models import LibraryEntry, LibraryScope
from improvement.services.library import pdsa_publish, pdsa_unpublish
from improvement.services.questions import library_question_ask
from observations.models import Photo
from observations.services.photos import photo_delete
from tests.conftest import NOT_FOUND_ANSWER, link_refusal
from tests.factories import CoordinatorFactory, StaffFactory
from tests.observations.pictures import fetch, phone_jpeg, upload

from .conftest import CHILD, make_cycle

pytestmark = pytest.mark.django_db

PUBLISH = """
mutation($input: PdsaPublishInput!) { pdsaPublish(input: $input) {
  libraryEntry { id live scope changeIdea studyResults actDecision
    photos { caption width url } measures { name runChart { median points { value } } } }
  errors { field code message }
} }"""
UNPUBLISH = """
mutation($input: PdsaUnpublishInput!) { pdsaUnpublish(input: $input) {
  libraryEntry { id live } errors { field code }
} }"""
ASK = """
mutation($input: LibraryQuestionAskInput!) { libraryQuestionAsk(input: $input) {
  libraryQuestion { id text asker { fullName } answer { text } } errors { field code }
} }"""
ANSWER = """
mutation($input: LibraryQuestionAnswerInput!) { libraryQuestionAnswer(input: $input) {
  libraryQuestion { id answer { text } } errors { field code }
} }"""
ENTRY_FIELDS = """
  id live scope publishedAt owner { fullName } areaOfFocus learningQuestion stage cycleNumber
  changeIdea predictions doStartedOn doEndedOn doNotes studyResults actDecision actNext
  measures { name unit better baselineCount
    runChart { median reliable reason points { on value onMedian astronomical }
      signals { kind message pointIndexes } annotations { on text } } }
  photos { caption width height url }
  questions { id text askedAt asker { fullName } answer { text answeredAt } }
"""
READ = (
    "query($id: ID!) { libraryEntry(id: $id) {"
    + ENTRY_FIELDS
    + "} node(id: $id) { ... on LibraryEntry { id changeIdea } } }"
)
# The list as the phone shows it: the story, the chart's verdict, photos and questions.
LIST_FIELDS = """
  id scope publishedAt owner { fullName } changeIdea studyResults actDecision
  measures { name runChart { median reliable signals { kind message } } }
  photos { caption url }
  questions { id text asker { fullName } answer { text } }
"""
LIBRARY = "query($scope: LibraryScope) { improvementLibrary(first: 10, scope: $scope) {"
LIBRARY += " totalCount edges { node {" + LIST_FIELDS + "} } } }"
PDSA_ENTRY = "query($id: ID!) { pdsa(id: $id) { libraryEntry { id live } } }"


def gid(type_name, obj):
    return to_global_id(type_name, obj.pk)


def publish(api, pdsa, scope="SCHOOL", commit=True, photos=()):
    return api.data(
        PUBLISH,
        {
            "input": {
                "pdsaId": gid("Pdsa", pdsa),
                "scope": scope,
                "commitToAnswer": commit,
                "photoIds": [p["id"] for p in photos],
            }
        },
    )["pdsaPublish"]


def test_publish_over_the_api_and_read_it_as_a_colleague(api_for, owner, colleague, done):
    payload = publish(api_for(owner), done)
    assert payload["errors"] == []
    entry = payload["libraryEntry"]
    assert entry["live"] and entry["scope"] == "SCHOOL" and entry["actDecision"] == "ADOPT"
    assert entry["measures"][0]["runChart"]["median"] == 3.5

    data = api_for(colleague).data(READ, {"id": entry["id"]})
    assert data["libraryEntry"]["changeIdea"] == "Sentence starters for claims"
    assert data["libraryEntry"]["owner"]["fullName"] == "Olive Owner"
    assert len(data["libraryEntry"]["measures"][0]["runChart"]["points"]) == 12
    assert data["node"]["id"] == entry["id"]
    # The owner's cycle names its live entry.
    mine = api_for(owner).data(PDSA_ENTRY, {"id": gid("Pdsa", done)})
    assert mine["pdsa"]["libraryEntry"] == {"id": entry["id"], "live": True}


def test_refusals_over_the_api(api_for, owner, slq, done):
    api = api_for(owner)
    assert [e["code"] for e in publish(api, done, commit=False)["errors"]] == [
        "COMMITMENT_REQUIRED"
    ]
    plan = make_cycle(owner, slq, stage="DO")
    assert [e["code"] for e in publish(api, plan)["errors"]] == ["RESULTS_REQUIRED"]


def test_unpublish_and_publish_again(api_for, owner, colleague, done):
    api = api_for(owner)
    first = publish(api, done)["libraryEntry"]
    gone = api.data(UNPUBLISH, {"input": {"libraryEntryId": first["id"]}})["pdsaUnpublish"]
    assert gone == {"libraryEntry": {"id": first["id"], "live": False}, "errors": []}
    assert api_for(colleague).data(READ, {"id": first["id"]}) == {
        "libraryEntry": None,
        "node": None,
    }
    assert api.data(PDSA_ENTRY, {"id": gid("Pdsa", done)})["pdsa"]["libraryEntry"] is None
    second = publish(api, done)["libraryEntry"]
    assert second["id"] != first["id"] and second["live"]


# --- attackers ----------------------------------------------------------------------------------


@pytest.fixture
def entry(owner, done):
    return pdsa_publish(actor=owner, pdsa=done, scope=LibraryScope.SCHOOL, commit_to_answer=True)


def test_outside_the_scope_an_entry_is_null_by_id_and_by_node(
    api_for, entry, district_colleague, stranger, district
):
    entry_id = gid("LibraryEntry", entry)
    for person in (
        district_colleague,
        stranger,
        CoordinatorFactory(coordinated_district=district),
        StaffFactory(),
    ):
        assert api_for(person).data(READ, {"id": entry_id}) == {"libraryEntry": None, "node": None}
        library = api_for(person).data(LIBRARY, {})["improvementLibrary"]
        assert library == {"totalCount": 0, "edges": []}


def test_signed_out_reads_nothing(api, entry):
    body = api.post_graphql(READ, {"id": gid("LibraryEntry", entry)})
    assert body["data"] is None or body["data"]["libraryEntry"] is None


def test_asking_outside_the_scope_or_on_an_unpublished_entry_is_not_found(
    api_for, owner, colleague, district_colleague, entry
):
    variables = {"input": {"libraryEntryId": gid("LibraryEntry", entry), "text": "How?"}}
    refused = api_for(district_colleague).data(ASK, variables)["libraryQuestionAsk"]
    assert refused == {
        "libraryQuestion": None,
        "errors": [{"field": "libraryEntryId", "code": "NOT_FOUND"}],
    }
    missing = {"input": {"libraryEntryId": to_global_id("LibraryEntry", 999999), "text": "How?"}}
    assert api_for(district_colleague).data(ASK, missing)["libraryQuestionAsk"] == refused

    pdsa_unpublish(actor=owner, entry=entry)
    assert api_for(colleague).data(ASK, variables)["libraryQuestionAsk"] == refused


def test_a_district_entry_across_the_district_not_another(
    api_for, owner, slq, district_colleague, stranger
):
    cycle = make_cycle(owner, slq, idea="Exit tickets twice a week")
    entry = pdsa_publish(
        actor=owner, pdsa=cycle, scope=LibraryScope.DISTRICT, commit_to_answer=True
    )
    entry_id = gid("LibraryEntry", entry)
    seen = api_for(district_colleague).data(LIBRARY, {"scope": "DISTRICT"})["improvementLibrary"]
    assert [e["node"]["id"] for e in seen["edges"]] == [entry_id]
    assert api_for(stranger).data(READ, {"id": entry_id})["libraryEntry"] is None


def test_questions_and_answers_with_the_askers_name(api_for, owner, colleague, entry):
    asked = api_for(colleague).data(
        ASK, {"input": {"libraryEntryId": gid("LibraryEntry", entry), "text": "How long?"}}
    )["libraryQuestionAsk"]
    assert asked["errors"] == []
    question_id = asked["libraryQuestion"]["id"]
    answered = api_for(owner).data(
        ANSWER, {"input": {"libraryQuestionId": question_id, "text": "Two minutes."}}
    )["libraryQuestionAnswer"]
    assert answered == {
        "libraryQuestion": {"id": question_id, "answer": {"text": "Two minutes."}},
        "errors": [],
    }
    read = api_for(colleague).data(READ, {"id": gid("LibraryEntry", entry)})["libraryEntry"]
    [question] = read["questions"]
    assert question["asker"]["fullName"] == "Cara Colleague"
    assert question["answer"]["text"] == "Two minutes."
    # The colleague may not answer in the owner's place.
    refused = api_for(colleague).data(
        ANSWER, {"input": {"libraryQuestionId": question_id, "text": "Me!"}}
    )["libraryQuestionAnswer"]
    assert refused["errors"] == [{"field": "libraryQuestionId", "code": "NOT_FOUND"}]


# --- students never named -----------------------------------------------------------------------


def test_a_students_name_never_reaches_the_snapshot_or_the_api(
    api_for, owner, colleague, slq, seating_chart
):
    cycle = make_cycle(owner, slq, idea=f"Pair {CHILD} with a reading buddy")
    cycle.study_results = f"{CHILD.upper()} and Ben read more; maya rodriguez most"
    cycle.save()
    api = api_for(owner)
    photo = upload(
        api,
        phone_jpeg(),
        slqId=gid("StudentLearningQuestion", slq),
        caption=f"{CHILD}'s reading log",
    )["photo"]

    payload = publish(api, cycle, photos=[photo])
    assert payload["errors"] == []

    stored = LibraryEntry.objects.get()
    text = str(stored.snapshot).casefold()
    assert "maya" not in text and "rodriguez" not in text
    assert stored.snapshot["pdsa"]["changeIdea"] == "Pair Student A with a reading buddy"
    assert stored.snapshot["photos"][0]["caption"] == "Student A's reading log"
    body = api_for(colleague).post(READ, {"id": payload["libraryEntry"]["id"]}).content
    assert b"Student A" in body
    assert b"maya" not in body.lower() and b"rodriguez" not in body.lower()


# --- photo links --------------------------------------------------------------------------------


@pytest.fixture
def with_photo(api_for, owner, slq, done, client):
    photo = upload(
        api_for(owner), phone_jpeg(), slqId=gid("StudentLearningQuestion", slq), caption="Log"
    )["photo"]
    entry = publish(api_for(owner), done, photos=[photo])["libraryEntry"]
    return photo, entry


def test_a_photo_is_a_frozen_copy_behind_a_link(api_for, owner, colleague, with_photo, client):
    photo, entry = with_photo
    url = api_for(colleague).data(READ, {"id": entry["id"]})["libraryEntry"]["photos"][0]["url"]
    response, body = fetch(client, url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private, max-age=")
    # Deleting the original changes nothing for the entry.
    from graphql_relay import from_global_id

    photo_delete(actor=owner, photo=Photo.objects.get(pk=from_global_id(photo["id"])[1]))
    again, same = fetch(client, url)
    assert again.status_code == 200 and same == body


def test_a_photo_link_of_an_unpublished_entry_is_not_found(
    api_for, owner, colleague, with_photo, client
):
    _photo, entry = with_photo
    url = api_for(colleague).data(READ, {"id": entry["id"]})["libraryEntry"]["photos"][0]["url"]
    api_for(owner).data(UNPUBLISH, {"input": {"libraryEntryId": entry["id"]}})
    response, _ = fetch(client, url)
    assert link_refusal(response) == NOT_FOUND_ANSWER


def test_a_photo_link_for_a_viewer_out_of_scope_is_not_found(
    api_for, colleague, district_colleague, with_photo, client
):
    from improvement import library_links

    _photo, entry = with_photo
    from graphql_relay import from_global_id

    pk = int(from_global_id(entry["id"])[1])
    url = library_links.photo_url(entry_id=pk, index=0, viewer=district_colleague)
    response, _ = fetch(client, url)
    assert link_refusal(response) == NOT_FOUND_ANSWER
    # A colleague moved to another district loses the link too.
    url = api_for(colleague).data(READ, {"id": entry["id"]})["libraryEntry"]["photos"][0]["url"]
    colleague.school = (
        district_colleague.school.__class__.objects.exclude(
            district=colleague.school.district
        ).first()
        or district_colleague.school
    )
    colleague.save()
    response, _ = fetch(client, url)
    assert link_refusal(response) == NOT_FOUND_ANSWER


def test_an_altered_index_opens_nothing(api_for, colleague, with_photo, client):
    from improvement import library_links

    _photo, entry = with_photo
    from graphql_relay import from_global_id

    pk = int(from_global_id(entry["id"])[1])
    url = library_links.photo_url(entry_id=pk, index=1, viewer=colleague)
    response, _ = fetch(client, url)
    assert link_refusal(response) == NOT_FOUND_ANSWER


# --- cost ---------------------------------------------------------------------------------------


def _library_queries(api) -> int:
    with CaptureQueriesContext(connection) as captured:
        api.data(LIBRARY, {})
    return len(captured)


def test_the_library_costs_the_same_for_2_or_6_entries(api_for, owner, colleague, slq):
    for n in range(2):
        entry = pdsa_publish(
            actor=owner,
            pdsa=make_cycle(owner, slq, idea=f"Idea {n}", points=3),
            scope=LibraryScope.SCHOOL,
            commit_to_answer=True,
        )
        library_question_ask(actor=colleague, entry=entry, text="How?")
    api = api_for(colleague)
    two = _library_queries(api)
    for n in range(4):
        entry = pdsa_publish(
            actor=owner,
            pdsa=make_cycle(owner, slq, idea=f"More {n}", points=3),
            scope=LibraryScope.DISTRICT,
            commit_to_answer=True,
        )
        library_question_ask(actor=colleague, entry=entry, text="Why?")
    assert len(api.data(LIBRARY, {})["improvementLibrary"]["edges"]) == 6
    assert _library_queries(api) == two
