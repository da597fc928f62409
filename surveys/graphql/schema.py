"""Root fields of the surveys app (filled in as the app grows)."""

import graphene


class SurveyQueries(graphene.ObjectType):
    pass


class SurveyMutations(graphene.ObjectType):
    pass


class SurveySubscriptions(graphene.ObjectType):
    pass
