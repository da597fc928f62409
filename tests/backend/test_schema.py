"""The SDL the mobile team codes against is current, described, and every root field declares
who may call it."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import declared_permission
from backend.schema import Query, Subscription, schema

SDL_FILE = Path(settings.BASE_DIR) / "mobile_api_schema.graphql"


def test_the_checked_in_sdl_is_current(tmp_path):
    out = tmp_path / "schema.graphql"

    call_command("graphql_schema", schema="backend.schema.schema", out=str(out), stdout=None)

    assert out.read_text() == SDL_FILE.read_text(), (
        "mobile_api_schema.graphql is stale: run `make schema` and commit it."
    )


def _own_types():
    for name, graphql_type in schema.graphql_schema.type_map.items():
        if name.startswith("__") or name in {"String", "Boolean", "Int", "Float", "ID"}:
            continue
        yield name, graphql_type


def test_every_type_field_argument_and_enum_value_has_a_description():
    missing = []
    for name, graphql_type in _own_types():
        if not graphql_type.description:
            missing.append(name)
        if isinstance(
            graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
        ):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description and arg_name not in {
                        "before",
                        "after",
                        "first",
                        "last",
                        "offset",
                    }:
                        missing.append(f"{name}.{field_name}({arg_name})")
    assert missing == []


def _mutation_classes():
    return {cls._meta.name: cls for cls in _subclasses(BaseMutation)}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_root_field_declares_who_may_call_it():
    undeclared = []
    for root, prefix in ((Query, "resolve"), (Subscription, "subscribe")):
        for name in root._meta.fields:
            method = getattr(root, f"{prefix}_{name}", None)
            if method is None or declared_permission(method) is None:
                undeclared.append(f"{root._meta.name}.{name}")
    mutations = _mutation_classes()
    for name, field in schema.graphql_schema.mutation_type.fields.items():
        payload = field.type.of_type if hasattr(field.type, "of_type") else field.type
        mutation = mutations.get(payload.name)
        if mutation is None or mutation._meta.permission is None:
            undeclared.append(f"Mutation.{name}")
    assert undeclared == []


def test_enums_have_described_values_for_codegen():
    for name, graphql_type in _own_types():
        if isinstance(graphql_type, GraphQLEnumType):
            assert graphql_type.values, name
