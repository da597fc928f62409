from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Cohort
from notifications.models import Notification, Status
from tests.cohorts.conftest import gid
from tests.cohorts.factories import MeetingFactory
from tests.conftest import top_level_codes

pytestmark = pytest.mark.django_db

ARCHIVE = """
mutation Archive($input: CohortArchiveInput!) {
  cohortArchive(input: $input) {
    cohort { archivedAt meetings { status } }
    errors { code }
  }
}
"""

CREATE_MEETING = """
mutation Create($input: MeetingCreateInput!) {
  meetingCreate(input: $input) { meeting { id } errors { code } }
}
"""


def test_archiving_makes_the_cohort_read_only_and_cancels_what_is_coming(api_for, network, leader):
    api = api_for(leader)
    past = MeetingFactory(cohort=network.cohort, starts_at=timezone.now() - timedelta(days=3))
    tomorrow_week = (timezone.now() + timedelta(days=8)).date().isoformat()
    api.data(
        CREATE_MEETING,
        {
            "input": {
                "cohortId": gid(network.cohort),
                "kind": "WHOLE_GROUP",
                "when": {"date": tomorrow_week, "startTime": "15:30:00", "minutes": 60},
            }
        },
    )
    assert Notification.objects.filter(status=Status.PENDING, kind="MEETING_TOMORROW").exists()

    result = api.data(ARCHIVE, {"input": {"cohortId": gid(network.cohort)}})["cohortArchive"]

    assert result["errors"] == []
    assert result["cohort"]["archivedAt"] is not None
    assert [m["status"] for m in result["cohort"]["meetings"]] == ["HELD", "CANCELLED"]
    assert not Notification.objects.filter(status=Status.PENDING, kind="MEETING_TOMORROW").exists()
    past.refresh_from_db()
    assert past.cancelled_at is None
    again = api.post_graphql(
        CREATE_MEETING,
        {
            "input": {
                "cohortId": gid(network.cohort),
                "kind": "WHOLE_GROUP",
                "when": {"date": tomorrow_week, "startTime": "15:30:00", "minutes": 60},
            }
        },
    )
    assert again["data"]["meetingCreate"]["errors"] == [{"code": "ARCHIVED"}]


def test_archived_cohorts_leave_the_default_list(api_for, network, leader):
    Cohort.objects.update(archived_at=timezone.now())
    api = api_for(leader)

    assert api.data("{ cohorts { totalCount } }")["cohorts"]["totalCount"] == 0
    assert (
        api.data("{ cohorts(includeArchived: true) { totalCount } }")["cohorts"]["totalCount"] == 1
    )


def test_a_blue_dot_cannot_archive(api_for, network):
    result = api_for(network.blues[0].person).post_graphql(
        ARCHIVE, {"input": {"cohortId": gid(network.cohort)}}
    )

    assert top_level_codes(result) == ["FORBIDDEN"]
    assert Cohort.objects.get().archived_at is None
