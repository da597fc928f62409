"""Coordinators' counts of improvement work (`improvementCounts`): numbers per school, never a
person, a cycle's text, a measure's name or a value (`improvement.counts`)."""

import graphene

from backend.accounts.graphql.types import SchoolType
from backend.accounts.models import School
from backend.graphql.ids import read_district_and_school
from backend.graphql.permissions import Coordinator, requires

from .. import counts
from .enums import PdsaStage

SCHOOLS_CACHE = "improvement.count_schools"


class PdsaStageCountType(graphene.ObjectType):
    """How many PDSA cycles of a school are at one stage."""

    stage = graphene.Field(PdsaStage, required=True, description="The stage.")
    count = graphene.Int(required=True, description="How many cycles (0 or more).")

    class Meta:
        name = "PdsaStageCount"

    @staticmethod
    def resolve_stage(root, info):
        return root[0]

    @staticmethod
    def resolve_count(root, info):
        return root[1]


class ImprovementCountType(graphene.ObjectType):
    """How much improvement work goes on at a school: its teachers' PDSA cycles at each stage,
    their measures and data points. Counts of activity, not of people: a school where one
    teacher runs one cycle shows 1."""

    school = graphene.Field(SchoolType, required=True, description="The school.")
    pdsa_stages = graphene.List(
        graphene.NonNull(PdsaStageCountType),
        required=True,
        description="Cycles per stage, every stage in order (Plan to Done), zeros included.",
    )
    pdsas = graphene.Int(required=True, description="Cycles at any stage.")
    measures = graphene.Int(required=True, description="Measures made.")
    data_points = graphene.Int(required=True, description="Data points recorded.")
    library_entries = graphene.Int(
        required=True,
        description="Tested changes its teachers have shared in the improvement library now.",
    )

    class Meta:
        name = "ImprovementCount"

    @staticmethod
    def resolve_school(root, info):
        return info.context.loaders[SCHOOLS_CACHE][root.school_id]

    @staticmethod
    def resolve_pdsa_stages(root, info):
        return list(root.pdsas_by_stage)


class ImprovementCountQueries(graphene.ObjectType):
    improvement_counts = graphene.List(
        graphene.NonNull(ImprovementCountType),
        district_id=graphene.ID(required=True, description="The district you coordinate."),
        school_id=graphene.ID(description="Only this school of the district."),
        description="How much improvement work goes on in the district, per school with any: "
        "PDSA cycles per stage, measures, data points. Counts only, never a name, a text or a "
        "value (coordinators of the district and staff; null for any other district, and for "
        "a school not in it).",
    )

    @staticmethod
    @requires(Coordinator)
    def resolve_improvement_counts(root, info, district_id, school_id=None):
        pks = read_district_and_school(district_id, school_id)
        if pks is None:
            return None
        district_pk, school_pk = pks
        found = counts.improvement_counts(info.context.user, district_pk, school_pk)
        if found is None:
            return None
        # The schools named, loaded once for every row (aliases add theirs).
        info.context.loaders.setdefault(SCHOOLS_CACHE, {}).update(
            School.objects.in_bulk({row.school_id for row in found})
        )
        return found
