"""Adding and inviting many people to a cohort in one call, with a result per person."""

import graphene
from django.core.exceptions import ValidationError

from backend.accounts.graphql.types import PersonType
from backend.graphql.enums import described
from backend.graphql.errors import ApiErrorCode, PublicError
from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation, errors_from_validation
from backend.graphql.permissions import TeacherLeader

from ...errors import CohortError as Codes
from ...services.members_add import MAX_PEOPLE, MemberEntry, MemberOutcome, cohort_members_add
from .. import enums
from ..errors import CohortError, CohortErrorCode
from ..types import CohortInvitationType, CohortType, MembershipType
from .common import enum_value, reload_cohort


class CohortMemberAddEntryInput(graphene.InputObjectType):
    """One person: an account (`personId`) or an address (`email`, with `fullName`), exactly
    one of the two."""

    person_id = graphene.ID(
        description="Someone with an account at the cohort's school (see `people`)."
    )
    email = graphene.String(
        description="An address: if it belongs to an account you see, that person is added; "
        "otherwise they are invited by e-mail into the school, for this cohort."
    )
    full_name = graphene.String(description="With `email`: their name, for the invitation.")
    role = graphene.Field(enums.PeerRole, required=True, description="Blue or yellow dot.")


class CohortMembersAddInput(graphene.InputObjectType):
    """The cohort and the people to add or invite."""

    cohort_id = graphene.ID(required=True, description="A cohort you lead.")
    people = graphene.List(
        graphene.NonNull(CohortMemberAddEntryInput),
        required=True,
        description=f"1 to {MAX_PEOPLE} people, each at most once.",
    )


class CohortMemberAddOutcome(graphene.Enum):
    """What happened to one person of a `cohortMembersAdd` call."""

    ADDED = "ADDED"
    INVITED = "INVITED"
    REFUSED = "REFUSED"

    description = described(
        {
            "ADDED": "They are now in the cohort (`membership`).",
            "INVITED": "An invitation was sent (or, outside the district's e-mail domains, "
            "waits for a coordinator); add them once they accept (`invitation`).",
            "REFUSED": "Nothing changed for them; `errors` says why.",
        }
    )


class CohortMemberAddResultType(graphene.ObjectType):
    """The result for one person of the list, at the same position."""

    class Meta:
        name = "CohortMemberAddResult"

    index = graphene.Int(required=True, description="The person's position in `people`, from 0.")
    outcome = graphene.Field(CohortMemberAddOutcome, required=True, description="What happened.")
    person = graphene.Field(PersonType, description="Who was added (ADDED).")
    membership = graphene.Field(MembershipType, description="Their new membership (ADDED).")
    invitation = graphene.Field(CohortInvitationType, description="The invitation (INVITED).")
    errors = graphene.List(
        graphene.NonNull(CohortError),
        required=True,
        description="Why they were refused (REFUSED), with fields `people.<index>.<field>`; "
        "empty otherwise.",
    )


def _result(outcome: MemberOutcome) -> CohortMemberAddResultType:
    errors = errors_from_validation(outcome.error, CohortErrorCode) if outcome.error else []
    if outcome.membership is not None:
        kind = CohortMemberAddOutcome.ADDED
    elif outcome.invitation is not None:
        kind = CohortMemberAddOutcome.INVITED
    else:
        kind = CohortMemberAddOutcome.REFUSED
    return CohortMemberAddResultType(
        index=outcome.index,
        outcome=kind,
        person=outcome.person,
        membership=outcome.membership,
        invitation=outcome.invitation,
        errors=errors,
    )


class CohortMembersAdd(BaseMutation):
    """Add or invite many people to a cohort you lead in one call: people with an account by
    `personId` (find them with `people`), others by `email` (an address that belongs to an
    account you see adds that person; any other is invited into the school for this cohort,
    the same answer whether or not an account you may not see has it). Partial: each person
    is added or refused on their own, with every rule of `membershipAdd` and
    `cohortPeerInvite` (school, e-mail domains, strict targets ROLE_LIMIT_EXCEEDED, the
    hourly invitation limit TOO_MANY_ATTEMPTS); `results` has one entry per person in order,
    and `errors` lists every refusal with its path (`people.3.email`), so an empty `errors`
    means everyone went through. More than the maximum is a top-level BAD_USER_INPUT."""

    cohort = graphene.Field(CohortType, description="The cohort as it is now.")
    results = graphene.List(
        graphene.NonNull(CohortMemberAddResultType),
        required=True,
        description="One per person of `people`, in order; empty if the call was refused as "
        "a whole (see `errors`).",
    )

    class Arguments:
        input = CohortMembersAddInput(required=True, description="The cohort and the people.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @staticmethod
    def resolve_results(root, info):
        return root.results or []

    @classmethod
    def perform(cls, info, input):
        if len(input.people) > MAX_PEOPLE:
            raise PublicError(
                f"Add at most {MAX_PEOPLE} people in one call.", code=ApiErrorCode.BAD_USER_INPUT
            )
        cohort = load_node(info, input.cohort_id, CohortType, field="cohortId")
        if not input.people:
            raise ValidationError({"people": ValidationError("Add someone.", code=Codes.REQUIRED)})
        entries, outcomes = {}, {}
        for index, given in enumerate(input.people):
            try:
                entries[index] = _entry(info, index, given)
            except ValidationError as exc:
                outcomes[index] = MemberOutcome(index=index, error=exc)
        if entries:
            outcomes.update(
                (outcome.index, outcome)
                for outcome in cohort_members_add(
                    actor=info.context.user, cohort=cohort, entries=entries
                )
            )
        results = [_result(outcomes[index]) for index in range(len(input.people))]
        errors = [error for result in results for error in result.errors]
        return cls(cohort=reload_cohort(info, cohort.pk), results=results, errors=errors)


def _entry(info, index: int, given) -> MemberEntry:
    """The entry as the service takes it; a ValidationError under `people.<index>` if it
    names no one, both, or an account you may not see."""
    prefix = f"people.{index}"
    role = enum_value(given.role)
    if bool(given.person_id) == bool(given.email):
        raise ValidationError(
            {prefix: ValidationError("Give either personId or email.", code=Codes.INVALID)}
        )
    if given.person_id:
        person = load_node(info, given.person_id, PersonType, field=f"{prefix}.personId")
        return MemberEntry(role=role, person=person)
    return MemberEntry(role=role, email=given.email, full_name=given.full_name or "")
