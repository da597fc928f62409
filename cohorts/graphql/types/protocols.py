"""Protocols (the programme's library and a school's own) and agenda templates."""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from backend.accounts.graphql.types import SchoolType
from backend.graphql.types import CountableConnection

from ... import selectors
from ...models import Protocol
from ...protocol_library import AGENDA_TEMPLATES
from .. import enums


class ProtocolStepType(graphene.ObjectType):
    """One timed step of a protocol."""

    class Meta:
        name = "ProtocolStep"

    position = graphene.Int(required=True, description="1 for the first step.")
    title = graphene.String(required=True, description="What happens.")
    minutes = graphene.Int(required=True, description="How long it takes.")
    guidance = graphene.String(required=True, description="How to facilitate it.")


class ProtocolType(DjangoObjectType):
    """A structured conversation with timed steps that an agenda item can use: the programme's
    library (Student Learning Reflection, Looking at Student Work, setting norms) and a
    school's own."""

    key = graphene.String(description="Stable key of a library protocol; null for a school's.")
    name = graphene.String(required=True, description="The protocol's name.")
    purpose = graphene.String(required=True, description="What it is for.")
    is_library = graphene.Boolean(
        required=True, description="True for the programme's protocols (read only)."
    )
    school = graphene.Field(
        SchoolType, description="The school it belongs to; null for the library."
    )
    steps = graphene.List(
        graphene.NonNull(ProtocolStepType), required=True, description="The steps, in order."
    )
    total_minutes = graphene.Int(required=True, description="The steps' minutes added up.")

    class Meta:
        model = Protocol
        name = "Protocol"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        connection_class = CountableConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        return selectors.protocols_visible_to(info.context.user, queryset)

    @staticmethod
    def resolve_key(root: Protocol, info):
        return root.key or None

    @staticmethod
    def resolve_is_library(root: Protocol, info):
        return root.is_library

    @staticmethod
    def resolve_steps(root: Protocol, info):
        return list(root.steps.all())

    @staticmethod
    def resolve_total_minutes(root: Protocol, info):
        return sum(step.minutes for step in root.steps.all())


class AgendaTemplateItemType(graphene.ObjectType):
    """One item of an agenda template."""

    class Meta:
        name = "AgendaTemplateItem"

    title = graphene.String(required=True, description="What the item is.")
    minutes = graphene.Int(required=True, description="How long it takes.")
    protocol_key = graphene.String(description="The library protocol it uses, if any.")
    materials = graphene.String(required=True, description="What to bring or prepare.")

    @staticmethod
    def resolve_protocol_key(root, info):
        return root.protocol_key or None


class AgendaTemplateType(graphene.ObjectType):
    """A ready-made agenda for a standing meeting; starting from it copies its items."""

    class Meta:
        name = "AgendaTemplate"

    key = graphene.String(required=True, description="Pass this as `templateKey`.")
    name = graphene.String(required=True, description="What the template is for.")
    kind = graphene.Field(enums.MeetingKind, required=True, description="The meeting it suits.")
    description = graphene.String(required=True, description="When to use it.")
    total_minutes = graphene.Int(required=True, description="Its items' minutes added up.")
    items = graphene.List(
        graphene.NonNull(AgendaTemplateItemType), required=True, description="Its items, in order."
    )

    @staticmethod
    def resolve_kind(root, info):
        return root.kind

    @staticmethod
    def resolve_total_minutes(root, info):
        return root.total_minutes

    @staticmethod
    def resolve_items(root, info):
        return list(root.items)


def agenda_templates(kind=None) -> list:
    return [t for t in AGENDA_TEMPLATES if kind is None or t.kind == kind.value]
