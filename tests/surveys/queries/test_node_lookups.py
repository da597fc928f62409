"""`node(id:)` for the survey types that are not nodes of their own (constructs, scales and
their points) answers like any id the caller may not see: null, whether or not it exists, for
anonymous and signed-in callers alike. They are reached through their instrument."""

import pytest
from graphql_relay import to_global_id

from surveys.models import Construct, ResponseScale, ScalePoint

pytestmark = pytest.mark.django_db

NODE = "query($id: ID!) { node(id: $id) { __typename } }"


@pytest.mark.parametrize("type_name", ["SurveyConstruct", "SurveyScale", "SurveyScalePoint"])
@pytest.mark.parametrize("caller", ["anonymous", "leader", "staff"])
def test_an_existing_and_a_missing_id_get_the_same_null(
    api, api_for, leader, staff, trust, type_name, caller
):
    model = {
        "SurveyConstruct": Construct,
        "SurveyScale": ResponseScale,
        "SurveyScalePoint": ScalePoint,
    }[type_name]
    existing = model.objects.order_by("pk").first()
    client = {"anonymous": api, "leader": api_for(leader), "staff": api_for(staff)}[caller]

    answers = [
        client.post_graphql(NODE, {"id": to_global_id(type_name, pk)})
        for pk in (existing.pk, 987654)
    ]

    assert answers[0] == answers[1] == {"data": {"node": None}}
