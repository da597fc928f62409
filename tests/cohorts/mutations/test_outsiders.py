"""Every cohort mutation, tried by a teacher leader of the same school who is not in the
cohort: the cohort's ids lead nowhere for them (NOT_FOUND) and nothing changes."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from cohorts.graphql.mutations import MUTATIONS
from notifications.models import Notification
from tests.cohorts.conftest import gid
from tests.cohorts.factories import AgendaItemFactory, MeetingFactory, ProtocolFactory
from tests.conftest import error_codes, top_level_codes
from tests.factories import CoordinatorFactory, LeaderFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def inputs(network, meeting, item, protocol, newcomer) -> dict[str, dict]:
    blue, yellow = network.blues[0], network.yellows[0]
    return {
        "cohortUpdate": {"cohortId": gid(network.cohort), "name": "Taken"},
        "cohortArchive": {"cohortId": gid(network.cohort)},
        "cohortLeaderSet": {"cohortId": gid(network.cohort), "personId": gid(newcomer)},
        "membershipAdd": {
            "cohortId": gid(network.cohort),
            "personId": gid(newcomer),
            "role": "BLUE",
        },
        "membershipRoleChange": {"membershipId": gid(yellow), "role": "BLUE"},
        "membershipReplace": {"membershipId": gid(blue), "personId": gid(newcomer)},
        "membershipEnd": {"membershipId": gid(yellow)},
        "cohortPeerInvite": {
            "cohortId": gid(network.cohort),
            "email": "x@example.org",
            "role": "BLUE",
        },
        "cohortMembersAdd": {
            "cohortId": gid(network.cohort),
            "people": [
                {"personId": gid(newcomer), "role": "BLUE"},
                {"email": "x@example.org", "role": "BLUE"},
            ],
        },
        "yellowDotAssign": {
            "yellowMembershipId": gid(yellow),
            "blueMembershipId": gid(network.blues[3]),
        },
        "yellowDotUnassign": {"yellowMembershipId": gid(yellow)},
        "meetingCreate": {
            "cohortId": gid(network.cohort),
            "kind": "WHOLE_GROUP",
            "when": {
                "date": (timezone.now() + timedelta(days=9)).date().isoformat(),
                "startTime": "15:00:00",
                "minutes": 60,
            },
        },
        "meetingUpdate": {"meetingId": gid(meeting), "title": "Moved"},
        "meetingCancel": {"meetingId": gid(meeting)},
        "meetingAgendaSet": {"meetingId": gid(meeting), "items": []},
        "meetingAgendaApplyTemplate": {
            "meetingId": gid(meeting),
            "templateKey": "group-of-5-launch",
        },
        "meetingAgendaCopy": {"meetingId": gid(meeting), "fromMeetingId": gid(meeting)},
        "meetingRecord": {"meetingId": gid(meeting), "notes": "Mine"},
        "protocolUpdate": {"protocolId": gid(protocol), "name": "Mine"},
    }


def snapshot() -> dict[str, list]:
    """Every row of the cohorts app (and the outbox), to prove nothing changed."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("cohorts").get_models()
    }
    rows["Notification"] = list(Notification.objects.order_by("pk").values())
    return rows


@pytest.mark.parametrize("mutation", [m.__name__[0].lower() + m.__name__[1:] for m in MUTATIONS])
def test_a_leader_outside_the_cohort_finds_nothing_and_changes_nothing(api_for, network, mutation):
    if mutation in {"cohortCreate", "protocolCreate"}:
        pytest.skip("creates something new: covered in its own tests")
    meeting = MeetingFactory(cohort=network.cohort)
    item = AgendaItemFactory(meeting=meeting)
    protocol = ProtocolFactory(school=LeaderFactory().school)  # another school's
    outsider = LeaderFactory(school=network.school)
    newcomer = TeacherFactory(school=network.school)
    newcomer.is_teacher_leader = True
    newcomer.save()
    variables = {"input": inputs(network, meeting, item, protocol, newcomer)[mutation]}
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    query = (
        f"mutation M($input: {input_type}!) {{ {mutation}(input: $input) "
        "{ errors { field code } } }"
    )
    before = snapshot()

    result = api_for(outsider).post_graphql(query, variables)

    assert "errors" not in result, result
    assert error_codes(result["data"][mutation]) == ["NOT_FOUND"]
    assert snapshot() == before


@pytest.mark.parametrize("mutation", [m.__name__[0].lower() + m.__name__[1:] for m in MUTATIONS])
def test_a_coordinator_reads_but_changes_nothing(api_for, network, mutation):
    if mutation in {"cohortCreate", "protocolCreate", "cohortLeaderSet"}:
        pytest.skip("coordinators may do this: covered in its own tests")
    meeting = MeetingFactory(cohort=network.cohort)
    item = AgendaItemFactory(meeting=meeting)
    protocol = ProtocolFactory(school=network.school)
    coordinator = CoordinatorFactory(coordinated_district=network.school.district)
    newcomer = TeacherFactory(school=network.school)
    variables = {"input": inputs(network, meeting, item, protocol, newcomer)[mutation]}
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    query = (
        f"mutation M($input: {input_type}!) {{ {mutation}(input: $input) "
        "{ errors { field code } } }"
    )
    before = snapshot()

    result = api_for(coordinator).post_graphql(query, variables)

    if mutation == "membershipEnd":
        # Any member may end their own membership, so the role passes; the coordinator sees
        # the membership but may not end it.
        assert error_codes(result["data"][mutation]) == ["NOT_ALLOWED"]
    else:
        assert top_level_codes(result) == ["FORBIDDEN"]
    assert snapshot() == before
