"""GraphQL types for districts, schools, people, sessions and invitations."""

import graphene
from django.conf import settings
from django.utils import timezone
from graphene_django import DjangoObjectType

from backend.graphql.enums import choices_enum
from backend.graphql.types import CountableConnection

from .. import scope, selectors
from ..models import AccessToken, Approval, District, Invitation, School, User
from ..services.email_domains import district_domains


class Role(graphene.Enum):
    """What a person may do in the app, derived from where they belong."""

    TEACHER = "TEACHER"
    TEACHER_LEADER = "TEACHER_LEADER"
    COORDINATOR = "COORDINATOR"
    STAFF = "STAFF"


class DistrictType(DjangoObjectType):
    """A school district: the widest scope a coordinator sees."""

    class Meta:
        model = District
        name = "District"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug")
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.districts_visible_to(info.context.user, queryset)


class SchoolType(DjangoObjectType):
    """A school. Its time zone is the one visits, meetings and reminders are shown in."""

    time_zone = graphene.String(
        required=True, description="IANA time zone of the school, e.g. America/Chicago."
    )
    district = graphene.Field(DistrictType, required=True, description="The school's district.")

    class Meta:
        model = School
        name = "School"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "time_zone", "district")
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.schools_visible_to(info.context.user, queryset)


class PersonType(DjangoObjectType):
    """A teacher, coordinator or staff member."""

    full_name = graphene.String(required=True, description="The person's name as they gave it.")
    email = graphene.String(
        description="E-mail address; null unless you are this person, at their school, "
        "their district's coordinator or staff."
    )
    school = graphene.Field(SchoolType, description="The school a teacher teaches at.")
    coordinated_district = graphene.Field(
        DistrictType, description="The district a coordinator coordinates."
    )
    roles = graphene.List(
        graphene.NonNull(Role), required=True, description="What this person may do."
    )

    class Meta:
        model = User
        name = "Person"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "full_name", "email", "school", "coordinated_district")
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.people_visible_to(info.context.user, queryset).select_related("school")

    @staticmethod
    def resolve_email(root: User, info):
        return root.email if selectors.may_see_email(info.context.user, root) else None

    @staticmethod
    def resolve_roles(root: User, info):
        roles = []
        if root.school_id:
            roles.append(Role.TEACHER)
        if root.is_teacher_leader:
            roles.append(Role.TEACHER_LEADER)
        if root.coordinated_district_id:
            roles.append(Role.COORDINATOR)
        if root.is_staff:
            roles.append(Role.STAFF)
        return roles


class MeType(graphene.ObjectType):
    """The signed-in person, with what only they see about themselves."""

    class Meta:
        name = "Me"

    person = graphene.Field(PersonType, required=True, description="You.")
    school = graphene.Field(SchoolType, description="Your school, if you teach.")
    district = graphene.Field(DistrictType, description="Your district.")
    roles = graphene.List(graphene.NonNull(Role), required=True, description="What you may do.")
    # On Me, not on District: a District is also resolved inside subscriptions, where a lazy
    # query cannot run; Me is answered by queries and mutations only.
    district_email_domains = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description=(
            "Your district's own e-mail domains. Empty: anyone may be invited. Otherwise an "
            "invitation to another address waits for a coordinator's approval, and a person "
            "at another address joins a cohort only once a coordinator has approved them."
        ),
    )
    sessions = graphene.List(
        graphene.NonNull(lambda: SessionType),
        required=True,
        description="Devices signed in to your account, most recently used first.",
    )

    @staticmethod
    def resolve_person(root, info):
        return root

    @staticmethod
    def resolve_school(root, info):
        return root.school

    @staticmethod
    def resolve_district(root, info):
        district_id = root.district_id_for_scope
        return District.objects.filter(pk=district_id).first() if district_id else None

    @staticmethod
    def resolve_district_email_domains(root, info):
        return sorted(district_domains(root.district_id_for_scope))

    @staticmethod
    def resolve_roles(root, info):
        return PersonType.resolve_roles(root, info)

    @staticmethod
    def resolve_sessions(root, info):
        # Idle-expired tokens no longer sign anyone in, so they are not listed as devices.
        active_since = timezone.now() - settings.ACCESS_TOKEN_IDLE_TIMEOUT
        return list(
            AccessToken.objects.filter(
                user=root, revoked_at__isnull=True, last_used_at__gt=active_since
            )
        )


class SessionType(DjangoObjectType):
    """A device signed in to an account. The token itself is never shown again."""

    is_current = graphene.Boolean(
        required=True, description="True for the session making this request."
    )
    device_name = graphene.String(required=True, description="The name the phone gave.")
    created_at = graphene.DateTime(required=True, description="When the device signed in.")
    last_used_at = graphene.DateTime(
        required=True, description="Last use, to the nearest few minutes."
    )
    revoked_at = graphene.DateTime(
        description="When it was signed out; null while it works. Only the sign-out and "
        "revoke mutations return ended sessions: `me { sessions }` lists working ones."
    )

    class Meta:
        model = AccessToken
        name = "Session"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "device_name", "created_at", "last_used_at")

    @classmethod
    def get_queryset(cls, queryset, info):
        user = info.context.user
        if not user.is_authenticated:
            return queryset.none()
        return queryset.filter(user=user, revoked_at__isnull=True)

    @staticmethod
    def resolve_is_current(root, info):
        current = info.context.access_token
        return current is not None and current.pk == root.pk


InvitationApproval = choices_enum(
    "InvitationApproval",
    Approval,
    "Whether an invitation needed, and got, a coordinator's approval.",
    {
        "NOT_NEEDED": "The address is within the district's e-mail domains (or no domains "
        "are set).",
        "AWAITING": "Outside the domains: waits for a coordinator. No code was sent yet.",
        "APPROVED": "A coordinator approved it; the code was sent.",
        "REFUSED": "A coordinator refused it; no code was sent.",
    },
)


class InvitationType(DjangoObjectType):
    """An invitation you sent (or, for a coordinator, one waiting for your approval). The code
    is only in the e-mail."""

    email = graphene.String(required=True, description="Who was invited.")
    school = graphene.Field(SchoolType, description="The school they join as a teacher.")
    expires_at = graphene.DateTime(required=True, description="When the code stops working.")
    accepted_at = graphene.DateTime(description="When they accepted; null while open.")
    status = graphene.String(
        required=True,
        description=(
            "OPEN, ACCEPTED, EXPIRED, REVOKED, AWAITING_APPROVAL (outside the district's "
            "e-mail domains: a coordinator decides; no code was sent yet) or REFUSED."
        ),
    )
    approval = graphene.Field(
        InvitationApproval, required=True, description="The coordinator's part, if any."
    )
    invited_by = graphene.Field(
        lambda: PersonType, description="Who sent it (null if you may not see them)."
    )

    class Meta:
        model = Invitation
        name = "Invitation"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "email", "full_name", "school", "expires_at", "accepted_at")
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.invitations_visible_to(info.context.user, queryset)

    @staticmethod
    def resolve_status(root: Invitation, info):
        if root.accepted_at:
            return "ACCEPTED"
        if root.approval == Approval.REFUSED:
            return "REFUSED"
        if root.revoked_at:
            return "REVOKED"
        if root.approval == Approval.AWAITING:
            return "AWAITING_APPROVAL"
        return "OPEN" if root.is_open else "EXPIRED"

    @staticmethod
    def resolve_approval(root: Invitation, info):
        return Approval(root.approval).value

    @staticmethod
    def resolve_invited_by(root: Invitation, info):
        # The rule of selectors.people_visible_to, on the row the list loaded: no query per
        # invitation (a coordinator's district schools are read once per request).
        inviter = root.invited_by
        return inviter if scope.sees_person(info.context.user, inviter) else None


class SessionRevokedEvent(graphene.ObjectType):
    """Sent when the session this connection signed in with is revoked. The server then
    closes the socket with code 4403; the app should sign in again."""

    session_id = graphene.ID(required=True, description="Global id of the revoked session.")
