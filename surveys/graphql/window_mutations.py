"""Closing a survey now and extending an open one (a leader's two taps instead of editing
`closesAt` by hand)."""

import graphene

from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import TeacherLeader

from ..services.windows import MAX_EXTENSION_DAYS, administration_close, administration_extend
from .errors import SurveyError
from .mutations import _reloaded
from .types import SurveyAdministrationType


class SurveyAdministrationCloseInput(graphene.InputObjectType):
    """Which survey to close now."""

    administration_id = graphene.ID(required=True, description="An open survey you run.")


class SurveyAdministrationClose(BaseMutation):
    """Close a survey you run now, as if its closing time had come: answering stops, pending
    reminders are withdrawn and the sealed responses are opened, so `surveyReport` can be read
    at once (with the same minimum group sizes as any closed survey). Refused before it opens
    (NOT_OPEN_YET: cancel it instead), once closed (CLOSED) or cancelled (CANCELLED). A closed
    survey never reopens."""

    administration = graphene.Field(SurveyAdministrationType, description="The closed survey.")

    class Arguments:
        input = SurveyAdministrationCloseInput(required=True, description="Which survey.")

    class Meta:
        permission = TeacherLeader
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        administration = load_node(
            info, input.administration_id, SurveyAdministrationType, field="administrationId"
        )
        closed = administration_close(actor=info.context.user, administration=administration)
        return {"administration": _reloaded(info, closed)}


class SurveyAdministrationExtendInput(graphene.InputObjectType):
    """Which survey, and its new close: `closesAt` or `days`, exactly one."""

    administration_id = graphene.ID(
        required=True, description="A survey you run that has not closed."
    )
    closes_at = graphene.DateTime(
        description="The new closing time, later than the current one and at most "
        f"{MAX_EXTENSION_DAYS} days after it."
    )
    days = graphene.Int(
        description=f"Days to add to the current closing time (1 to {MAX_EXTENSION_DAYS})."
    )


class SurveyAdministrationExtend(BaseMutation):
    """Give people more time to answer a survey you run that has not closed: its close moves
    later and the two-days-before reminder moves with it. A closed survey is refused (CLOSED)
    even before its report was read: reopening it would let a second report be compared with
    the first to single out the late answers."""

    administration = graphene.Field(
        SurveyAdministrationType, description="The survey with its new closing time."
    )

    class Arguments:
        input = SurveyAdministrationExtendInput(
            required=True, description="Which survey and how long."
        )

    class Meta:
        permission = TeacherLeader
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        administration = load_node(
            info, input.administration_id, SurveyAdministrationType, field="administrationId"
        )
        extended = administration_extend(
            actor=info.context.user,
            administration=administration,
            closes_at=input.closes_at,
            days=input.days,
        )
        return {"administration": _reloaded(info, extended)}


class SurveyWindowMutationFields(graphene.ObjectType):
    survey_administration_close = SurveyAdministrationClose.Field(
        description=SurveyAdministrationClose.__doc__
    )
    survey_administration_extend = SurveyAdministrationExtend.Field(
        description=SurveyAdministrationExtend.__doc__
    )
