"""Starting and withdrawing a pursuit."""

import graphene
from django.core.exceptions import ValidationError

from backend.graphql.ids import load_node, pk_from_global_id
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import Teacher
from cohorts.graphql.types import CohortType
from cohorts.models import Cohort

from ...errors import CredentialError as Codes
from ...models import Credential
from ...services.pursuits import pursuit_start, pursuit_withdraw
from ..catalogue_types import CredentialType
from ..errors import CredentialError
from ..pursuit_types import PursuitType


class PursuitStartInput(graphene.InputObjectType):
    """Which credential, and the cohort whose records count."""

    credential_id = graphene.ID(
        required=True,
        description="The credential (any of its versions' ids); you start on its published one.",
    )
    cohort_id = graphene.ID(
        description="A cohort you are or were a member of; required when the credential counts "
        "a cohort's records (roles of peers, the cohort's surveys and meetings)."
    )


class PursuitStart(BaseMutation):
    """Start pursuing a credential (any teacher). Refusals: ALREADY_PURSUING,
    PREREQUISITE_NOT_MET (the message names what to earn first), COHORT_REQUIRED,
    NOT_PUBLISHED."""

    pursuit = graphene.Field(PursuitType, description="The new pursuit.")

    class Arguments:
        input = PursuitStartInput(required=True, description="What to pursue.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        version = load_node(info, input.credential_id, CredentialType, field="credentialId")
        cohort = None
        if input.cohort_id:
            cohort = _cohort_of(info.context.user, input.cohort_id)
        pursuit = pursuit_start(
            person=info.context.user,
            credential=Credential.objects.get(pk=version.credential_id),
            cohort=cohort,
        )
        return {"pursuit": pursuit}


def _cohort_of(person, global_id: str) -> Cohort:
    """A cohort the person is or was a member of; any other, existing or not, is NOT_FOUND
    (whether a cohort exists is not theirs to learn)."""
    pk = pk_from_global_id(global_id, CohortType._meta.name, field="cohortId")
    cohort = (
        Cohort.objects.filter(pk=pk, memberships__person=person).distinct().first()
        if pk.isdigit() and len(pk) < 19
        else None
    )
    if cohort is None:
        raise ValidationError(
            {"cohort_id": ValidationError("No Cohort with this id.", code=Codes.NOT_FOUND)}
        )
    return cohort


class PursuitWithdrawInput(graphene.InputObjectType):
    """The pursuit to withdraw."""

    pursuit_id = graphene.ID(required=True, description="Your pursuit.")


class PursuitWithdraw(BaseMutation):
    """Stop pursuing a credential you have not submitted anything for; its evidence and
    consent requests go with it. Refusal: NOT_DRAFT once a packet was submitted."""

    withdrawn_pursuit_id = graphene.ID(description="The id of the pursuit that is gone.")

    class Arguments:
        input = PursuitWithdrawInput(required=True, description="Which pursuit.")

    class Meta:
        permission = Teacher
        error_type = CredentialError

    @classmethod
    def perform(cls, info, input):
        pursuit = load_node(info, input.pursuit_id, PursuitType, field="pursuitId")
        pursuit_withdraw(person=info.context.user, pursuit=pursuit)
        return {"withdrawn_pursuit_id": input.pursuit_id}
