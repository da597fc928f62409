"""Root fields of the networks app (filled in as the app grows)."""

import graphene


class NetworkQueries(graphene.ObjectType):
    pass


class NetworkMutations(graphene.ObjectType):
    pass


class NetworkSubscriptions(graphene.ObjectType):
    pass
