"""The surveys' root fields fuzzed from the schema, with real surveys in the database: any
operation a phone could send is answered without a server error, signed in or not."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from backend.accounts.services.tokens import access_token_issue
from backend.schema import schema
from tests.surveys.factories import administration, answer, cohort_with_peers, small_instrument

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
SDL = str(schema)
SURVEY_FIELDS = [
    "surveyScales", "surveyInstruments", "surveyAdministrations", "mySurveys", "surveyReport",
    "surveyComparison", "surveyReceiptCounted", "surveyInstrumentCreate",
    "surveyAdministrationLaunch", "surveyAdministrationUpdate", "surveyAdministrationCancel",
    "surveyResponseSubmit",
    "surveyReportNoteCreate", "surveyReportNoteUpdate", "surveyReportNoteDelete",
]  # fmt: skip
SCALARS = {
    "DateTime": st.one_of(
        st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(lambda d: d.isoformat()),
        st.text(max_size=20),
    ).map(nodes.String),
}
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def tokens(db):
    cohort, peers = cohort_with_peers()
    leader = cohort.created_by
    survey = administration(
        instrument=small_instrument(school=leader.school), people=peers, created_by=leader
    )
    answer(survey, peers[0], {"q1": 3, "q3": "fine"})
    return [access_token_issue(user=user, device_name="fuzz")[1] for user in (leader, peers[1])]


def post(client, query, token=None):
    headers = {"Accept": "application/graphql-response+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = client.post(
        "/graphql/", json.dumps({"query": query}), content_type="application/json", headers=headers
    )
    assert response.status_code in {200, 400}, response.content[:500]
    for error in response.json().get("errors", []):
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", error


@pytest.mark.django_db
@FUZZ
@given(
    query=from_schema(SDL, fields=SURVEY_FIELDS, custom_scalars=SCALARS, mode=Mode.POSITIVE),
    who=st.sampled_from([0, 1, None]),
)
def test_survey_operations_never_fail_the_server(client, tokens, query, who):
    post(client, query, None if who is None else tokens[who])
