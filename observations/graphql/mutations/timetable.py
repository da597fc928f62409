import graphene
from django.core.exceptions import ValidationError

from backend.accounts.graphql.types import SchoolType
from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Teacher, TeacherLeader
from observations.errors import ObservationError as Codes

from ...services.timetable import BellPeriodInput as BellPeriodData
from ...services.timetable import PeriodInput, bell_schedule_set, timetable_set
from ..enums import TimetablePeriodKind, TimetableWeekday
from ..errors import ObservationError
from ..loaders import load_bell_period
from ..types.timetable import BellPeriodType, TimetablePeriodType


class TimetablePeriodInput(graphene.InputObjectType):
    """One weekly period, in your school's local time. Give the times, or a bell period."""

    weekday = graphene.Field(TimetableWeekday, required=True, description="The day.")
    kind = graphene.Field(TimetablePeriodKind, required=True, description="Teaching or free.")
    start_time = graphene.Time(description="Local start (default: the bell period's).")
    end_time = graphene.Time(description="Local end (default: the bell period's).")
    bell_period_id = graphene.ID(description="A period of your school's bell schedule.")
    label = graphene.String(description="e.g. 'Grade 4 maths'.")
    room = graphene.String(description="The room.")


class TimetableSetInput(graphene.InputObjectType):
    """Your whole weekly timetable."""

    periods = graphene.List(
        graphene.NonNull(TimetablePeriodInput),
        required=True,
        description="Every period of the week; replaces what was recorded.",
    )


class TimetableSet(BaseMutation):
    """Record when you teach and when you are free each week. Visits to your class must then
    fall while you teach (HOST_NOT_TEACHING), and visit times are suggested from it."""

    periods = graphene.List(
        graphene.NonNull(TimetablePeriodType), description="Your timetable as stored."
    )

    class Arguments:
        input = TimetableSetInput(required=True, description="The timetable.")

    class Meta:
        permission = Teacher
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        periods = []
        for index, item in enumerate(input.periods):
            bell = (
                load_bell_period(info, item.bell_period_id, field=f"periods.{index}.bellPeriodId")
                if item.bell_period_id
                else None
            )
            periods.append(
                PeriodInput(
                    weekday=item.weekday.value,
                    kind=item.kind.value,
                    start_time=item.start_time,
                    end_time=item.end_time,
                    label=item.label or "",
                    room=item.room or "",
                    bell_period=bell,
                )
            )
        stored = timetable_set(actor=info.context.user, periods=periods)
        return {"periods": sorted(stored, key=lambda p: (p.weekday, p.start_time))}


class BellPeriodInput(graphene.InputObjectType):
    """One named period of the bell schedule."""

    name = graphene.String(required=True, description="e.g. 'Period 3'.")
    start_time = graphene.Time(required=True, description="Local start time.")
    end_time = graphene.Time(required=True, description="Local end time.")


class BellScheduleSetInput(graphene.InputObjectType):
    """A school's periods."""

    school_id = graphene.ID(description="The school; yours by default.")
    periods = graphene.List(
        graphene.NonNull(BellPeriodInput),
        required=True,
        description="Every period of the day; replaces the schedule (kept by name).",
    )


class BellScheduleSet(BaseMutation):
    """Set your school's bell schedule (teacher leaders). Timetable periods that follow a bell
    period take its new times."""

    bell_periods = graphene.List(
        graphene.NonNull(BellPeriodType), description="The schedule, in order."
    )

    class Arguments:
        input = BellScheduleSetInput(required=True, description="The schedule.")

    class Meta:
        permission = TeacherLeader
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        user = info.context.user
        school = (
            load_node(info, input.school_id, SchoolType, field="schoolId")
            if input.school_id
            else user.school
        )
        if school is None:
            raise ValidationError(
                {"schoolId": ValidationError("Choose the school.", code=Codes.REQUIRED)}
            )
        periods = [
            BellPeriodData(name=p.name, start_time=p.start_time, end_time=p.end_time)
            for p in input.periods
        ]
        return {"bell_periods": bell_schedule_set(actor=user, school=school, periods=periods)}
