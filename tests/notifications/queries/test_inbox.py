"""myNotifications, unreadNotificationCount, notificationMarkRead, notificationMarkAllRead."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from notifications.models import Kind, Status
from tests.conftest import error_codes, top_level_codes
from tests.factories import TeacherFactory

from ..factories import DeliveredNotificationFactory, NotificationFactory

pytestmark = pytest.mark.django_db

INBOX = """
query Inbox($unread: Boolean, $first: Int!) {
  unreadNotificationCount
  myNotifications(unread: $unread, first: $first) {
    totalCount
    edges { node { id kind title body isRead readAt deliveredAt target { type id } } }
  }
}
"""
MARK = """
mutation Mark($input: NotificationMarkReadInput!) {
  notificationMarkRead(input: $input) {
    notification { id isRead readAt } unreadCount errors { field code }
  }
}
"""
MARK_ALL = "mutation { notificationMarkAllRead { markedCount unreadCount errors { code } } }"


def inbox(api, first=20, **variables):
    return api.data(INBOX, {"first": first, **variables})


def gid(notification):
    return to_global_id("Notification", notification.pk)


def titles(data):
    return [edge["node"]["title"] for edge in data["myNotifications"]["edges"]]


def delivered(recipient, title, hours_ago, **fields):
    return DeliveredNotificationFactory(
        recipient=recipient,
        title=title,
        due_at=fields.pop("due_at", None) or _now() - timedelta(hours=hours_ago),
        **fields,
    )


def _now():
    from django.utils import timezone

    return timezone.now()


def test_the_inbox_holds_what_reached_you_newest_first(api_for, teacher, school_day):
    delivered(teacher, "older", 5)
    delivered(teacher, "newer", 1, kind=Kind.SURVEY_OPENED, target_type="", target_id="")
    delivered(teacher, "inbox only", 3, status=Status.SKIPPED)
    NotificationFactory(recipient=teacher, title="future", due_at=school_day + timedelta(days=1))
    NotificationFactory(recipient=teacher, title="cancelled", status=Status.CANCELLED)
    delivered(TeacherFactory(), "someone else's", 2)

    data = inbox(api_for(teacher))

    assert titles(data) == ["newer", "inbox only", "older"]
    assert data["myNotifications"]["totalCount"] == 3
    assert data["unreadNotificationCount"] == 3
    newest = data["myNotifications"]["edges"][0]["node"]
    assert newest["kind"] == "SURVEY_OPENED" and newest["target"] is None
    oldest = data["myNotifications"]["edges"][2]["node"]
    assert oldest["target"]["type"] == "Visit"
    assert (oldest["isRead"], oldest["readAt"]) == (False, None)


def test_the_unread_filter(api_for, teacher, school_day):
    delivered(teacher, "read", 2, read_at=school_day)
    delivered(teacher, "unread", 1)
    api = api_for(teacher)

    assert titles(inbox(api, unread=True)) == ["unread"]
    assert titles(inbox(api, unread=False)) == ["read"]


def test_anonymous_callers_have_no_inbox(api):
    body = api.post_graphql("{ unreadNotificationCount }")

    assert top_level_codes(body) == ["UNAUTHENTICATED"]


def test_marking_one_read_is_idempotent_and_returns_the_count(api_for, teacher, school_day):
    first = delivered(teacher, "a", 2)
    delivered(teacher, "b", 1)
    api = api_for(teacher)

    payload = api.data(MARK, {"input": {"notificationId": gid(first)}})["notificationMarkRead"]
    again = api.data(MARK, {"input": {"notificationId": gid(first)}})["notificationMarkRead"]

    assert payload["errors"] == []
    assert payload["notification"]["isRead"] is True
    assert payload["unreadCount"] == 1
    assert again["notification"]["readAt"] == payload["notification"]["readAt"]


def test_someone_elses_notification_is_not_found(api_for, teacher, school_day):
    theirs = delivered(TeacherFactory(), "theirs", 1)
    not_yet = NotificationFactory(recipient=teacher, due_at=school_day + timedelta(hours=1))
    api = api_for(teacher)

    for notification in (theirs, not_yet):
        payload = api.data(MARK, {"input": {"notificationId": gid(notification)}})
        assert error_codes(payload["notificationMarkRead"]) == ["NOT_FOUND"]
    wrong_type = api.data(MARK, {"input": {"notificationId": to_global_id("Session", 1)}})
    assert error_codes(wrong_type["notificationMarkRead"]) == ["INVALID_ID"]
    assert api.data("query($id: ID!) { node(id: $id) { id } }", {"id": gid(theirs)}) == {
        "node": None
    }
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(api_for, teacher, school_day):
    delivered(teacher, "a", 3)
    delivered(teacher, "b", 2, read_at=school_day)
    delivered(teacher, "c", 1)
    other = delivered(TeacherFactory(), "theirs", 1)
    api = api_for(teacher)

    payload = api.data(MARK_ALL)["notificationMarkAllRead"]

    assert (payload["markedCount"], payload["unreadCount"]) == (2, 0)
    assert inbox(api)["unreadNotificationCount"] == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_the_inbox_costs_the_same_queries_for_a_short_and_a_long_page(api_for, teacher):
    api = api_for(teacher)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            inbox(api, first=100)
        return len(queries)

    DeliveredNotificationFactory.create_batch(2, recipient=teacher)
    short = count_queries()
    DeliveredNotificationFactory.create_batch(40, recipient=teacher)

    assert count_queries() == short
