"""Root fields of the improvement app."""

import graphene
from graphene_django import DjangoConnectionField

from backend.graphql.ids import read_pk
from backend.graphql.permissions import SignedIn, requires

from ..models import Pdsa
from .counts import ImprovementCountQueries
from .enums import PdsaStage
from .mutations import ImprovementMutationFields
from .types import PdsaType


class ImprovementQueries(ImprovementCountQueries, graphene.ObjectType):
    my_pdsas = DjangoConnectionField(
        PdsaType,
        stage=PdsaStage(description="Only cycles at this stage."),
        description="Your PDSA cycles, latest planned first.",
    )
    pdsa = graphene.Field(
        PdsaType,
        id=graphene.ID(required=True, description="The cycle's global id."),
        description="One of your PDSA cycles; null for anyone else's or none.",
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_my_pdsas(root, info, stage=None, **kwargs):
        pdsas = Pdsa.objects.filter(owner=info.context.user)
        if stage:
            pdsas = pdsas.filter(stage=getattr(stage, "value", stage))
        return pdsas.order_by("-created_at", "-id")

    @staticmethod
    @requires(SignedIn)
    def resolve_pdsa(root, info, id):
        pk = read_pk(id, PdsaType._meta.name)
        if pk is None:
            return None
        return PdsaType.get_queryset(Pdsa.objects.filter(pk=pk), info).first()


class ImprovementMutations(ImprovementMutationFields, graphene.ObjectType):
    pass


class ImprovementSubscriptions(graphene.ObjectType):
    pass
