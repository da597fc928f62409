"""Sign-in, sign-out, sessions and invitations."""

import graphene

from backend.client_address import context_client_address
from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import AllowAny, Coordinator, LeaderOrCoordinator, SignedIn

from ..services.email_domains import district_email_domains_set, person_domain_approve
from ..services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_decide,
    invitation_revoke,
)
from ..services.sign_in import device_key_issue, sign_in
from ..services.tokens import access_token_revoke
from .errors import AccountError
from .types import DistrictType, InvitationType, MeType, PersonType, SchoolType, SessionType


class SessionSignInInput(graphene.InputObjectType):
    """Credentials for signing in from a phone."""

    email = graphene.String(required=True, description="The e-mail the account was created with.")
    password = graphene.String(required=True, description="The account's password.")
    device_name = graphene.String(
        required=True, description="A name for this phone, shown in the list of sessions."
    )
    device_key = graphene.String(
        description=(
            "The `deviceKey` an earlier sign-in returned on this phone, if any. A phone that "
            "sends it is not slowed down by failures other people cause from other networks."
        )
    )


class SessionSignIn(BaseMutation):
    """Sign in from a phone. Send the returned token as `Authorization: Bearer <token>`.
    Failures are throttled per account and network address, per address, and per account
    across addresses; a phone sending its `deviceKey` is throttled on its own."""

    token = graphene.String(description="The bearer token. Shown once: keep it on the phone.")
    device_key = graphene.String(
        description=(
            "Keep this on the phone (it outlives sign-outs) and send it with later sign-ins; "
            "it proves this phone signed in to this account before, and signs no one in by itself."
        )
    )
    me = graphene.Field(MeType, description="The signed-in person.")
    session = graphene.Field(SessionType, description="The new session.")

    class Arguments:
        input = SessionSignInInput(required=True, description="Credentials and device name.")

    class Meta:
        permission = AllowAny
        error_type = AccountError

    @classmethod
    def perform(cls, info, input):
        user, token, raw, device_key = sign_in(
            email=input.email,
            password=input.password,
            device_name=input.device_name,
            address=context_client_address(info.context),
            device_key=input.device_key,
        )
        info.context.user, info.context.access_token = user, token
        return {"token": raw, "me": user, "session": token, "device_key": device_key}


class SessionSignOut(BaseMutation):
    """Sign out this phone: revoke the token that made the request."""

    session = graphene.Field(SessionType, description="The session that was ended.")

    class Meta:
        permission = SignedIn
        error_type = AccountError

    @classmethod
    def perform(cls, info):
        token = info.context.access_token
        if token is None:
            return {}
        access_token_revoke(actor=info.context.user, token=token)
        return {"session": token}


class SessionRevokeInput(graphene.InputObjectType):
    """Which session to end."""

    session_id = graphene.ID(required=True, description="Global id of one of your sessions.")


class SessionRevoke(BaseMutation):
    """Sign out another of your devices, e.g. a lost phone."""

    session = graphene.Field(SessionType, description="The session that was ended.")

    class Arguments:
        input = SessionRevokeInput(required=True, description="Which session to end.")

    class Meta:
        permission = SignedIn
        error_type = AccountError

    @classmethod
    def perform(cls, info, input):
        token = load_node(info, input.session_id, SessionType, field="sessionId")
        access_token_revoke(actor=info.context.user, token=token)
        return {"session": token}


class InvitationCreateInput(graphene.InputObjectType):
    """Who to invite and where to."""

    email = graphene.String(required=True, description="Where the one-time code is sent.")
    full_name = graphene.String(description="The person's name, if known.")
    school_id = graphene.ID(description="The school they join as a teacher.")
    coordinated_district_id = graphene.ID(
        description="Coordinators only: invite another coordinator for your district."
    )
    as_teacher_leader = graphene.Boolean(
        description="Coordinators only: the invitee may lead cohorts.", default_value=False
    )


class InvitationCreate(BaseMutation):
    """Invite a teacher (teacher leaders: to their school; coordinators: to their district).
    The invitee receives a one-time code by e-mail and accepts with `invitationAccept`."""

    invitation = graphene.Field(InvitationType, description="The invitation sent.")

    class Arguments:
        input = InvitationCreateInput(required=True, description="Who to invite and where.")

    class Meta:
        permission = LeaderOrCoordinator
        error_type = AccountError

    @classmethod
    def perform(cls, info, input):
        school = (
            load_node(info, input.school_id, SchoolType, field="schoolId")
            if input.school_id
            else None
        )
        district = (
            load_node(
                info, input.coordinated_district_id, DistrictType, field="coordinatedDistrictId"
            )
            if input.coordinated_district_id
            else None
        )
        invitation, _code = invitation_create(
            inviter=info.context.user,
            email=input.email,
            full_name=input.full_name or "",
            school=school,
            coordinated_district=district,
            as_teacher_leader=bool(input.as_teacher_leader),
        )
        return {"invitation": invitation}


class InvitationRevokeInput(graphene.InputObjectType):
    """Which invitation to withdraw."""

    invitation_id = graphene.ID(required=True, description="An invitation you sent.")


class InvitationRevoke(BaseMutation):
    """Withdraw an invitation that has not been accepted."""

    invitation = graphene.Field(InvitationType, description="The withdrawn invitation.")

    class Arguments:
        input = InvitationRevokeInput(required=True, description="Which invitation.")

    class Meta:
        permission = LeaderOrCoordinator
        error_type = AccountError

    @classmethod
    def perform(cls, info, input):
        invitation = load_node(info, input.invitation_id, InvitationType, field="invitationId")
        return {"invitation": invitation_revoke(actor=info.context.user, invitation=invitation)}


class InvitationAcceptInput(graphene.InputObjectType):
    """The emailed code and the new account's password."""

    email = graphene.String(required=True, description="The address the invitation went to.")
    code = graphene.String(
        required=True, description="The one-time code from the e-mail; dashes and case ignored."
    )
    password = graphene.String(required=True, description="The password to set, 10+ characters.")
    full_name = graphene.String(description="Your name; defaults to the one the inviter gave.")
    device_name = graphene.String(required=True, description="A name for this phone.")


class InvitationAccept(BaseMutation):
    """Accept an invitation: creates the account and signs this phone in."""

    token = graphene.String(description="The bearer token. Shown once: keep it on the phone.")
    device_key = graphene.String(
        description="As `sessionSignIn`'s: keep it on the phone and send it with later sign-ins."
    )
    me = graphene.Field(MeType, description="The new account.")

    class Arguments:
        input = InvitationAcceptInput(required=True, description="Code, password and device.")

    class Meta:
        permission = AllowAny
        error_type = AccountError

    @classmethod
    def perform(cls, info, input):
        user, token, raw = invitation_accept(
            email=input.email,
            code=input.code,
            password=input.password,
            full_name=input.full_name or "",
            device_name=input.device_name,
            address=context_client_address(info.context),
        )
        info.context.user, info.context.access_token = user, token
        return {"token": raw, "me": user, "device_key": device_key_issue(user=user)}


class DistrictEmailDomainsSetInput(graphene.InputObjectType):
    """The district's own e-mail domains, replacing the current list."""

    district_id = graphene.ID(required=True, description="The district you coordinate.")
    domains = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Domains such as district.org (at most 20). An empty list lifts the "
        "restriction.",
    )


class DistrictEmailDomainsSet(BaseMutation):
    """Coordinators: restrict the district's accounts to its own e-mail domains. Afterwards an
    invitation to another address waits for a coordinator's approval (`invitationDecide`), and
    someone at another address joins a cohort only once approved (`personOutsideDomainsApprove`)."""

    district = graphene.Field(DistrictType, description="The district.")
    email_domains = graphene.List(
        graphene.NonNull(graphene.String), description="Its domains now, sorted."
    )

    class Arguments:
        input = DistrictEmailDomainsSetInput(required=True, description="District and domains.")

    class Meta:
        permission = Coordinator
        error_type = AccountError

    @classmethod
    def perform(cls, info, input):
        district = load_node(info, input.district_id, DistrictType, field="districtId")
        domains = district_email_domains_set(
            actor=info.context.user, district=district, domains=list(input.domains)
        )
        return {"district": district, "email_domains": domains}


class InvitationDecideInput(graphene.InputObjectType):
    """An invitation waiting for approval, and the decision."""

    invitation_id = graphene.ID(required=True, description="From `invitationsAwaitingApproval`.")
    approve = graphene.Boolean(
        required=True, description="True sends the invitee a code; false refuses it."
    )


class InvitationDecide(BaseMutation):
    """Coordinators: approve or refuse an invitation to an address outside the district's
    e-mail domains. Approving e-mails the invitee a fresh code and lets them join cohorts."""

    invitation = graphene.Field(InvitationType, description="The decided invitation.")

    class Arguments:
        input = InvitationDecideInput(required=True, description="Which and what.")

    class Meta:
        permission = Coordinator
        error_type = AccountError

    @classmethod
    def perform(cls, info, input):
        invitation = load_node(info, input.invitation_id, InvitationType, field="invitationId")
        decided = invitation_decide(
            actor=info.context.user, invitation=invitation, approve=bool(input.approve)
        )
        return {"invitation": decided}


class PersonOutsideDomainsApproveInput(graphene.InputObjectType):
    """The teacher to vouch for."""

    person_id = graphene.ID(required=True, description="A teacher of your district.")


class PersonOutsideDomainsApprove(BaseMutation):
    """Coordinators: let a teacher of the district whose address is outside its e-mail domains
    (an account made before the domains were set) join its cohorts."""

    person = graphene.Field(PersonType, description="The approved teacher.")

    class Arguments:
        input = PersonOutsideDomainsApproveInput(required=True, description="Who.")

    class Meta:
        permission = Coordinator
        error_type = AccountError

    @classmethod
    def perform(cls, info, input):
        person = load_node(info, input.person_id, PersonType, field="personId")
        person_domain_approve(actor=info.context.user, person=person)
        return {"person": person}


class AccountMutations(graphene.ObjectType):
    session_sign_in = SessionSignIn.Field(description=SessionSignIn.__doc__)
    session_sign_out = SessionSignOut.Field(description=SessionSignOut.__doc__)
    session_revoke = SessionRevoke.Field(description=SessionRevoke.__doc__)
    invitation_create = InvitationCreate.Field(description=InvitationCreate.__doc__)
    invitation_revoke = InvitationRevoke.Field(description=InvitationRevoke.__doc__)
    invitation_accept = InvitationAccept.Field(description=InvitationAccept.__doc__)
    district_email_domains_set = DistrictEmailDomainsSet.Field(
        description=DistrictEmailDomainsSet.__doc__
    )
    invitation_decide = InvitationDecide.Field(description=InvitationDecide.__doc__)
    person_outside_domains_approve = PersonOutsideDomainsApprove.Field(
        description=PersonOutsideDomainsApprove.__doc__
    )
