"""Bell schedules and timetables, in the school's local time."""

import graphene
from graphene_django import DjangoObjectType

from ...models import BellPeriod, TimetablePeriod
from ..enums import TimetablePeriodKind, TimetableWeekday
from .visibility import viewer_of


class BellPeriodType(DjangoObjectType):
    """A named period of a school's bell schedule, in the school's local time."""

    name = graphene.String(required=True, description="e.g. 'Period 3'.")
    start_time = graphene.Time(required=True, description="Local start time.")
    end_time = graphene.Time(required=True, description="Local end time.")

    class Meta:
        model = BellPeriod
        name = "BellPeriod"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @classmethod
    def get_queryset(cls, queryset, info):
        from backend.accounts.selectors import schools_visible_to

        return queryset.filter(school__in=schools_visible_to(viewer_of(info)))


class TimetablePeriodType(graphene.ObjectType):
    """A weekly period of your timetable, in your school's local time."""

    class Meta:
        name = "TimetablePeriod"

    weekday = graphene.Field(TimetableWeekday, required=True, description="The day.")
    start_time = graphene.Time(required=True, description="Local start time.")
    end_time = graphene.Time(required=True, description="Local end time.")
    kind = graphene.Field(
        TimetablePeriodKind, required=True, description="Teaching a class, or free."
    )
    label = graphene.String(required=True, description="e.g. 'Grade 4 maths'; may be empty.")
    room = graphene.String(required=True, description="The room; may be empty.")
    bell_period = graphene.Field(BellPeriodType, description="The bell period it follows.")

    @staticmethod
    def resolve_weekday(root: TimetablePeriod, info):
        return int(root.weekday)

    @staticmethod
    def resolve_kind(root: TimetablePeriod, info):
        return str(root.kind)

    @staticmethod
    def resolve_bell_period(root: TimetablePeriod, info):
        return root.bell_period
