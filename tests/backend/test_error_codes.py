"""Every refusal code the code can raise is one the API declares.

A service refuses with `ValidationError(message, code=...)`, `PermissionDenied` or
`PublicError(message, code=...)`; the phone switches on the code. A code that no enum holds
reaches the phone as `INVALID` (payload errors) or as an undocumented top-level code, so the
phone cannot tell it apart. These tests read the source with `ast`, so a code on a path no other
test walks is caught too.
"""

import ast
from enum import Enum
from pathlib import Path

import pytest

from backend.graphql.errors import ApiErrorCode
from backend.schema import schema

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("backend", "cohorts", "networks", "notifications", "observations", "surveys")
SKIP_PARTS = {"migrations", "management", "__pycache__"}
# Test and benchmark tools: their codes are FCM's, not ours.
SKIP_FILES = {"notifications/fake_fcm.py"}

# Callables whose code travels positionally: name -> index of the code argument (helpers
# defined with a `code` parameter are found in each module).
POSITIONAL_CODE = {"ValidationError": 1, "Refusal": 1, "request_error": 1, "HttpError": 2}
# The request pipeline (transport, parsing, limits) answers with top-level codes it spells as
# strings; they are checked against `ApiErrorCode` but may stay strings.
PIPELINE = ("backend/graphql/", "backend/body_limit.py")


def _source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if SKIP_PARTS & set(path.parts) or relative in SKIP_FILES:
                continue
            yield relative, path


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _code_helpers(tree: ast.Module) -> dict[str, int]:
    """Functions in this module taking a `code` parameter, with its position."""
    helpers = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [arg.arg for arg in node.args.posonlyargs + node.args.args]
            if names and names[0] in ("self", "cls"):
                names = names[1:]
            if "code" in names:
                helpers[node.name] = names.index("code")
    return helpers


def _enum_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> domain enum name, for `from x.errors import SurveyError as Codes`."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("errors"):
            for alias in node.names:
                aliases[alias.asname or alias.name] = alias.name
    return aliases


def _raised_codes():
    """(file:line, kind, value) for every code given to a call: kind is "literal" for a
    string, "member" for `SomeEnum.NAME` (aliases resolved to the enum's own name)."""
    found = []
    for relative, path in _source_files():
        tree = ast.parse(path.read_text(), filename=relative)
        positional = {**POSITIONAL_CODE, **_code_helpers(tree)}
        aliases = _enum_aliases(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            values = [kw.value for kw in node.keywords if kw.arg == "code"]
            index = positional.get(_callee(node))
            if index is not None and len(node.args) > index:
                values.append(node.args[index])
            for kw in node.keywords:  # GraphQLError(..., extensions={"code": ...})
                if kw.arg == "extensions" and isinstance(kw.value, ast.Dict):
                    for key, value in zip(kw.value.keys, kw.value.values, strict=True):
                        if isinstance(key, ast.Constant) and key.value == "code":
                            values.append(value)
            for value in values:
                where = f"{relative}:{value.lineno}"
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append((where, "literal", value.value))
                elif isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
                    enum_name = aliases.get(value.value.id, value.value.id)
                    found.append((where, "member", f"{enum_name}.{value.attr}"))
    return found


def _schema_error_codes() -> set[str]:
    """The values of every error-code enum the phone can receive."""
    codes = {member.value for member in ApiErrorCode}
    for name, graphql_type in schema.graphql_schema.type_map.items():
        if name.endswith("ErrorCode"):
            codes |= set(graphql_type.values)
    return codes


def _domain_enums() -> dict[str, type[Enum]]:
    from backend.accounts.errors import AccountError
    from backend.errors import CommonError
    from cohorts.errors import CohortError
    from notifications.errors import NotificationError
    from observations.errors import ObservationError
    from surveys.errors import SurveyError

    enums = [AccountError, CohortError, NotificationError, ObservationError, SurveyError]
    return {enum.__name__: enum for enum in [*enums, CommonError, ApiErrorCode]}


def test_the_scan_sees_the_refusals():
    """Guards the guard: if the scan stopped finding calls, the tests below would pass empty."""
    found = _raised_codes()
    assert len(found) > 150
    assert any(where.startswith("surveys/services/") for where, _, _ in found)


def test_every_raised_code_is_in_an_enum_the_schema_exposes():
    declared = _schema_error_codes()
    enums = _domain_enums()
    unknown = []
    for where, kind, value in _raised_codes():
        if kind == "literal":
            # errors_from_validation upper-cases Django's own lower-case codes.
            if value.upper() not in declared:
                unknown.append(f"{where} {value}")
        else:
            enum_name, member = value.split(".")
            if enum_name not in enums:
                continue  # `exc.code`, `refusal.code`: passed on, checked where made
            if member not in enums[enum_name].__members__ or member not in declared:
                unknown.append(f"{where} {value}")
    assert unknown == []


def test_shared_codes_are_in_every_app_enum():
    """`backend.graphql.ids` refuses with CommonError codes inside any app's mutation; every
    code is its own name and says what it means."""
    from backend.errors import CommonError

    for name, enum in _domain_enums().items():
        for member in enum:
            assert member.value == member.name and member.description, f"{name}.{member.name}"
        if name not in ("CommonError", "ApiErrorCode"):
            assert set(CommonError.__members__) <= set(enum.__members__), name


@pytest.mark.parametrize(
    "name", ["AccountError", "CohortError", "NotificationError", "ObservationError", "SurveyError"]
)
def test_domain_enum_and_graphql_enum_agree(name):
    """The GraphQL enum is made from the domain enum: same names, values and descriptions."""
    domain = _domain_enums()[name]
    graphql_enum = schema.graphql_schema.type_map[f"{name}Code"]
    assert set(graphql_enum.values) == {member.name for member in domain}
    for member in domain:
        assert member.value == member.name
        assert graphql_enum.values[member.name].description == member.description


def test_services_raise_enum_members_not_strings():
    """A typo in `code=SurveyError.CLOSDE` is an AttributeError at once; a typo in a string is
    a silent new code."""
    literals = [
        f"{where} {value}"
        for where, kind, value in _raised_codes()
        if kind == "literal" and not where.startswith(PIPELINE)
    ]
    assert literals == []


def _model_choices():
    import importlib
    import inspect

    from django.apps import apps
    from django.db import models

    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith(PACKAGES):
            continue
        try:
            module = importlib.import_module(f"{config.name}.models")
        except ImportError:
            continue
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, models.Choices) and value.__members__:
                found[f"{config.name}.models.{name}"] = value
    return found


def test_enums_that_mirror_model_choices_are_made_from_them():
    """A hand copy of a model's choices drifts when a choice is added; `choices_enum` cannot."""
    from graphql import GraphQLEnumType

    from backend.graphql.enums import MADE_FROM_CHOICES

    choices = _model_choices()
    copies = []
    for name, graphql_type in schema.graphql_schema.type_map.items():
        if not isinstance(graphql_type, GraphQLEnumType) or name.startswith("__"):
            continue
        for where, model_choices in choices.items():
            same = set(graphql_type.values) == set(model_choices.names)
            if same and MADE_FROM_CHOICES.get(name) is not model_choices:
                copies.append(f"{name} copies {where}")
    assert copies == []


def test_choices_enum_wants_a_description_for_every_choice():
    from django.db import models

    from backend.graphql.enums import choices_enum

    class Colour(models.TextChoices):
        RED = "RED", "Red"
        BLUE = "BLUE", "Blue"

    with pytest.raises(ValueError, match="BLUE"):
        choices_enum("Colour", Colour, "A colour.", {"RED": "Warm."})
    made = choices_enum("ColourFromLabels", Colour, "A colour.")
    assert made._meta.enum["BLUE"].value == "BLUE"
    assert made._meta.enum["BLUE"].description == "Blue"
