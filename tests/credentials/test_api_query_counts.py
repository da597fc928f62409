"""Reading pursuits over the API costs the same queries for one pursuit or several: progress is
computed in one batch per person and request, the pursued versions in one catalogue load."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentials.models import CredentialVersion, Pursuit

pytestmark = pytest.mark.django_db

MY_PURSUITS = """
{ myPursuits(first: 20) { edges { node {
    id state revision readyToSubmit
    credential { id title requirements { key kind } skills { code } }
    requirements { requirementKey state have need reasons missingPeople { name } }
} } } }
"""
# Their requirements read every kind of source these credentials need...
KEYS = [
    "focusing-on-student-learning",
    "collecting-data",
    "establishing-a-common-aim",
    "facilitating-peer-reflection",
    "sharing-learning",
    # PDSA cycles and run charts (#22)
    "sharing-improvement-strategies-to-advance-professional-knowledge",
]
# ...and these add pursuits and credentials of kinds already read (or still to come).
MORE = [
    "understanding-improvement",
    "using-improvement-methods-to-advance-student-learning",
    "listening-to-student-voice",
]


def _pursue(person, keys):
    for key in keys:
        version = CredentialVersion.objects.get(credential__key=key, status="PUBLISHED")
        Pursuit.objects.create(person=person, credential=version.credential, version=version)


def _queries(client) -> int:
    client.data(MY_PURSUITS)  # warm-up: the session and permission lookups are cached after
    with CaptureQueriesContext(connection) as captured:
        body = client.data(MY_PURSUITS)
    assert body["myPursuits"]["edges"]
    return len(captured)


def test_my_pursuits_costs_the_same_for_six_pursuits_or_nine(programme_catalogue, api_for, teacher):
    # SQL grows with the kinds of record a person's requirements read (at most one query
    # each), never with how many pursuits, credentials or records there are.
    client = api_for(teacher)
    _pursue(teacher, KEYS)
    six = _queries(client)
    _pursue(teacher, MORE)
    nine = _queries(client)

    assert nine == six
