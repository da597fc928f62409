"""Answering a colleague's request to use your record or name as evidence."""

import graphene

from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Teacher

from ...services.consent import consent_decline, consent_grant, consent_revoke
from ..errors import CredentialError
from ..evidence_types import ConsentRequestType
from .common import calling


class ConsentInput(graphene.InputObjectType):
    """The input of consent."""

    consent_id = graphene.ID(required=True, description="The consent request.")


def _answer(info, input, service):
    consent = load_node(info, input.consent_id, ConsentRequestType, field="consentId")
    calling(service, person=info.context.user, consent=consent)
    consent.refresh_from_db()
    return {"consent": consent}


class ConsentGrantInput(ConsentInput):
    """The input of consentGrant."""

    pass


class ConsentGrant(BaseMutation):
    """Allow it (you can take it back until their packet is submitted)."""

    consent = graphene.Field(ConsentRequestType, description="The request as it is now.")

    class Arguments:
        input = ConsentGrantInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        return _answer(info, input, consent_grant)


class ConsentDeclineInput(ConsentInput):
    """The input of consentDecline."""

    pass


class ConsentDecline(BaseMutation):
    """Decline: the record stays out of their packet; a name shows as your role."""

    consent = graphene.Field(ConsentRequestType, description="The request as it is now.")

    class Arguments:
        input = ConsentDeclineInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        return _answer(info, input, consent_decline)


class ConsentRevokeInput(ConsentInput):
    """The input of consentRevoke."""

    pass


class ConsentRevoke(BaseMutation):
    """Take back a consent you granted, until their packet is submitted (ALREADY_SUBMITTED
    after)."""

    consent = graphene.Field(ConsentRequestType, description="The request as it is now.")

    class Arguments:
        input = ConsentRevokeInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        return _answer(info, input, consent_revoke)
