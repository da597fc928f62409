"""The private calendar feed: a secret URL, an iCalendar text that calendars read right on both
sides of a DST change, rotation, and nothing of the observations' content."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from cohorts.models import MeetingInvitee, MeetingKind, Role
from cohorts.selectors import meeting_audience
from observations.calendar_feed import feed_meetings
from observations.models import CalendarFeed, ReflectionSheet, VisitStatus
from observations.services.calendar_feeds import calendar_feed_secret
from tests.cohorts.factories import AgendaItemFactory, MeetingFactory
from tests.conftest import NOT_FOUND_ANSWER, link_refusal
from tests.factories import TeacherFactory
from tests.observations.factories import MembershipFactory
from tests.observations.factories import visit as visit_factory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.observations.urls")]

FEED = "{ myCalendarFeed { url webcalUrl createdAt rotatedAt } }"
ROTATE = """mutation { calendarFeedRotate {
    calendarFeed { url rotatedAt } errors { code } } }"""

# 09:00 in Chicago on a Friday in daylight time (UTC-5) and a Monday in standard time (UTC-6).
BEFORE_DST_ENDS = datetime(2026, 10, 30, 14, 0, tzinfo=UTC)
AFTER_DST_ENDS = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
NEXT_WEEK = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def make_visit(**fields):
    fields.setdefault("starts_at", NEXT_WEEK)
    return visit_factory(**fields)


def feed_url(api) -> str:
    return api.data(FEED)["myCalendarFeed"]["url"]


def fetch(client, url, **headers):
    return client.get(url, headers=headers)


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.content
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_is_an_icalendar_with_the_persons_visits(
    api_for, client, host, visitor, outsider, slq
):
    visit = make_visit(host=host, visitor=visitor, slq=slq, room="Room 12")
    make_visit(host=outsider, visitor=TeacherFactory(school=host.school))  # not theirs

    for person, title in (
        (host, "Classroom visit by Victor Visitor"),
        (visitor, "Classroom visit to Hana Host"),
    ):
        response = fetch(client, feed_url(api_for(person)))
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Cache-Control"] == "private, max-age=900"
        assert response["Referrer-Policy"] == "no-referrer"
        text = response.content.decode()
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
        assert "X-PUBLISHED-TTL:PT1H" in text
        found = events(parsed(response))
        assert list(found) == [f"visit-{visit.pk}@peer-observation"]
        event = found[f"visit-{visit.pk}@peer-observation"]
        assert str(event["SUMMARY"]) == title
        assert str(event["LOCATION"]) == f"Room 12, {host.school.name}"
        assert str(event["STATUS"]) == "CONFIRMED"
        assert event["SEQUENCE"] == visit.revision


def test_times_carry_the_school_zone_with_a_vtimezone_across_dst(api_for, client, host, visitor):
    before = make_visit(host=host, visitor=visitor, starts_at=BEFORE_DST_ENDS)
    after = make_visit(host=host, visitor=visitor, starts_at=AFTER_DST_ENDS)

    response = fetch(client, feed_url(api_for(visitor)))
    calendar = parsed(response)

    zones = {str(zone["TZID"]): zone for zone in calendar.walk("VTIMEZONE")}
    assert list(zones) == ["America/Chicago"]
    kinds = {component.name for component in zones["America/Chicago"].subcomponents}
    assert kinds == {"STANDARD", "DAYLIGHT"}
    text = response.content.decode()
    assert "DTSTART;TZID=America/Chicago:20261030T090000" in text
    assert "DTSTART;TZID=America/Chicago:20261102T090000" in text
    found = events(calendar)
    for visit, utc_hour in ((before, 14), (after, 15)):
        start = found[f"visit-{visit.pk}@peer-observation"].decoded("DTSTART")
        assert (start.hour, start.minute) == (9, 0)  # 09:00 local on both sides
        assert start.astimezone(UTC).hour == utc_hour
        end = found[f"visit-{visit.pk}@peer-observation"].decoded("DTEND")
        assert end - start == timedelta(minutes=45)


def test_a_proposed_visit_is_tentative_and_a_called_off_one_cancelled(
    api_for, client, host, visitor
):
    proposed = make_visit(host=host, visitor=visitor, status=VisitStatus.PROPOSED)
    cancelled = make_visit(
        host=host,
        visitor=visitor,
        status=VisitStatus.CANCELLED,
        starts_at=datetime(2026, 4, 7, 15, tzinfo=UTC),
    )
    cancelled.revision = 3
    cancelled.save()

    found = events(parsed(fetch(client, feed_url(api_for(host)))))

    tentative = found[f"visit-{proposed.pk}@peer-observation"]
    assert (str(tentative["STATUS"]), str(tentative["SUMMARY"])) == (
        "TENTATIVE",
        "Proposed: Classroom visit by Victor Visitor",
    )
    called_off = found[f"visit-{cancelled.pk}@peer-observation"]
    assert str(called_off["STATUS"]) == "CANCELLED"
    assert str(called_off["SUMMARY"]).startswith("Cancelled: ")
    assert called_off["SEQUENCE"] == 3


def test_the_feed_covers_a_window_around_today(api_for, client, host, visitor):
    long_ago = make_visit(
        host=host, visitor=visitor, starts_at=datetime(2025, 9, 1, 15, tzinfo=UTC)
    )
    recent = make_visit(host=host, visitor=visitor, starts_at=datetime(2026, 1, 12, 15, tzinfo=UTC))
    far = make_visit(host=host, visitor=visitor, starts_at=datetime(2027, 9, 1, 15, tzinfo=UTC))

    found = events(parsed(fetch(client, feed_url(api_for(host)))))

    assert f"visit-{recent.pk}@peer-observation" in found
    assert f"visit-{long_ago.pk}@peer-observation" not in found
    assert f"visit-{far.pk}@peer-observation" not in found


def test_no_observation_content_leaks(api_for, client, host, visitor, cohort, slq, tool):
    visit = make_visit(
        host=host,
        visitor=visitor,
        slq=slq,
        tool=tool,
        cohort=cohort,
        notes="Secret note about Table 3",
    )
    visit.status_reason = "Secret reason"
    visit.save()
    ReflectionSheet.objects.create(
        visit=visit,
        host=host,
        facilitator=visitor,
        cycle_number=1,
        slq=slq,
        slq_area_of_focus="Secret area",
        slq_question=slq.question,
        considerations="Secret considerations",
        next_steps="Secret next steps",
        keeps_slq=True,
    )
    meeting = MeetingFactory(cohort=cohort, notes="Secret meeting notes")
    AgendaItemFactory(meeting=meeting, title="Secret agenda item", notes="Secret item notes")

    body = fetch(client, feed_url(api_for(host))).content.decode()

    assert f"visit-{visit.pk}@" in body and f"meeting-{meeting.pk}@" in body
    for secret in (
        slq.question,
        slq.area_of_focus,
        "Secret",
        tool.name,
        host.email,
        visitor.email,
    ):
        assert secret not in body, secret


# --- meetings -------------------------------------------------------------------------------


def test_meetings_follow_their_audience(api_for, client, leader, host, visitor, cohort, outsider):
    blue_group = MeetingFactory(cohort=cohort, kind=MeetingKind.BLUE_GROUP, title="Blue dots")
    everyone = MeetingFactory(cohort=cohort, kind=MeetingKind.WHOLE_GROUP, title="All 13")
    other = MeetingFactory(cohort=cohort, kind=MeetingKind.OTHER, title="Planning")
    MeetingInvitee.objects.create(meeting=other, person=outsider)  # a coach, say

    wanted = {
        leader: {blue_group, everyone, other},
        visitor: {blue_group, everyone},  # a blue dot
        host: {everyone},  # a yellow dot
        outsider: {other},
    }
    for person, meetings in wanted.items():
        found = events(parsed(fetch(client, feed_url(api_for(person)))))
        assert set(found) == {f"meeting-{m.pk}@peer-observation" for m in meetings}, person
        # The same people as cohorts' own definition of who a meeting is for.
        for meeting in (blue_group, everyone, other):
            in_audience = person in meeting_audience(meeting)
            assert (f"meeting-{meeting.pk}@peer-observation" in found) == in_audience


def test_a_former_member_no_longer_gets_the_meetings(client, api_for, cohort, visitor):
    meeting = MeetingFactory(cohort=cohort)
    cohort.memberships.filter(person=visitor).update(ended_at=datetime(2026, 3, 2, 15, tzinfo=UTC))

    found = events(parsed(fetch(client, feed_url(api_for(visitor)))))

    assert f"meeting-{meeting.pk}@peer-observation" not in found


def test_a_meeting_event_has_its_zone_room_and_cancellation(
    api_for, client, leader, cohort, school
):
    meeting = MeetingFactory(
        cohort=cohort,
        title="Group of 13",
        starts_at=AFTER_DST_ENDS,
        duration_minutes=90,
        location="Library",
        video_url="https://meet.example.org/abc",
    )
    cancelled = MeetingFactory(cohort=cohort, title="Old plan")
    cancelled.cancelled_at = datetime(2026, 3, 1, tzinfo=UTC)
    cancelled.save()

    found = events(parsed(fetch(client, feed_url(api_for(leader)))))

    event = found[f"meeting-{meeting.pk}@peer-observation"]
    assert event["DTSTART"].params["TZID"] == school.time_zone
    start = event.decoded("DTSTART")
    assert (start.hour, event.decoded("DTEND") - start) == (9, timedelta(minutes=90))
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("Group of 13", "Library")
    assert str(event["URL"]) == "https://meet.example.org/abc"
    gone = found[f"meeting-{cancelled.pk}@peer-observation"]
    assert (str(gone["STATUS"]), str(gone["SUMMARY"])) == ("CANCELLED", "Cancelled: Old plan")


def test_meeting_selection_matches_cohorts_audience_for_many_roles(cohort, leader):
    people = [leader]
    for role in (Role.BLUE, Role.YELLOW, Role.BLUE):
        person = TeacherFactory(school=cohort.school)
        MembershipFactory(cohort=cohort, person=person, role=role)
        people.append(person)
    meetings = [MeetingFactory(cohort=cohort, kind=kind) for kind in MeetingKind]
    MeetingInvitee.objects.create(meeting=meetings[-1], person=people[2])
    window = {"start": datetime(2026, 1, 1, tzinfo=UTC), "end": datetime(2027, 1, 1, tzinfo=UTC)}

    for person in people:
        mine = set(feed_meetings(person, **window))
        assert mine == {m for m in meetings if person in meeting_audience(m)}


# --- the secret URL -------------------------------------------------------------------------


def test_the_url_is_secret_stable_and_not_stored(api_for, host):
    first = api_for(host).data(FEED)["myCalendarFeed"]
    again = api_for(host).data(FEED)["myCalendarFeed"]

    assert first["url"] == again["url"]
    assert first["url"].startswith("http://testserver/observations/calendar/")
    assert first["url"].endswith(".ics")
    assert first["webcalUrl"] == first["url"].replace("http://", "webcal://", 1)
    assert first["rotatedAt"] is None
    feed = CalendarFeed.objects.get(person=host)
    secret = first["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert len(secret) == 43
    stored = [str(getattr(feed, f.attname)) for f in CalendarFeed._meta.concrete_fields]
    assert all(secret not in value for value in stored)


def test_people_get_different_urls(api_for, host, visitor):
    assert feed_url(api_for(host)) != feed_url(api_for(visitor))


def test_rotating_stops_the_old_url(api_for, client, host, visitor):
    make_visit(host=host, visitor=visitor)
    api = api_for(host)
    old = feed_url(api)
    assert fetch(client, old).status_code == 200

    rotated = api.data(ROTATE)["calendarFeedRotate"]

    assert rotated["errors"] == []
    new = rotated["calendarFeed"]["url"]
    assert new != old and rotated["calendarFeed"]["rotatedAt"] is not None
    assert link_refusal(fetch(client, old)) == NOT_FOUND_ANSWER  # revoked, like any unknown
    assert fetch(client, new).status_code == 200
    assert feed_url(api) == new


def test_a_wrong_or_malformed_secret_is_not_found(api_for, client, host):
    url = feed_url(api_for(host))
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    wrong = ("B" if secret[0] == "A" else "A") + secret[1:]

    for path in (
        f"/observations/calendar/{wrong}.ics",
        f"/observations/calendar/{secret[:-1]}.ics",
        f"/observations/calendar/{secret}",
        f"/observations/calendar/{'A' * 43}.ics",
        f"/observations/calendar/{secret}.ics.ics",
        f"/observations/calendar/{secret}%00.ics",
    ):
        assert link_refusal(fetch(client, path)) == NOT_FOUND_ANSWER, path
    assert fetch(client, "/observations/calendar/").status_code == 404  # a folder, no listing


def test_a_deactivated_persons_feed_is_gone(api_for, client, host):
    url = feed_url(api_for(host))
    host.is_active = False
    host.save()

    assert link_refusal(fetch(client, url)) == NOT_FOUND_ANSWER


def test_a_new_secret_key_gives_a_new_working_url(api_for, client, host, settings):
    api = api_for(host)
    old = feed_url(api)

    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    new = feed_url(api)

    assert new != old
    assert fetch(client, new).status_code == 200
    assert link_refusal(fetch(client, old)) == NOT_FOUND_ANSWER


def test_signing_in_is_required(api):
    from tests.conftest import top_level_codes

    assert top_level_codes(api.post_graphql(FEED)) == ["UNAUTHENTICATED"]
    assert top_level_codes(api.post_graphql(ROTATE)) == ["UNAUTHENTICATED"]


def test_an_unchanged_feed_is_not_sent_again(api_for, client, host, visitor, frozen_time):
    make_visit(host=host, visitor=visitor)
    url = feed_url(api_for(host))
    first = fetch(client, url)

    frozen_time.shift(timedelta(minutes=30))
    again = fetch(client, url, **{"If-None-Match": first["ETag"]})

    assert again.status_code == 304 and again.content == b""


def test_a_feed_fetched_too_often_is_throttled(api_for, client, host, monkeypatch):
    from observations import views

    monkeypatch.setattr(views, "FEED_FETCHES_PER_HOUR", 2)
    url = feed_url(api_for(host))

    statuses = [fetch(client, url).status_code for _ in range(2)]
    refused = fetch(client, url)

    assert statuses == [200, 200]
    assert link_refusal(refused) == (429, "RATE_LIMITED")
    assert int(refused["Retry-After"]) >= 1


def test_the_feed_costs_the_same_queries_for_few_and_many_events(
    api_for, client, host, school, cohort
):
    url = feed_url(api_for(host))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert fetch(client, url).status_code == 200
        return len(captured)

    start = datetime(2026, 4, 6, 14, tzinfo=UTC)
    make_visit(host=host, visitor=TeacherFactory(school=school), starts_at=start)
    MeetingFactory(cohort=cohort)
    small = count()
    for n in range(1, 15):
        make_visit(
            host=host, visitor=TeacherFactory(school=school), starts_at=start + timedelta(hours=n)
        )
        MeetingFactory(cohort=cohort)
    large = count()

    assert large == small


def test_the_secret_is_derived_from_the_stored_nonce(host):
    feed = CalendarFeed(person=host, nonce="n1")
    other = CalendarFeed(person=host, nonce="n2")

    assert calendar_feed_secret(feed) == calendar_feed_secret(CalendarFeed(person=host, nonce="n1"))
    assert calendar_feed_secret(feed) != calendar_feed_secret(other)
