"""The one representation of time for everything scheduled at a school (visits, suggested
slots, meetings, agenda items): `Schedule` out, `ScheduleInput` in.

The rule, said once (the descriptions below carry it to the SDL): instants are stored in UTC;
a scheduled thing is shown and entered in the wall clock of the school where it happens (the
host's school for a visit or a slot, the cohort's school for a meeting), named by its IANA zone.
A `Schedule`'s `date`, `startTime` and `minutes` can be sent back unchanged as a
`ScheduleInput`. Entering a time the clocks skip (spring forward) is refused with the app's
NONEXISTENT_LOCAL_TIME-like code; a time the clocks repeat (fall back) means its first
occurrence (`backend.local_time`).
"""

import graphene

from backend.local_time import Span

TIME_RULE = (
    "Instants are UTC (ISO-8601 with Z); the wall clock is the school's where it happens (the "
    "host's school for a visit, the cohort's school for a meeting), in its IANA `timeZone`."
)


class ScheduleType(graphene.ObjectType):
    """When a scheduled thing happens, both ways at once. `startsAt`/`endsAt` are the instants
    (UTC, for sorting, countdowns and the phone's own clock); `date`, `startTime`, `endTime`
    are the wall clock at the school, as printed on its bell schedule, in `timeZone`. `minutes`
    is elapsed time, so across a daylight-saving change `endTime` may differ from `startTime`
    plus `minutes` by an hour. `date`, `startTime` and `minutes` sent back unchanged as a
    `ScheduleInput` mean the same span."""

    class Meta:
        name = "Schedule"

    starts_at = graphene.DateTime(required=True, description="The start instant, in UTC.")
    ends_at = graphene.DateTime(required=True, description="The end instant, in UTC.")
    time_zone = graphene.String(
        required=True,
        description="The school's IANA time zone (e.g. America/Chicago) in which the wall-clock "
        "fields are given.",
    )
    date = graphene.Date(required=True, description="The start date at the school.")
    start_time = graphene.Time(required=True, description="The start time at the school.")
    end_date = graphene.Date(
        required=True,
        description="The end date at the school (the start date unless it runs past midnight).",
    )
    end_time = graphene.Time(required=True, description="The end time at the school.")
    minutes = graphene.Int(required=True, description="How long it lasts, in minutes.")

    @staticmethod
    def resolve_starts_at(root: Span, info):
        return root.starts_at

    @staticmethod
    def resolve_ends_at(root: Span, info):
        return root.ends_at

    @staticmethod
    def resolve_time_zone(root: Span, info):
        return root.zone.key

    @staticmethod
    def resolve_date(root: Span, info):
        return root.local_start.date()

    @staticmethod
    def resolve_start_time(root: Span, info):
        return root.local_start.time()

    @staticmethod
    def resolve_end_date(root: Span, info):
        return root.local_end.date()

    @staticmethod
    def resolve_end_time(root: Span, info):
        return root.local_end.time()

    @staticmethod
    def resolve_minutes(root: Span, info):
        return root.minutes


def schedule_field(what: str) -> graphene.Field:
    """The `when` field of a scheduled object type."""
    return graphene.Field(
        ScheduleType, required=True, description=f"When {what} happens. {TIME_RULE}"
    )


class ScheduleInput(graphene.InputObjectType):
    """When something is to happen, as the teacher reads it on the bell schedule: a date and a
    start time on the wall clock of the school where it happens (the host's school for a visit,
    the cohort's school for a meeting; no offset), and a length. A time the clocks skip at a
    daylight-saving change is refused (NONEXISTENT_LOCAL_TIME for visits, INVALID_TIME for
    meetings, on `when.startTime`); a time they repeat means its first occurrence. A
    `Schedule`'s `date`, `startTime` and `minutes` (e.g. of a suggested slot) can be sent as
    they are."""

    date = graphene.Date(required=True, description="The date at the school.")
    start_time = graphene.Time(
        required=True, description="The start time at the school, without offset, e.g. 09:15."
    )
    minutes = graphene.Int(
        required=True, description="How long: a visit 10 to 240 minutes, a meeting 5 to 600."
    )
