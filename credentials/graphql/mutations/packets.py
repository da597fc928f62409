"""Submitting a pursuit's packet."""

import graphene

from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Teacher

from ...services.packets import packet_submit
from ..errors import CredentialError
from ..evidence_types import PacketType
from ..pursuit_types import PursuitType
from .common import calling


class PacketSubmitInput(graphene.InputObjectType):
    """The input of packetSubmit."""

    pursuit_id = graphene.ID(required=True, description="Your pursuit.")
    expected_revision = graphene.Int(
        required=True, description="The pursuit's revision you previewed (STALE_REVISION if not)."
    )


class PacketSubmit(BaseMutation):
    """Freeze your evidence into a packet: an immutable snapshot with a SHA-256 manifest,
    exported as PDF, ZIP and JSON. Refusals: REQUIREMENT_NOT_MET (field
    requirements.<key>, one per requirement), CONSENT_PENDING, CONSENT_DECLINED,
    UNREVIEWED_PHOTO, UNREVIEWED_TEXT, STALE_REVISION, ALREADY_SUBMITTED."""

    packet = graphene.Field(PacketType, description="The frozen packet.")
    pursuit = graphene.Field(PursuitType, description="The pursuit as it is now.")

    class Arguments:
        input = PacketSubmitInput(required=True, description="What to do.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        pursuit = load_node(info, input.pursuit_id, PursuitType, field="pursuitId")
        packet = calling(
            packet_submit,
            person=info.context.user,
            pursuit=pursuit,
            expected_revision=input.expected_revision,
        )
        pursuit.refresh_from_db()
        return {"packet": packet, "pursuit": pursuit}
