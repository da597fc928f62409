"""Adding evidence to a draft: records, texts, choices, lists, attestations, confirmations."""

import graphene
from django.core.exceptions import ValidationError

from backend.graphql.ids import load_node, split_global_id
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Teacher

from ...errors import CredentialError as Codes
from ...services.evidence import (
    evidence_attest,
    evidence_choice_select,
    evidence_item_add,
    evidence_item_confirm,
    evidence_item_remove,
    evidence_list_save,
    evidence_text_save,
)
from ..errors import CredentialError
from ..evidence_types import RECORD_BY_TYPE_NAME, EvidenceItemType
from ..pursuit_types import PursuitType
from .common import calling


def _pursuit(info, global_id):
    return load_node(info, global_id, PursuitType, field="pursuitId")


def _record(info, global_id):
    type_name, _pk = split_global_id(global_id)
    if type_name not in RECORD_BY_TYPE_NAME:
        raise ValidationError(
            {
                "record_id": ValidationError(
                    "Not the id of a visit, reflection sheet, question, survey, meeting, photo, "
                    "PDSA cycle or measure.",
                    code=Codes.INVALID_ID,
                )
            }
        )
    _field, graphql_type = RECORD_BY_TYPE_NAME[type_name]
    return load_node(info, global_id, graphql_type, field="recordId")


def _reloaded(info, pursuit):
    return PursuitType.get_queryset(type(pursuit).objects.filter(pk=pursuit.pk), info).first()


class _EvidenceMutation(BaseMutation):
    pursuit = graphene.Field(PursuitType, description="The pursuit as it is now.")

    class Meta:
        abstract = True


class EvidenceItemAddInput(graphene.InputObjectType):
    """A record of the app to use as evidence for one requirement."""

    pursuit_id = graphene.ID(required=True, description="Your pursuit.")
    requirement_key = graphene.String(required=True, description="The requirement's key.")
    record_id = graphene.ID(
        required=True,
        description="A visit, reflection sheet, question, survey, meeting, photo, PDSA cycle "
        "or measure (its run chart) you can read.",
    )


class EvidenceItemAdd(_EvidenceMutation):
    """Use a record as evidence. A record that is someone else's (their question, data or
    reflection; a peer you name) asks them for consent with a push. Refusals:
    WRONG_EVIDENCE_KIND, DUPLICATE_EVIDENCE, TOO_MANY_ITEMS, AWAITING_CAPABILITY, NOT_DRAFT;
    NOT_FOUND for a record you cannot read, as for one that does not exist."""

    item = graphene.Field(EvidenceItemType, description="The item as it is now.")

    class Arguments:
        input = EvidenceItemAddInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        pursuit = _pursuit(info, input.pursuit_id)
        record = _record(info, input.record_id)
        item = calling(
            evidence_item_add,
            person=info.context.user,
            pursuit=pursuit,
            slot_key=input.requirement_key,
            record=record,
        )
        return {"item": item, "pursuit": _reloaded(info, pursuit)}


class EvidenceItemRemoveInput(graphene.InputObjectType):
    """The input of evidenceItemRemove."""

    evidence_item_id = graphene.ID(required=True, description="The evidence item.")


class EvidenceItemRemove(_EvidenceMutation):
    """Take an item out of your draft (its consent requests go with it)."""

    class Arguments:
        input = EvidenceItemRemoveInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        item = load_node(info, input.evidence_item_id, EvidenceItemType, field="evidenceItemId")
        pursuit = item.pursuit
        calling(evidence_item_remove, person=info.context.user, item=item)
        return {"pursuit": _reloaded(info, pursuit)}


class EvidenceTextSaveInput(graphene.InputObjectType):
    """The input of evidenceTextSave."""

    pursuit_id = graphene.ID(required=True, description="Your pursuit.")
    requirement_key = graphene.String(required=True, description="The requirement's key.")
    prompt_key = graphene.String(required=True, description="The prompt answered.")
    text = graphene.String(required=True, description="Your answer.")


class EvidenceTextSave(_EvidenceMutation):
    """Write (or rewrite) your answer to one prompt. WORD_LIMIT says the limits; a rewrite
    needs confirming again that it names no student."""

    item = graphene.Field(EvidenceItemType, description="The item as it is now.")

    class Arguments:
        input = EvidenceTextSaveInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        pursuit = _pursuit(info, input.pursuit_id)
        item = calling(
            evidence_text_save,
            person=info.context.user,
            pursuit=pursuit,
            slot_key=input.requirement_key,
            prompt_key=input.prompt_key,
            text=input.text,
        )
        return {"item": item, "pursuit": _reloaded(info, pursuit)}


class EvidenceChoiceSelectInput(graphene.InputObjectType):
    """The input of evidenceChoiceSelect."""

    pursuit_id = graphene.ID(required=True, description="Your pursuit.")
    requirement_key = graphene.String(required=True, description="The requirement's key.")
    option_key = graphene.String(required=True, description="The option's key.")


class EvidenceChoiceSelect(_EvidenceMutation):
    """Choose which option of a choice requirement you will fill (NOT_A_CHOICE otherwise)."""

    class Arguments:
        input = EvidenceChoiceSelectInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        pursuit = _pursuit(info, input.pursuit_id)
        calling(
            evidence_choice_select,
            person=info.context.user,
            pursuit=pursuit,
            slot_key=input.requirement_key,
            option_key=input.option_key,
        )
        return {"pursuit": _reloaded(info, pursuit)}


class EvidenceListEntryInput(graphene.InputObjectType):
    """The input of evidenceListEntry."""

    title = graphene.String(required=True, description="What it is.")
    url = graphene.String(description="Its link, if any.")


class EvidenceListSaveInput(graphene.InputObjectType):
    """The input of evidenceListSave."""

    pursuit_id = graphene.ID(required=True, description="Your pursuit.")
    requirement_key = graphene.String(required=True, description="The requirement's key.")
    entries = graphene.List(
        graphene.NonNull(EvidenceListEntryInput),
        required=True,
        description="All the entries (they replace the earlier ones).",
    )


class EvidenceListSave(_EvidenceMutation):
    """Save the entries of a list requirement (e.g. sources with links), replacing them."""

    class Arguments:
        input = EvidenceListSaveInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        pursuit = _pursuit(info, input.pursuit_id)
        calling(
            evidence_list_save,
            person=info.context.user,
            pursuit=pursuit,
            slot_key=input.requirement_key,
            entries=[{"title": e.title, "url": e.url} for e in input.entries],
        )
        return {"pursuit": _reloaded(info, pursuit)}


class EvidenceAttestInput(graphene.InputObjectType):
    """The input of evidenceAttest."""

    pursuit_id = graphene.ID(required=True, description="Your pursuit.")
    requirement_key = graphene.String(required=True, description="The requirement's key.")


class EvidenceAttest(_EvidenceMutation):
    """Affirm the statement of an attestation requirement."""

    class Arguments:
        input = EvidenceAttestInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        pursuit = _pursuit(info, input.pursuit_id)
        calling(
            evidence_attest,
            person=info.context.user,
            pursuit=pursuit,
            slot_key=input.requirement_key,
        )
        return {"pursuit": _reloaded(info, pursuit)}


class EvidenceItemConfirmInput(graphene.InputObjectType):
    """The input of evidenceItemConfirm."""

    evidence_item_id = graphene.ID(required=True, description="The evidence item.")


class EvidenceItemConfirm(_EvidenceMutation):
    """Confirm that a photo or text names or shows no student (needed before submitting)."""

    item = graphene.Field(EvidenceItemType, description="The item as it is now.")

    class Arguments:
        input = EvidenceItemConfirmInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        item = load_node(info, input.evidence_item_id, EvidenceItemType, field="evidenceItemId")
        item = calling(evidence_item_confirm, person=info.context.user, item=item) or item
        item.refresh_from_db()
        return {"item": item, "pursuit": _reloaded(info, item.pursuit)}
