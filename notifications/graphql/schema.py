"""Root fields of the notifications app (filled in as the app grows)."""

import graphene


class NotificationQueries(graphene.ObjectType):
    pass


class NotificationMutations(graphene.ObjectType):
    pass


class NotificationSubscriptions(graphene.ObjectType):
    pass
