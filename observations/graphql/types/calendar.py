"""The private calendar feed of a person's visits and meetings."""

import graphene
from django.urls import NoReverseMatch, reverse

from backend.graphql.errors import ApiErrorCode, PublicError
from backend.signed_links import url_description

from ...models import CalendarFeed


class CalendarFeedType(graphene.ObjectType):
    """Your private calendar feed (iCalendar) of your classroom visits and cohort meetings,
    for the phone's own calendar app to subscribe to. It names people, times and rooms, never
    what is observed. Anyone with the URL can read it: keep it to yourself, and rotate it
    (`calendarFeedRotate`) if it got out."""

    class Meta:
        name = "CalendarFeed"

    url = graphene.String(
        required=True,
        description=url_description(
            "The feed's URL (text/calendar); a calendar app subscribes to it. It does not "
            "expire; it stops when you rotate it (`calendarFeedRotate`).",
            expires=False,
            rate_limited=True,
        ),
    )
    webcal_url = graphene.String(
        required=True,
        description="The same feed with the webcal: scheme, which opens the subscribe dialog "
        "of iOS and macOS calendars.",
    )
    created_at = graphene.DateTime(required=True, description="When the feed was made.")
    rotated_at = graphene.DateTime(description="When its URL was last replaced; null if never.")

    @staticmethod
    def resolve_url(root: CalendarFeed, info):
        from ...services.calendar_feeds import calendar_feed_secret

        try:
            path = reverse(
                "observations:calendar-feed", kwargs={"secret": calendar_feed_secret(root)}
            )
        except NoReverseMatch as exc:  # the root URLconf does not include observations.urls
            raise PublicError(
                "Calendar feeds are not available on this server.", code=ApiErrorCode.NOT_AVAILABLE
            ) from exc
        request = info.context.request
        return request.build_absolute_uri(path) if request is not None else path

    @staticmethod
    def resolve_webcal_url(root: CalendarFeed, info):
        url = CalendarFeedType.resolve_url(root, info)
        for scheme in ("https://", "http://"):
            if url.startswith(scheme):
                return "webcal://" + url[len(scheme) :]
        return url
