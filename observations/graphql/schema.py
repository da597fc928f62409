"""Root fields of the observations app (filled in as the app grows)."""

import graphene


class ObservationQueries(graphene.ObjectType):
    pass


class ObservationMutations(graphene.ObjectType):
    pass


class ObservationSubscriptions(graphene.ObjectType):
    pass
