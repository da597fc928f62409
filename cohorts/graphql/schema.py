"""Root fields of the cohorts app (filled in as the app grows)."""

import graphene


class CohortQueries(graphene.ObjectType):
    pass


class CohortMutations(graphene.ObjectType):
    pass


class CohortSubscriptions(graphene.ObjectType):
    pass
