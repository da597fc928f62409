"""Creating and configuring cohorts, and who leads them."""

import graphene

from backend.accounts.graphql.types import PersonType, SchoolType
from backend.graphql.ids import load_node
from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import LeaderOrCoordinator, TeacherLeader

from ...services.cohorts import cohort_archive, cohort_create, cohort_leader_set, cohort_update
from ..errors import CohortError
from ..types import CohortType, MembershipType
from .common import optional_node, reload_cohort


class CohortCreateInput(graphene.InputObjectType):
    """A new cohort. Teacher leaders create one at their school and lead it; coordinators
    create one for a school of their district and may name its leader."""

    school_id = graphene.ID(required=True, description="The school the cohort belongs to.")
    name = graphene.String(required=True, description="What the group calls itself.")
    school_year = graphene.String(required=True, description="e.g. 2026-2027.")
    leader_id = graphene.ID(
        description="Coordinators: the teacher leader who will lead it (may be set later)."
    )
    target_blue_count = graphene.Int(
        default_value=4, description="Blue dots to aim for (the programme's 4 by default)."
    )
    target_yellow_count = graphene.Int(
        default_value=8, description="Yellow dots to aim for (the programme's 8 by default)."
    )
    enforce_targets = graphene.Boolean(
        default_value=False,
        description="Treat the targets as limits (ROLE_LIMIT_EXCEEDED beyond them).",
    )


class CohortCreate(BaseMutation):
    """Create a cohort (a learning group of a leader, blue dots and yellow dots)."""

    cohort = graphene.Field(CohortType, description="The new cohort.")

    class Arguments:
        input = CohortCreateInput(required=True, description="The cohort to create.")

    class Meta:
        permission = LeaderOrCoordinator
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        cohort = cohort_create(
            actor=info.context.user,
            school=load_node(info, input.school_id, SchoolType, field="schoolId"),
            name=input.name,
            school_year=input.school_year,
            leader=optional_node(info, input.leader_id, PersonType, field="leaderId"),
            target_blue_count=input.target_blue_count,
            target_yellow_count=input.target_yellow_count,
            enforce_targets=bool(input.enforce_targets),
        )
        return {"cohort": reload_cohort(info, cohort.pk)}


class CohortUpdateInput(graphene.InputObjectType):
    """What to change; fields left out stay as they are."""

    cohort_id = graphene.ID(required=True, description="The cohort to change.")
    name = graphene.String(description="A new name.")
    school_year = graphene.String(description="A new school year, e.g. 2026-2027.")
    target_blue_count = graphene.Int(description="Blue dots to aim for.")
    target_yellow_count = graphene.Int(description="Yellow dots to aim for.")
    enforce_targets = graphene.Boolean(description="Treat the targets as limits.")


class CohortUpdate(BaseMutation):
    """Rename a cohort or change its targets (leader only)."""

    cohort = graphene.Field(CohortType, description="The cohort as it is now.")

    class Arguments:
        input = CohortUpdateInput(required=True, description="What to change.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        cohort = cohort_update(
            actor=info.context.user,
            cohort=load_node(info, input.cohort_id, CohortType, field="cohortId"),
            name=input.name,
            school_year=input.school_year,
            target_blue_count=input.target_blue_count,
            target_yellow_count=input.target_yellow_count,
            enforce_targets=input.enforce_targets,
        )
        return {"cohort": reload_cohort(info, cohort.pk)}


class CohortArchiveInput(graphene.InputObjectType):
    """Which cohort to archive."""

    cohort_id = graphene.ID(required=True, description="The cohort to archive.")


class CohortArchive(BaseMutation):
    """Archive a cohort at the end of its year: it becomes read only and its upcoming
    meetings are cancelled. Its history and agendas stay."""

    cohort = graphene.Field(CohortType, description="The archived cohort.")

    class Arguments:
        input = CohortArchiveInput(required=True, description="Which cohort.")

    class Meta:
        permission = TeacherLeader
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        cohort = cohort_archive(
            actor=info.context.user,
            cohort=load_node(info, input.cohort_id, CohortType, field="cohortId"),
        )
        return {"cohort": reload_cohort(info, cohort.pk)}


class CohortLeaderSetInput(graphene.InputObjectType):
    """Who leads the cohort from now on."""

    cohort_id = graphene.ID(required=True, description="The cohort.")
    person_id = graphene.ID(required=True, description="A teacher leader of its school.")


class CohortLeaderSet(BaseMutation):
    """Hand a cohort to another teacher leader of its school (its leader, a coordinator of the
    district or staff). The previous leader leaves the cohort; history keeps who led when."""

    cohort = graphene.Field(
        CohortType,
        description="The cohort as it is now; null if you handed it over (you have left it).",
    )
    membership = graphene.Field(MembershipType, description="The new leader's membership.")

    class Arguments:
        input = CohortLeaderSetInput(required=True, description="Cohort and new leader.")

    class Meta:
        permission = LeaderOrCoordinator
        error_type = CohortError

    @classmethod
    def perform(cls, info, input):
        cohort = load_node(info, input.cohort_id, CohortType, field="cohortId")
        membership = cohort_leader_set(
            actor=info.context.user,
            cohort=cohort,
            person=load_node(info, input.person_id, PersonType, field="personId"),
        )
        return {"cohort": reload_cohort(info, cohort.pk), "membership": membership}
