"""Root fields of the improvement app."""

import graphene
from graphene_django import DjangoConnectionField

from backend.graphql.ids import read_pk
from backend.graphql.permissions import SignedIn, requires

from .. import selectors_library
from ..models import LibraryEntry, Pdsa
from .counts import ImprovementCountQueries
from .enums import LibraryScopeEnum, PdsaStage
from .library_mutations import LibraryMutationFields
from .library_types import LibraryEntryType
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

    improvement_library = DjangoConnectionField(
        LibraryEntryType,
        scope=LibraryScopeEnum(description="Only entries shared with this scope."),
        description="Tested changes shared with you (your school's and your district's "
        "teachers' live entries, yours too), newest first.",
    )
    library_entry = graphene.Field(
        LibraryEntryType,
        id=graphene.ID(required=True, description="The entry's global id."),
        description="One library entry; null outside your scope, unpublished (unless yours) "
        "or none.",
    )

    @staticmethod
    @requires(SignedIn)
    def resolve_improvement_library(root, info, scope=None, **kwargs):
        # LibraryEntryType.get_queryset adds the questions' prefetch to the page.
        return selectors_library.library_of(info.context.user, getattr(scope, "value", scope))

    @staticmethod
    @requires(SignedIn)
    def resolve_library_entry(root, info, id):
        pk = read_pk(id, LibraryEntryType._meta.name)
        if pk is None:
            return None
        return LibraryEntryType.get_queryset(LibraryEntry.objects.filter(pk=pk), info).first()

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


class ImprovementMutations(ImprovementMutationFields, LibraryMutationFields, graphene.ObjectType):
    pass


class ImprovementSubscriptions(graphene.ObjectType):
    pass
