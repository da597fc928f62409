"""Survey mutations: build instruments, launch and edit administrations, answer, take notes."""

import graphene
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from backend.accounts.graphql.types import PersonType
from backend.graphql.ids import load_node, pk_from_global_id
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Permission, SignedIn, TeacherLeader
from cohorts.graphql.types.meetings import MeetingType
from cohorts.models import Cohort
from cohorts.selectors import cohorts_visible_to
from surveys.errors import SurveyError as Codes

from ..models import Administration, AudienceKind
from ..services.administrations import (
    AudienceChoice,
    administration_cancel,
    administration_launch,
    administration_update,
)
from ..services.instruments import ConstructDraft, ItemDraft, instrument_create
from ..services.notes import report_note_add, report_note_delete, report_note_update
from ..services.responses import AnswerDraft, response_submit
from .enums import SurveyAdministrationKind, SurveyAudience, SurveyInstrumentKind
from .errors import SurveyError
from .types import (
    SurveyAdministrationType,
    SurveyInstrumentType,
    SurveyItemType,
    SurveyReceiptType,
    SurveyReportNoteType,
)

# Who may call `surveyAdministrationLaunch`: any teacher (peer feedback to the peers they
# visited is every cohort member's) and staff. The service refuses by kind of survey: every
# other kind stays with teacher leaders, as the payload's NOT_ALLOWED.
TeacherOrStaff = Permission(
    "TEACHER_OR_STAFF",
    requires_sign_in=True,
    check=lambda user: user.school_id is not None or user.is_staff,
)


def _cohort(info, global_id: str) -> Cohort:
    pk = pk_from_global_id(global_id, "Cohort", field="cohortId")
    cohort = (
        cohorts_visible_to(info.context.user, Cohort.objects.select_related("school"))
        .filter(pk=pk)
        .first()
        if pk.isdigit()
        else None
    )
    if cohort is None:
        raise ValidationError(
            {"cohortId": ValidationError("No Cohort with this id.", code=Codes.NOT_FOUND)}
        )
    return cohort


def _people(info, global_ids: list[str]) -> list:
    pks = []
    for index, global_id in enumerate(global_ids):
        pk = pk_from_global_id(global_id, "Person", field=f"person_ids.{index}")
        if not pk.isdigit():
            raise ValidationError(
                {f"person_ids.{index}": ValidationError("Not a person id.", code=Codes.INVALID_ID)}
            )
        pks.append(int(pk))
    people = list(PersonType.get_queryset(get_user_model().objects.filter(pk__in=set(pks)), info))
    found = {person.pk for person in people}
    for index, pk in enumerate(pks):
        if pk not in found:
            # The failure model: NOT_FOUND on the id's own field (`personIds.1`), as for any id.
            raise ValidationError(
                {
                    f"person_ids.{index}": ValidationError(
                        "No Person with this id.", code=Codes.NOT_FOUND
                    )
                }
            )
    return people


def _reloaded(info, administration: Administration):
    """The administration through the type's queryset, so counts and viewer flags are set."""
    if administration is None:
        return None
    return SurveyAdministrationType.get_queryset(
        Administration.objects.filter(pk=administration.pk), info
    ).first()


# --- instruments ----------------------------------------------------------------------------------


class SurveyScaledItemInput(graphene.InputObjectType):
    """A statement answered on a response scale."""

    prompt = graphene.String(required=True, description="The statement or question.")
    scale_key = graphene.String(
        required=True, description="Key of a response scale (see `surveyScales`)."
    )
    reverse_scored = graphene.Boolean(
        default_value=False,
        description="Agreeing means less of the construct (reversed in construct scores).",
    )


class SurveyConstructInput(graphene.InputObjectType):
    """A group of items measuring one idea; its items share one scale."""

    title = graphene.String(required=True, description="The construct's name.")
    description = graphene.String(description="What it measures.")
    items = graphene.List(
        graphene.NonNull(SurveyScaledItemInput), required=True, description="Its items."
    )


class SurveyInstrumentCreateInput(graphene.InputObjectType):
    """A new instrument for your school."""

    title = graphene.String(required=True, description="The instrument's name.")
    description = graphene.String(description="What it is for, shown to respondents.")
    kind = SurveyInstrumentKind(description="What it is for; CUSTOM if not given.")
    constructs = graphene.List(
        graphene.NonNull(SurveyConstructInput),
        required=True,
        description="Constructs of scaled items, in display order (may be empty).",
    )
    open_text_prompts = graphene.List(
        graphene.NonNull(graphene.String),
        description="Questions answered in words, shown after the constructs.",
    )


class SurveyInstrumentCreate(BaseMutation):
    """Build your own survey instrument, owned by your school. Instruments cannot be edited
    afterwards, so every administration of one asks exactly the same questions."""

    instrument = graphene.Field(SurveyInstrumentType, description="The new instrument.")

    class Arguments:
        input = SurveyInstrumentCreateInput(required=True, description="Its questions.")

    class Meta:
        permission = TeacherLeader
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        instrument = instrument_create(
            actor=info.context.user,
            title=input.title,
            description=input.description or "",
            kind=str(input.kind.value) if input.kind else "CUSTOM",
            constructs=[
                ConstructDraft(
                    title=construct.title,
                    description=construct.description or "",
                    items=[
                        ItemDraft(
                            prompt=item.prompt,
                            scale_key=item.scale_key,
                            reverse_scored=bool(item.reverse_scored),
                        )
                        for item in construct.items
                    ],
                )
                for construct in input.constructs
            ],
            open_text_prompts=list(input.open_text_prompts or []),
        )
        return {"instrument": instrument}


# --- administrations ------------------------------------------------------------------------------


class SurveyAdministrationLaunchInput(graphene.InputObjectType):
    """What to send, to whom, and when."""

    instrument_id = graphene.ID(required=True, description="The instrument to send.")
    kind = SurveyAdministrationKind(
        required=True,
        description="Why it is given. A BASELINE schedules its six-month follow-up; SIX_MONTH "
        "cannot be launched on its own.",
    )
    title = graphene.String(description="What the phone shows; defaults to instrument and kind.")
    audience = SurveyAudience(
        default_value=AudienceKind.COHORT_PEERS.value,
        description="Who is asked (default COHORT_PEERS). Culture, confidence and end-of-year "
        "surveys go to a whole group: COHORT_PEERS or GROUP_OF_FIVE. PEER_FEEDBACK may go to "
        "VISITED_PEERS (with `personIds`), SESSION_FEEDBACK to SESSION_ATTENDEES (with "
        "`meetingId`). You are never asked yourself.",
    )
    cohort_id = graphene.ID(
        description="The cohort you lead whose group is asked (every audience but "
        "VISITED_PEERS needs it). For PEER_FEEDBACK to VISITED_PEERS, optionally a cohort "
        "you are a current member of."
    )
    person_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="Only with VISITED_PEERS: peers whose classes you visited (visits that "
        "happened).",
    )
    meeting_id = graphene.ID(
        description="Only with SESSION_ATTENDEES: a meeting of the cohort that has taken place; "
        "the peers recorded present are asked."
    )
    opens_at = graphene.DateTime(description="When answering opens; now if not given.")
    closes_at = graphene.DateTime(required=True, description="When answering closes.")
    schedule_follow_up = graphene.Boolean(
        default_value=True,
        description="For a BASELINE: also schedule the six-month follow-up (default true).",
    )


class SurveyAdministrationLaunch(BaseMutation):
    """Send an instrument to an audience for a window of time. The audience is a kind
    (`SurveyAudience`), never a list composed person by person, and never includes you: a
    whole group you lead as it stands now, or for peer feedback peers you visited, or for
    session feedback the peers present at a session. It must hold at least the minimum group
    size besides you. Teacher leaders launch every kind; any current member of a cohort may
    launch PEER_FEEDBACK to VISITED_PEERS (other kinds: NOT_ALLOWED), which needs the smaller
    peer-feedback minimum (four unless configured otherwise). Invitees get a notification when
    it opens and a reminder two days before it closes. A BASELINE also schedules its six-month
    follow-up: same instrument and kind of audience, six calendar months later, editable with
    `surveyAdministrationUpdate`; it asks the whole group as it stands when it opens."""

    administration = graphene.Field(SurveyAdministrationType, description="The survey launched.")
    follow_up = graphene.Field(
        SurveyAdministrationType, description="For a baseline: its scheduled six-month follow-up."
    )

    class Arguments:
        input = SurveyAdministrationLaunchInput(
            required=True, description="What, to whom, and when."
        )

    class Meta:
        permission = TeacherOrStaff
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        instrument = load_node(
            info, input.instrument_id, SurveyInstrumentType, field="instrumentId"
        )
        cohort = _cohort(info, input.cohort_id) if input.cohort_id else None
        people = _people(info, input.person_ids) if input.person_ids is not None else None
        meeting = (
            load_node(info, input.meeting_id, MeetingType, field="meetingId")
            if input.meeting_id
            else None
        )
        audience = input.audience
        audience = str(getattr(audience, "value", audience) or AudienceKind.COHORT_PEERS)
        administration = administration_launch(
            actor=info.context.user,
            instrument=instrument,
            kind=str(input.kind.value),
            title=input.title or "",
            cohort=cohort,
            audience=AudienceChoice(kind=audience, people=people, meeting=meeting),
            opens_at=input.opens_at,
            closes_at=input.closes_at,
            schedule_follow_up=bool(input.schedule_follow_up),
        )
        return {
            "administration": _reloaded(info, administration),
            "follow_up": _reloaded(info, administration.follow_ups.first()),
        }


class SurveyAdministrationUpdateInput(graphene.InputObjectType):
    """What to change; leave out what stays."""

    administration_id = graphene.ID(required=True, description="The survey.")
    title = graphene.String(description="A new title.")
    opens_at = graphene.DateTime(description="A new opening time (only before it opens).")
    closes_at = graphene.DateTime(description="A new closing time (only before it closes).")
    person_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="Only for a VISITED_PEERS survey, before it opens: the new list of peers "
        "you visited. A whole group's survey keeps its group.",
    )


class SurveyAdministrationUpdate(BaseMutation):
    """Change a survey's title, window or (before it opens) audience; reminders move along.
    A closed survey cannot change: reopening it would let two reports be subtracted."""

    administration = graphene.Field(SurveyAdministrationType, description="The changed survey.")

    class Arguments:
        input = SurveyAdministrationUpdateInput(required=True, description="What to change.")

    class Meta:
        permission = TeacherLeader
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        administration = load_node(
            info, input.administration_id, SurveyAdministrationType, field="administrationId"
        )
        people = _people(info, input.person_ids) if input.person_ids is not None else None
        administration = administration_update(
            actor=info.context.user,
            administration=administration,
            title=input.title,
            opens_at=input.opens_at,
            closes_at=input.closes_at,
            people=people,
        )
        return {"administration": _reloaded(info, administration)}


class SurveyAdministrationCancelInput(graphene.InputObjectType):
    """Which survey to withdraw."""

    administration_id = graphene.ID(required=True, description="The survey.")


class SurveyAdministrationCancel(BaseMutation):
    """Withdraw a survey nobody has answered yet, with its reminders (and, for a baseline, its
    unanswered follow-up)."""

    administration = graphene.Field(SurveyAdministrationType, description="The withdrawn survey.")

    class Arguments:
        input = SurveyAdministrationCancelInput(required=True, description="Which survey.")

    class Meta:
        permission = TeacherLeader
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        administration = load_node(
            info, input.administration_id, SurveyAdministrationType, field="administrationId"
        )
        administration = administration_cancel(
            actor=info.context.user, administration=administration
        )
        return {"administration": _reloaded(info, administration)}


# --- answering ------------------------------------------------------------------------------------


class SurveyAnswerInput(graphene.InputObjectType):
    """One answer: `value` for a scaled item, `text` for an open-text one. Leave a question out
    to skip it."""

    item_id = graphene.ID(required=True, description="The question (a SurveyItem id).")
    value = graphene.Int(description="The chosen scale point's value.")
    text = graphene.String(description="The answer in words (up to 4,000 characters).")


class SurveyResponseSubmitInput(graphene.InputObjectType):
    """Your answers to a survey, sent once when you are done (drafts stay on the phone)."""

    administration_id = graphene.ID(required=True, description="The survey.")
    answers = graphene.List(
        graphene.NonNull(SurveyAnswerInput), required=True, description="Your answers."
    )


class SurveyResponseSubmit(BaseMutation):
    """Answer a survey you were invited to, once, while it is open. Your answers are kept
    sealed until the survey closes, then stored among the others in a random order, apart from
    the fact that you answered, with nothing that links the two. You get a receipt code to
    check later that your response was counted."""

    receipt = graphene.Field(SurveyReceiptType, description="Your receipt; shown only once.")

    class Arguments:
        input = SurveyResponseSubmitInput(required=True, description="The survey and answers.")

    class Meta:
        permission = SignedIn
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        administration = load_node(
            info, input.administration_id, SurveyAdministrationType, field="administrationId"
        )
        drafts = []
        for index, answer in enumerate(input.answers):
            pk = pk_from_global_id(
                answer.item_id, SurveyItemType._meta.name, field=f"answers.{index}.item_id"
            )
            if not pk.isdigit():
                raise ValidationError(
                    {
                        f"answers.{index}.item_id": ValidationError(
                            "Not a question id.", code=Codes.INVALID_ID
                        )
                    }
                )
            drafts.append(AnswerDraft(item_id=int(pk), value=answer.value, text=answer.text))
        code = response_submit(
            respondent=info.context.user, administration=administration, answers=drafts
        )
        return {
            "receipt": SurveyReceiptType(code=code, administration=_reloaded(info, administration))
        }


# --- notes ----------------------------------------------------------------------------------------


class SurveyReportNoteCreateInput(graphene.InputObjectType):
    """A note on a survey's report."""

    administration_id = graphene.ID(
        required=True, description="The survey (for a comparison: the follow-up)."
    )
    text = graphene.String(required=True, description="Trends and themes the team sees.")


class SurveyReportNoteCreate(BaseMutation):
    """Record the trends and themes the team sees in a report (the micro-credential for
    Considering Impact on Culture asks for them)."""

    note = graphene.Field(SurveyReportNoteType, description="The new note.")

    class Arguments:
        input = SurveyReportNoteCreateInput(required=True, description="The survey and the note.")

    class Meta:
        permission = TeacherLeader
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        administration = load_node(
            info, input.administration_id, SurveyAdministrationType, field="administrationId"
        )
        note = report_note_add(
            actor=info.context.user, administration=administration, text=input.text
        )
        return {"note": note}


class SurveyReportNoteUpdateInput(graphene.InputObjectType):
    """A new text for one of your notes."""

    note_id = graphene.ID(required=True, description="The note.")
    text = graphene.String(required=True, description="The new text.")


class SurveyReportNoteUpdate(BaseMutation):
    """Rewrite one of your notes on a report."""

    note = graphene.Field(SurveyReportNoteType, description="The changed note.")

    class Arguments:
        input = SurveyReportNoteUpdateInput(required=True, description="Note and text.")

    class Meta:
        permission = TeacherLeader
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        note = load_node(info, input.note_id, SurveyReportNoteType, field="noteId")
        return {"note": report_note_update(actor=info.context.user, note=note, text=input.text)}


class SurveyReportNoteDeleteInput(graphene.InputObjectType):
    """Which note to delete."""

    note_id = graphene.ID(required=True, description="The note.")


class SurveyReportNoteDelete(BaseMutation):
    """Delete a note (yours, or any on a survey you run)."""

    deleted_note_id = graphene.ID(description="Global id of the deleted note.")

    class Arguments:
        input = SurveyReportNoteDeleteInput(required=True, description="Which note.")

    class Meta:
        permission = TeacherLeader
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        note = load_node(info, input.note_id, SurveyReportNoteType, field="noteId")
        report_note_delete(actor=info.context.user, note=note)
        return {"deleted_note_id": input.note_id}


class SurveyMutationFields(graphene.ObjectType):
    survey_instrument_create = SurveyInstrumentCreate.Field(
        description=SurveyInstrumentCreate.__doc__
    )
    survey_administration_launch = SurveyAdministrationLaunch.Field(
        description=SurveyAdministrationLaunch.__doc__
    )
    survey_administration_update = SurveyAdministrationUpdate.Field(
        description=SurveyAdministrationUpdate.__doc__
    )
    survey_administration_cancel = SurveyAdministrationCancel.Field(
        description=SurveyAdministrationCancel.__doc__
    )
    survey_response_submit = SurveyResponseSubmit.Field(description=SurveyResponseSubmit.__doc__)
    survey_report_note_create = SurveyReportNoteCreate.Field(
        description=SurveyReportNoteCreate.__doc__
    )
    survey_report_note_update = SurveyReportNoteUpdate.Field(
        description=SurveyReportNoteUpdate.__doc__
    )
    survey_report_note_delete = SurveyReportNoteDelete.Field(
        description=SurveyReportNoteDelete.__doc__
    )
