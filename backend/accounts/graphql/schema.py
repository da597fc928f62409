"""Root fields of the accounts app."""

import graphene
from graphene_django import DjangoConnectionField

from backend.graphql.errors import ApiErrorCode, PublicError
from backend.graphql.ids import read_pk
from backend.graphql.permissions import Coordinator, SignedIn, requires
from backend.live import SESSION_REVOKED, token_group

from .. import selectors
from ..search import fold
from .mutations import AccountMutations
from .types import InvitationType, MeType, PersonType, SchoolType, SessionRevokedEvent


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(MeType, required=True, description="The signed-in person.")
    schools = DjangoConnectionField(SchoolType, description="Schools you can see: your district's.")
    my_invitations = DjangoConnectionField(
        InvitationType, description="Invitations you have sent, newest first."
    )
    people = DjangoConnectionField(
        PersonType,
        search=graphene.String(
            required=True,
            description=f"At least {selectors.SEARCH_MIN_LENGTH} letters or digits (at most "
            f"{selectors.SEARCH_MAX_LENGTH} characters): the start of any word of a name "
            "(each word given must start a word of it: 'zoe ma' finds 'Zoë Martín-Ortiz'; "
            "case and accents do not matter), or the start of an e-mail address you may see.",
        ),
        school_id=graphene.ID(
            description="Only people of this school (one you see into); none if you may not see it."
        ),
        description=(
            "People you may add to a cohort or invite to a meeting, found by name or e-mail: "
            "your school's for a teacher or teacher leader, your district's (its schools and "
            "coordinators) for a coordinator, everyone for staff. Closed accounts are never "
            "found. Best matches first (the name starts with the text, then a word of it "
            "does, then only the address matched), then by name. Addresses show where "
            "`Person.email` allows. A search shorter than the minimum or longer than the "
            "maximum is refused with a top-level BAD_USER_INPUT."
        ),
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
    @requires(SignedIn)
    def resolve_people(root, info, search: str, school_id: str | None = None, **kwargs):
        if len(search) > selectors.SEARCH_MAX_LENGTH:
            raise PublicError(
                f"Search with at most {selectors.SEARCH_MAX_LENGTH} characters.",
                code=ApiErrorCode.BAD_USER_INPUT,
            )
        if len(fold(search).replace(" ", "")) < selectors.SEARCH_MIN_LENGTH:
            raise PublicError(
                f"Type at least {selectors.SEARCH_MIN_LENGTH} letters or digits to search.",
                code=ApiErrorCode.BAD_USER_INPUT,
            )
        school_pk = None
        if school_id is not None:
            # The failure model's filter by id: an id of another type (or of no school) lists
            # nothing, as a school you may not see does; only a string that is no id at all is
            # the client's bug (BAD_USER_INPUT, from read_pk).
            school_pk = read_pk(school_id, SchoolType._meta.name)
            if school_pk is None:
                return selectors.people_search(info.context.user, search).none()
        return selectors.people_search(info.context.user, search, school_id=school_pk)

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
