"""The catalogue through the API: seed 002's fifteen in order, grouped by tier and category,
typed requirements, criteria, skills and prerequisites, at a constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credentials.models import Credential, CredentialVersion, Programme, RequirementSlot
from tests.conftest import top_level_codes

pytestmark = pytest.mark.django_db

SEED_002_ORDER = [
    "Focusing on Student Learning",
    "Listening to Student Voice",
    "Looking at Student Work",
    "Understanding Improvement",
    "Using Improvement Methods to Advance Student Learning",
    "Sharing Improvement Strategies to Advance Professional Knowledge",
    "Establishing a Common Aim",
    "Collecting Data",
    "Facilitating Peer Reflection",
    "Soliciting Feedback from Peers",
    "Building Will",
    "Measuring Impact on Student Learning",
    "Considering Impact on Culture",
    "Building Skills in Others",
    "Sharing Learning",
]

CATALOGUE = """
query($programme: String, $tier: CredentialTier) {
  credentials(programmeKey: $programme, tier: $tier, first: 25) {
    totalCount
    edges { node {
      id key title tier category version isCurrent creditValue
      fee { cents currency when }
      programme { key title }
      skills { framework code name }
      prerequisites { credential { key } series { key title } }
      reviewCriteria { group position text scale levels { level descriptor } requirementKeys }
      requirements {
        __typename key part title kind consentFrom laterCapability
        ... on RecordsRequirement { source count rules { name value } }
        ... on TextRequirement { prompts { key text } minWords maxWords limitScope }
        ... on ChoiceRequirement { choose options { key kind title } }
        ... on UploadRequirement { media count }
        ... on ListRequirement { minEntries needsUrl }
        ... on AttestationRequirement { statement }
      }
    } }
  }
}
"""


def _nodes(body):
    return [edge["node"] for edge in body["credentials"]["edges"]]


def test_anyone_signed_in_reads_seed_002_in_the_seeds_order(programme_catalogue, api_for, teacher):
    nodes = _nodes(api_for(teacher).data(CATALOGUE, {"programme": "slrc"}))

    assert [n["title"] for n in nodes] == SEED_002_ORDER
    assert {n["tier"] for n in nodes} == {"MY_CLASSROOM", "PEERS_CLASSROOMS", "MY_SCHOOL"}
    assert all(n["category"] and n["skills"] and n["requirements"] for n in nodes)
    assert all(n["version"] == 1 and n["isCurrent"] for n in nodes)


def test_building_will_asks_for_four_blue_and_eight_yellow_visits(
    programme_catalogue, api_for, teacher
):
    nodes = _nodes(api_for(teacher).data(CATALOGUE, {"tier": "MY_SCHOOL"}))
    will = next(n for n in nodes if n["key"] == "building-will")

    records = [r for r in will["requirements"] if r["__typename"] == "RecordsRequirement"]
    assert [(r["source"], r["count"]) for r in records] == [
        ("VISIT_AS_VISITOR_TO_ROLE", 4),
        ("VISIT_BY_ROLE_TO_ROLE", 8),
    ]
    assert {"name": "hostRole", "value": "BLUE"} in records[0]["rules"]
    assert will["reviewCriteria"]


def test_other_seeds_come_in_their_own_formats(programme_catalogue, api_for, teacher):
    nodes = _nodes(api_for(teacher).data(CATALOGUE))
    by_key = {n["key"]: n for n in nodes}
    leading = by_key["leading-beyond-your-classroom"]
    advocates = [n for n in nodes if n["programme"]["key"] == "co-ascd"]

    assert len(nodes) == 20
    assert leading["creditValue"] == "0.25" and leading["fee"]["currency"] == "USD"
    assert any(r["__typename"] == "ChoiceRequirement" for r in leading["requirements"])
    assert {c["group"] for c in leading["reviewCriteria"]} >= {"evidence", "reflection"}
    assert advocates and all(a["prerequisites"][0]["series"] for a in advocates)


def test_the_catalogue_costs_the_same_queries_for_more_credentials(
    programme_catalogue, api_for, teacher
):
    client = api_for(teacher)
    client.data(CATALOGUE)  # warm-up: session and permission lookups
    with CaptureQueriesContext(connection) as before:
        client.data(CATALOGUE)
    programme = Programme.objects.create(key="extra", title="Extra", position=9)
    for position in range(1, 8):
        credential = Credential.objects.create(
            programme=programme, key=f"extra-{position}", position=position
        )
        version = CredentialVersion.objects.create(
            credential=credential, number=1, title=f"Extra {position}"
        )
        RequirementSlot.objects.create(
            version=version,
            key="say",
            position=1,
            kind="ATTESTATION",
            title="Say",
            spec={"statement": "I did."},
        )
        CredentialVersion.objects.filter(pk=version.pk).update(
            status="PUBLISHED", published_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as after:
        body = client.data(CATALOGUE)

    assert body["credentials"]["totalCount"] == 27
    assert len(after) == len(before)


def test_drafts_are_not_in_the_catalogue_and_read_as_null(programme_catalogue, api_for, teacher):
    credential = Credential.objects.get(key="building-will")
    draft = CredentialVersion.objects.create(credential=credential, number=2, title="Draft")
    from graphql_relay import to_global_id

    client = api_for(teacher)
    body = client.data(
        "query($id: ID!) { credential(id: $id) { title } }",
        {"id": to_global_id("Credential", draft.pk)},
    )

    assert body["credential"] is None
    assert "Draft" not in {n["title"] for n in _nodes(client.data(CATALOGUE))}


def test_signed_out_callers_cannot_read_the_catalogue(programme_catalogue, api):
    body = api.post_graphql("{ credentials(first: 1) { totalCount } }")

    assert top_level_codes(body) == ["UNAUTHENTICATED"]
