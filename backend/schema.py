"""The root schema: every app's queries, mutations and subscriptions side by side."""

import graphene

from backend.accounts.graphql.schema import (
    AccountMutations,
    AccountQueries,
    AccountSubscriptions,
)
from backend.graphql.ids import resolve_global_id
from backend.graphql.permissions import AllowAny, requires
from cohorts.graphql.schema import CohortMutations, CohortQueries, CohortSubscriptions
from credentials.graphql.schema import (
    CREDENTIAL_TYPES,
    CredentialMutations,
    CredentialQueries,
    CredentialSubscriptions,
)
from improvement.graphql.schema import (
    ImprovementMutations,
    ImprovementQueries,
    ImprovementSubscriptions,
)
from networks.graphql.schema import NetworkMutations, NetworkQueries, NetworkSubscriptions
from notifications.graphql.schema import (
    NotificationMutations,
    NotificationQueries,
    NotificationSubscriptions,
)
from observations.graphql.schema import (
    ObservationMutations,
    ObservationQueries,
    ObservationSubscriptions,
)
from surveys.graphql.schema import SurveyMutations, SurveyQueries, SurveySubscriptions


class Query(
    AccountQueries,
    CohortQueries,
    ObservationQueries,
    SurveyQueries,
    NotificationQueries,
    NetworkQueries,
    CredentialQueries,
    ImprovementQueries,
    graphene.ObjectType,
):
    """Everything the app can read."""

    node = graphene.Field(
        graphene.relay.Node,
        id=graphene.ID(required=True, description="The object's global id."),
        description="Any object by its global id, if you may see it; null otherwise.",
    )

    @staticmethod
    @requires(AllowAny)
    def resolve_node(root, info, id):
        return resolve_global_id(info, id)


class Mutation(
    AccountMutations,
    CohortMutations,
    ObservationMutations,
    SurveyMutations,
    NotificationMutations,
    NetworkMutations,
    CredentialMutations,
    ImprovementMutations,
    graphene.ObjectType,
):
    """Everything the app can change."""


class Subscription(
    AccountSubscriptions,
    CohortSubscriptions,
    ObservationSubscriptions,
    SurveySubscriptions,
    NotificationSubscriptions,
    NetworkSubscriptions,
    CredentialSubscriptions,
    ImprovementSubscriptions,
    graphene.ObjectType,
):
    """Live updates over the WebSocket at /graphql/ (graphql-transport-ws)."""


schema = graphene.Schema(
    query=Query, mutation=Mutation, subscription=Subscription, types=CREDENTIAL_TYPES
)
