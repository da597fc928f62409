"""Planning meetings, their agendas, and recording them afterwards."""

import graphene

from backend.accounts.graphql.types import PersonType
from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import TeacherLeader
from backend.graphql.schedule import ScheduleInput

from ...services.agendas import (
    AgendaItemData,
    agenda_apply_template,
    agenda_copy,
    agenda_set,
    meeting_warnings,
)
from ...services.meetings import (
    AttendanceEntry,
    meeting_cancel,
    meeting_create,
    meeting_record,
    meeting_update,
)
from .. import enums
from ..errors import CohortError
from ..types import AgendaItemType, CohortType, GuidanceMessageType, MeetingType, ProtocolType
from .common import enum_value, optional_node, reload_meeting

WARNINGS_DESCRIPTION = (
    "Advice about the saved meeting, e.g. AGENDA_OVERRUNS_MEETING when its items add up to "
    "more than its length (saved anyway unless the meeting has strict timing). Empty when "
    "there is nothing to fix; null when the change was refused (see `errors`)."
)


def _payload(info, meeting_id: int) -> dict:
    meeting = reload_meeting(info, meeting_id)
    return {"meeting": meeting, "warnings": meeting_warnings(meeting) if meeting else []}


def _people(info, ids, *, field: str) -> list:
    return [
        load_node(info, gid, PersonType, field=f"{field}.{index}") for index, gid in enumerate(ids)
    ]


class MeetingCreateInput(graphene.InputObjectType):
    """A meeting to plan, at the wall clock of the cohort's school."""

    cohort_id = graphene.ID(required=True, description="The cohort.")
    kind = graphene.Field(
        enums.MeetingKind, required=True, description="The group of 5, of 13, or other."
    )
    title = graphene.String(
        description='Defaults to "Group of 5" or "Group of 13"; required for other meetings.'
    )
    when = graphene.Field(
        ScheduleInput,
        required=True,
        description="When, at the cohort's school; 5 to 600 minutes. Past dates are allowed "
        "(to record a meeting held before using the app).",
    )
    location = graphene.String(description="The place, e.g. Library.")
    video_url = graphene.String(description="A video call link, https://...")
    strict_timing = graphene.Boolean(
        default_value=False,
        description="Refuse an agenda longer than the meeting instead of warning.",
    )
    invitee_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="People to invite beyond the group (from the school or the district). "
        "They see the meeting and its agenda but not its notes, unless in its group.",
    )
    template_key = graphene.String(description="Start the agenda from this template.")
    copy_agenda_from_meeting_id = graphene.ID(
        description="Or start the agenda as a copy of this earlier meeting's."
    )


class MeetingCreate(BaseMutation):
    """Plan a meeting of a cohort (leader only). Members get a reminder 24 hours before."""

    meeting = graphene.Field(MeetingType, description="The new meeting.")
    warnings = graphene.List(
        graphene.NonNull(GuidanceMessageType), description=WARNINGS_DESCRIPTION
    )

    class Arguments:
        input = MeetingCreateInput(required=True, description="The meeting.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        meeting = meeting_create(
            actor=info.context.user,
            cohort=load_node(info, input.cohort_id, CohortType, field="cohortId"),
            kind=enum_value(input.kind),
            title=input.title,
            local_date=input.when.date,
            local_time=input.when.start_time.replace(tzinfo=None),
            duration_minutes=input.when.minutes,
            location=input.location,
            video_url=input.video_url,
            strict_timing=bool(input.strict_timing),
            invitees=_people(info, input.invitee_ids or [], field="inviteeIds"),
            template_key=input.template_key,
            copy_from=optional_node(
                info,
                input.copy_agenda_from_meeting_id,
                MeetingType,
                field="copyAgendaFromMeetingId",
            ),
        )
        return _payload(info, meeting.pk)


class MeetingUpdateInput(graphene.InputObjectType):
    """What to change; fields left out stay as they are."""

    meeting_id = graphene.ID(required=True, description="The meeting.")
    kind = graphene.Field(enums.MeetingKind, description="Another group.")
    title = graphene.String(description="A new title.")
    when = graphene.Field(
        ScheduleInput,
        description="A new time, whole (date, start time and length), at the cohort's school.",
    )
    location = graphene.String(description="A new place; empty to clear.")
    video_url = graphene.String(description="A new video link; empty to clear.")
    strict_timing = graphene.Boolean(description="Refuse overrunning agendas, or warn.")
    invitee_ids = graphene.List(
        graphene.NonNull(graphene.ID), description="The invitees from now on (replaces the list)."
    )


class MeetingUpdate(BaseMutation):
    """Change or reschedule a meeting (leader only); reminders move with it."""

    meeting = graphene.Field(MeetingType, description="The meeting as it is now.")
    warnings = graphene.List(
        graphene.NonNull(GuidanceMessageType), description=WARNINGS_DESCRIPTION
    )

    class Arguments:
        input = MeetingUpdateInput(required=True, description="What to change.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        meeting = meeting_update(
            actor=info.context.user,
            meeting=load_node(info, input.meeting_id, MeetingType, field="meetingId"),
            kind=enum_value(input.kind) if input.kind is not None else None,
            title=input.title,
            local_date=input.when.date if input.when else None,
            local_time=input.when.start_time.replace(tzinfo=None) if input.when else None,
            duration_minutes=input.when.minutes if input.when else None,
            location=input.location,
            video_url=input.video_url,
            strict_timing=input.strict_timing,
            invitees=None
            if input.invitee_ids is None
            else _people(info, input.invitee_ids, field="inviteeIds"),
        )
        return _payload(info, meeting.pk)


class MeetingCancelInput(graphene.InputObjectType):
    """Which meeting to call off."""

    meeting_id = graphene.ID(required=True, description="The meeting.")


class MeetingCancel(BaseMutation):
    """Call a meeting off (leader only): it stays listed as cancelled; reminders are withdrawn."""

    meeting = graphene.Field(MeetingType, description="The cancelled meeting.")

    class Arguments:
        input = MeetingCancelInput(required=True, description="Which meeting.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        meeting = meeting_cancel(
            actor=info.context.user,
            meeting=load_node(info, input.meeting_id, MeetingType, field="meetingId"),
        )
        return {"meeting": reload_meeting(info, meeting.pk)}


class AgendaItemInput(graphene.InputObjectType):
    """One agenda item, whole: what it is, how long, who leads it, with which protocol."""

    id = graphene.ID(description="An existing item of this agenda; leave out for a new one.")
    title = graphene.String(required=True, description="What happens.")
    minutes = graphene.Int(description="How long; defaults to the protocol's total.")
    facilitator_id = graphene.ID(
        description="Who leads it: someone in the meeting's group or invited."
    )
    protocol_id = graphene.ID(description="A protocol from the library or your school.")
    materials = graphene.String(description="What to bring or prepare.")
    notes = graphene.String(description="Notes on the item; left out keeps the current notes.")


class MeetingAgendaSetInput(graphene.InputObjectType):
    """The whole agenda, in order."""

    meeting_id = graphene.ID(required=True, description="The meeting.")
    items = graphene.List(
        graphene.NonNull(AgendaItemInput),
        required=True,
        description="Every item in order. Items with an id are updated, without are added, "
        "left out are removed.",
    )


class MeetingAgendaSet(BaseMutation):
    """Save a meeting's agenda (leader only). An agenda longer than the meeting is saved with
    an AGENDA_OVERRUNS_MEETING warning, or refused with that error code under strict timing."""

    meeting = graphene.Field(MeetingType, description="The meeting with its agenda.")
    warnings = graphene.List(
        graphene.NonNull(GuidanceMessageType), description=WARNINGS_DESCRIPTION
    )

    class Arguments:
        input = MeetingAgendaSetInput(required=True, description="The agenda.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        meeting = load_node(info, input.meeting_id, MeetingType, field="meetingId")
        items = []
        for index, item in enumerate(input.items):
            prefix = f"items.{index}."
            existing = optional_node(info, item.id, AgendaItemType, field=f"{prefix}id")
            items.append(
                AgendaItemData(
                    id=existing.pk if existing else None,
                    title=item.title,
                    minutes=item.minutes,
                    facilitator=optional_node(
                        info, item.facilitator_id, PersonType, field=f"{prefix}facilitatorId"
                    ),
                    protocol=optional_node(
                        info, item.protocol_id, ProtocolType, field=f"{prefix}protocolId"
                    ),
                    materials=item.materials or "",
                    notes=item.notes,
                )
            )
        agenda_set(actor=info.context.user, meeting=meeting, items=items)
        return _payload(info, meeting.pk)


class MeetingAgendaApplyTemplateInput(graphene.InputObjectType):
    """Which template to start the agenda from."""

    meeting_id = graphene.ID(required=True, description="The meeting.")
    template_key = graphene.String(required=True, description="An `agendaTemplates` key.")


class MeetingAgendaApplyTemplate(BaseMutation):
    """Replace a meeting's agenda with a template's items (leader only)."""

    meeting = graphene.Field(MeetingType, description="The meeting with its agenda.")
    warnings = graphene.List(
        graphene.NonNull(GuidanceMessageType), description=WARNINGS_DESCRIPTION
    )

    class Arguments:
        input = MeetingAgendaApplyTemplateInput(required=True, description="Meeting and template.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        meeting = agenda_apply_template(
            actor=info.context.user,
            meeting=load_node(info, input.meeting_id, MeetingType, field="meetingId"),
            template_key=input.template_key,
        )
        return _payload(info, meeting.pk)


class MeetingAgendaCopyInput(graphene.InputObjectType):
    """Which earlier meeting's agenda to copy."""

    meeting_id = graphene.ID(required=True, description="The meeting whose agenda is replaced.")
    from_meeting_id = graphene.ID(required=True, description="The meeting to copy from.")


class MeetingAgendaCopy(BaseMutation):
    """Replace a meeting's agenda with a copy of another meeting's (leader only): titles,
    timings, protocols, materials and facilitators who are part of the new meeting; notes
    stay with the meeting they were taken in."""

    meeting = graphene.Field(MeetingType, description="The meeting with its agenda.")
    warnings = graphene.List(
        graphene.NonNull(GuidanceMessageType), description=WARNINGS_DESCRIPTION
    )

    class Arguments:
        input = MeetingAgendaCopyInput(required=True, description="Both meetings.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        meeting = agenda_copy(
            actor=info.context.user,
            meeting=load_node(info, input.meeting_id, MeetingType, field="meetingId"),
            source=load_node(info, input.from_meeting_id, MeetingType, field="fromMeetingId"),
        )
        return _payload(info, meeting.pk)


class AttendanceInput(graphene.InputObjectType):
    """Whether one person came."""

    person_id = graphene.ID(required=True, description="Someone the meeting was for.")
    status = graphene.Field(enums.AttendanceStatus, required=True, description="Came or not.")


class MeetingRecordInput(graphene.InputObjectType):
    """What happened at the meeting."""

    meeting_id = graphene.ID(required=True, description="The meeting.")
    notes = graphene.String(description="The meeting's notes (replaces them); left out keeps them.")
    attendance = graphene.List(
        graphene.NonNull(AttendanceInput),
        description="Attendance to record or correct; people left out keep what they had.",
    )


class MeetingRecord(BaseMutation):
    """After the meeting (leader only): attendance and notes. Notes are read only by the
    meeting's group; invitees from outside it do not see them."""

    meeting = graphene.Field(MeetingType, description="The meeting as recorded.")

    class Arguments:
        input = MeetingRecordInput(required=True, description="Attendance and notes.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        meeting = load_node(info, input.meeting_id, MeetingType, field="meetingId")
        attendance = [
            AttendanceEntry(
                person=load_node(
                    info, row.person_id, PersonType, field=f"attendance.{index}.personId"
                ),
                status=enum_value(row.status),
            )
            for index, row in enumerate(input.attendance or [])
        ]
        meeting_record(
            actor=info.context.user, meeting=meeting, notes=input.notes, attendance=attendance
        )
        return {"meeting": reload_meeting(info, meeting.pk)}
