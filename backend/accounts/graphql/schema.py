"""Root fields of the accounts app."""

import graphene
from graphene_django import DjangoConnectionField

from backend.graphql.permissions import Coordinator, SignedIn, requires
from backend.live import SESSION_REVOKED, token_group

from .. import selectors
from .mutations import AccountMutations
from .types import InvitationType, MeType, SchoolType, SessionRevokedEvent


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(MeType, required=True, description="The signed-in person.")
    schools = DjangoConnectionField(SchoolType, description="Schools you can see: your district's.")
    my_invitations = DjangoConnectionField(
        InvitationType, description="Invitations you have sent, newest first."
    )
    invitations_awaiting_approval = DjangoConnectionField(
        InvitationType,
        description=(
            "Coordinators: invitations to addresses outside your district's e-mail domains "
            "that wait for your decision (`invitationDecide`), newest first."
        ),
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_me(root, info):
        return info.context.user

    @staticmethod
    @requires(SignedIn)
    def resolve_schools(root, info, **kwargs):
        return SchoolType.get_queryset(SchoolType._meta.model.objects.all(), info)

    @staticmethod
    @requires(SignedIn)
    def resolve_my_invitations(root, info, **kwargs):
        user = info.context.user
        queryset = InvitationType.get_queryset(
            InvitationType._meta.model.objects.select_related("school", "invited_by__school"),
            info,
        )
        # Coordinators also see invitations waiting for them; those have their own list.
        return queryset if user.is_staff else queryset.filter(invited_by=user)

    @staticmethod
    @requires(Coordinator)
    def resolve_invitations_awaiting_approval(root, info, **kwargs):
        queryset = InvitationType._meta.model.objects.select_related("school", "invited_by__school")
        return selectors.invitations_awaiting_approval_for(info.context.user, queryset)


class AccountSubscriptions(graphene.ObjectType):
    session_revoked = graphene.Field(
        SessionRevokedEvent,
        required=True,
        description="Fires when the session this WebSocket signed in with is revoked "
        "(signed out here or from another device). The socket is then closed with 4403.",
    )

    @staticmethod
    @requires(SignedIn)
    async def subscribe_session_revoked(root, info):
        token = info.context.access_token
        async for event in info.context.listen(token_group(token.id)):
            if event["event"] == SESSION_REVOKED:
                yield SessionRevokedEvent(
                    session_id=graphene.relay.Node.to_global_id("Session", event["session_id"])
                )
                return


__all__ = ["AccountMutations", "AccountQueries", "AccountSubscriptions"]
