"""A teacher surveys one of their classes: students answer with single-use codes, without
accounts, on the pages at /s/ (issue 23)."""

import graphene
from django.urls import reverse

from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Teacher

from .. import access_codes
from ..models import MAX_CLASS_SIZE
from ..services.class_surveys import SPARE_CODES, class_survey_launch
from .errors import SurveyError
from .mutations import _reloaded
from .types import SurveyAdministrationType, SurveyInstrumentType


class ClassSurveyLaunchInput(graphene.InputObjectType):
    """Which class, which instrument, and when."""

    instrument_id = graphene.ID(
        required=True, description="A student voice instrument (kind STUDENT_VOICE) you may use."
    )
    label = graphene.String(
        required=True,
        description="The class as you name it, for example Period 3 Biology (at most 200 "
        "characters). Students see it on the survey page.",
    )
    class_size = graphene.Int(
        required=True,
        description=f"How many students the class has (1 to {MAX_CLASS_SIZE}): one code is "
        f"made for each, and {SPARE_CODES} spares.",
    )
    opens_at = graphene.DateTime(description="When answering opens; now if not given.")
    closes_at = graphene.DateTime(required=True, description="When answering closes.")


class ClassSurveyLaunch(BaseMutation):
    """Survey one of your classes with a student voice instrument. Students answer in any
    browser at `answerAddress` with a single-use code each, without an account; the codes are
    in this answer only (the server keeps a keyed hash of each, never the code), so print or
    show them now. Only you read the report: figures from 8 responses, comments from 10, and
    no leader, coordinator or staff member sees it."""

    administration = graphene.Field(SurveyAdministrationType, description="The class survey.")
    codes = graphene.List(
        graphene.NonNull(graphene.String),
        description="One code per student and the spares, as printed (KDR7M-2XQ9P). Shown "
        "once: they cannot be read again.",
    )
    answer_address = graphene.String(
        description="Where students type their code (a short address to show the class)."
    )

    class Arguments:
        input = ClassSurveyLaunchInput(required=True, description="The class and the window.")

    class Meta:
        permission = Teacher
        error_type = SurveyError

    @classmethod
    def perform(cls, info, input):
        instrument = load_node(
            info, input.instrument_id, SurveyInstrumentType, field="instrumentId"
        )
        launched = class_survey_launch(
            actor=info.context.user,
            instrument=instrument,
            label=input.label,
            class_size=input.class_size,
            opens_at=input.opens_at,
            closes_at=input.closes_at,
        )
        path = reverse("students:code")
        request = info.context.request
        return {
            "administration": _reloaded(info, launched.administration),
            "codes": [access_codes.display(code) for code in launched.codes],
            "answer_address": request.build_absolute_uri(path) if request is not None else path,
        }


class ClassSurveyMutationFields(graphene.ObjectType):
    class_survey_launch = ClassSurveyLaunch.Field(description=ClassSurveyLaunch.__doc__)
