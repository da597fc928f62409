"""Mutations of the improvement library: share a tested change, take it back, ask its owner,
answer. An entry or question the caller may not see is NOT_FOUND on its field, like one that
does not exist."""

import graphene
from django.core.exceptions import ValidationError

from backend.graphql.ids import MAX_PK, load_node, pk_from_global_id
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Teacher

from ..errors import ImprovementError as Codes
from ..models import LibraryEntry, LibraryQuestion
from ..services.library import PHOTO_LIMIT, pdsa_publish, pdsa_unpublish
from ..services.questions import library_question_answer, library_question_ask
from .enums import LibraryScopeEnum
from .errors import ImprovementError
from .library_types import LibraryEntryType, LibraryQuestionType
from .types import PdsaType


def _photo_pks(global_ids) -> list[int]:
    pks = []
    for index, global_id in enumerate(global_ids or []):
        field = f"photo_ids.{index}"
        pk = pk_from_global_id(global_id, "Photo", field=field)
        if not pk.isdigit() or int(pk) >= MAX_PK:
            raise ValidationError(
                {field: ValidationError("No Photo with this id.", code=Codes.NOT_FOUND)}
            )
        pks.append(int(pk))
    return pks


def _pk_or_none(global_id: str, type_name: str, field: str) -> int | None:
    pk = pk_from_global_id(global_id, type_name, field=field)
    return int(pk) if pk.isdigit() and int(pk) < MAX_PK else None


class PdsaPublishInput(graphene.InputObjectType):
    """The cycle to share, with whom, and the photos to show."""

    pdsa_id = graphene.ID(required=True, description="Your cycle, at ACT or DONE.")
    scope = LibraryScopeEnum(
        required=True, description="Your school's teachers, or your district's."
    )
    commit_to_answer = graphene.Boolean(
        required=True,
        description="True: you commit to answer colleagues' questions (sharing needs it).",
    )
    photo_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description=f"Photos you attached to the cycle's question to show (at most {PHOTO_LIMIT}).",
    )


class PdsaPublish(BaseMutation):
    """Share your tested change in the improvement library: a snapshot of the cycle (students
    never named) for the teachers of your school or district. Refusals: NOT_FOUND (not your
    cycle or photo), RESULTS_REQUIRED (not at ACT or DONE), COMMITMENT_REQUIRED,
    ALREADY_PUBLISHED (unpublish first), INVALID."""

    library_entry = graphene.Field(LibraryEntryType, description="The new entry, live.")

    class Arguments:
        input = PdsaPublishInput(required=True, description="What to share, with whom.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        pdsa = load_node(info, input.pdsa_id, PdsaType, field="pdsaId")
        entry = pdsa_publish(
            actor=info.context.user,
            pdsa=pdsa,
            scope=getattr(input.scope, "value", input.scope),
            commit_to_answer=bool(input.commit_to_answer),
            photo_ids=_photo_pks(input.photo_ids),
        )
        return {"library_entry": entry}


class PdsaUnpublishInput(graphene.InputObjectType):
    """The entry to take out of the library."""

    library_entry_id = graphene.ID(required=True, description="Your library entry.")


class PdsaUnpublish(BaseMutation):
    """Take your entry out of the library (you keep it and its questions; publish the cycle
    again for a new snapshot). Refusals: NOT_FOUND (not your entry)."""

    library_entry = graphene.Field(LibraryEntryType, description="The entry, no longer live.")

    class Arguments:
        input = PdsaUnpublishInput(required=True, description="Which entry.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        pk = _pk_or_none(input.library_entry_id, "LibraryEntry", "libraryEntryId")
        entry = LibraryEntry.objects.filter(pk=pk).first() if pk is not None else None
        return {"library_entry": pdsa_unpublish(actor=info.context.user, entry=entry)}


class LibraryQuestionAskInput(graphene.InputObjectType):
    """The entry and the question."""

    library_entry_id = graphene.ID(required=True, description="A colleague's live entry.")
    text = graphene.String(required=True, description="Your question.")


class LibraryQuestionAsk(BaseMutation):
    """Ask the owner of a library entry in your scope about it; they are notified. Refusals:
    NOT_FOUND (no such live entry in your scope), NOT_ALLOWED (your own entry), REQUIRED,
    INVALID."""

    library_question = graphene.Field(LibraryQuestionType, description="Your question.")

    class Arguments:
        input = LibraryQuestionAskInput(required=True, description="The question.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        pk = _pk_or_none(input.library_entry_id, "LibraryEntry", "libraryEntryId")
        entry = LibraryEntry.objects.filter(pk=pk).first() if pk is not None else None
        question = library_question_ask(actor=info.context.user, entry=entry, text=input.text)
        return {"library_question": question}


class LibraryQuestionAnswerInput(graphene.InputObjectType):
    """The question and your answer."""

    library_question_id = graphene.ID(required=True, description="A question on your entry.")
    text = graphene.String(required=True, description="Your answer (replaces an earlier one).")


class LibraryQuestionAnswer(BaseMutation):
    """Answer a question about your live library entry; the asker is notified. Answering again
    revises the answer. Refusals: NOT_FOUND (not a question on your entry), NOT_ALLOWED (the
    entry is unpublished), REQUIRED, INVALID."""

    library_question = graphene.Field(LibraryQuestionType, description="The question, answered.")

    class Arguments:
        input = LibraryQuestionAnswerInput(required=True, description="The answer.")

    class Meta:
        permission = Teacher
        error_type = ImprovementError

    @classmethod
    def perform(cls, info, input):
        pk = _pk_or_none(input.library_question_id, "LibraryQuestion", "libraryQuestionId")
        question = (
            LibraryQuestion.objects.select_related("entry").filter(pk=pk).first()
            if pk is not None
            else None
        )
        library_question_answer(actor=info.context.user, question=question, text=input.text)
        return {"library_question": LibraryQuestion.objects.get(pk=question.pk)}


class LibraryMutationFields(graphene.ObjectType):
    pdsa_publish = PdsaPublish.Field(description=PdsaPublish.__doc__)
    pdsa_unpublish = PdsaUnpublish.Field(description=PdsaUnpublish.__doc__)
    library_question_ask = LibraryQuestionAsk.Field(description=LibraryQuestionAsk.__doc__)
    library_question_answer = LibraryQuestionAnswer.Field(description=LibraryQuestionAnswer.__doc__)
