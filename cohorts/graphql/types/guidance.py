"""Advice types: guidance about a cohort's shape and warnings about a meeting."""

import graphene

from .. import enums


class GuidanceMessageType(graphene.ObjectType):
    """One piece of advice to show, e.g. "2 yellow dots still unassigned"."""

    class Meta:
        name = "GuidanceMessage"

    code = graphene.Field(enums.GuidanceCode, required=True, description="What it is about.")
    message = graphene.String(required=True, description="A sentence to show, in English.")
    count = graphene.Int(description="The number the message is about, when there is one.")


class CohortGuidanceType(graphene.ObjectType):
    """How the cohort compares with the programme's shape (or the school's own targets).
    Advice only: nothing here stops a change."""

    class Meta:
        name = "CohortGuidance"

    group_size = graphene.Int(required=True, description="Current members, leader included.")
    target_group_size = graphene.Int(
        required=True, description="Leader plus the blue and yellow targets (13 by default)."
    )
    blue_count = graphene.Int(required=True, description="Current blue dots.")
    target_blue_count = graphene.Int(required=True, description="Blue dots aimed for.")
    yellow_count = graphene.Int(required=True, description="Current yellow dots.")
    target_yellow_count = graphene.Int(required=True, description="Yellow dots aimed for.")
    unassigned_yellow_count = graphene.Int(
        required=True, description="Yellow dots no blue dot visits yet."
    )
    blue_without_yellow_count = graphene.Int(
        required=True, description="Blue dots with no yellow dot to visit yet."
    )
    is_complete = graphene.Boolean(
        required=True, description="True when there is nothing left to advise."
    )
    messages = graphene.List(
        graphene.NonNull(GuidanceMessageType),
        required=True,
        description="What to show, most important first; empty when complete.",
    )
