"""The base of every mutation: declared permission, one transaction, typed user errors.

A mutation's payload has `errors: [XError!]!`, empty on success. Services raise Django's
`ValidationError(message, code=...)` (optionally keyed by input field) for what a user can fix;
this turns it into the list and rolls the transaction back, so nothing is half-written.

The failure model (README "How the API fails"): only `Meta.permission`, checked before anything
is read, refuses at the top level (UNAUTHENTICATED signed out, FORBIDDEN for a role that may
never use the mutation). Everything about the objects the input names is in the payload: an id
that does not exist or that the caller may not see is NOT_FOUND on its field (`load_node`), and
an object-level "may not" (`PermissionDenied` from a service, `ensure`) is NOT_ALLOWED.
"""

import logging

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from graphene.types.mutation import MutationOptions
from graphene.utils.str_converters import to_camel_case

from .errors import ApiErrorCode, PublicError
from .permissions import Permission

logger = logging.getLogger("backend.graphql")


def error_type(name: str, code_enum: type[graphene.Enum], description: str):
    """Build `XError { field, message, code: XErrorCode! }` for one app's mutations."""

    def resolve_code(root, info):
        return root["code"]

    return type(
        name,
        (graphene.ObjectType,),
        {
            "__doc__": description,
            "field": graphene.String(
                description=(
                    "The input field (camelCase, dotted for nested input) the error is about; "
                    "null when it is about the request as a whole."
                )
            ),
            "message": graphene.String(
                required=True, description="A sentence to show the person, in English."
            ),
            "code": graphene.Field(
                code_enum, required=True, description="Machine-readable reason."
            ),
            "resolve_code": staticmethod(resolve_code),
            "resolve_field": staticmethod(lambda root, info: root["field"]),
            "resolve_message": staticmethod(lambda root, info: root["message"]),
        },
    )


def _field_path(field: str) -> str | None:
    if field == NON_FIELD_ERRORS:
        return None
    return ".".join(to_camel_case(part) for part in field.split("."))


def errors_from_validation(exc: ValidationError, code_enum, *, prefix: str = "") -> list[dict]:
    """Flatten a (possibly nested, per-field) ValidationError into typed error rows."""
    known = {member.name for member in code_enum._meta.enum}
    rows: list[dict] = []

    def add(error: ValidationError, field: str | None):
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                nested = key if key == NON_FIELD_ERRORS else ".".join(filter(None, [field, key]))
                for item in errors:
                    add(item, None if nested == NON_FIELD_ERRORS else nested)
            return
        for item in error.error_list:
            if hasattr(item, "error_dict"):
                add(item, field)
                continue
            code = (item.code or "INVALID").upper()
            if code not in known:
                logger.warning("Error code %s is not in %s; sent as INVALID", code, code_enum)
                code = "INVALID"
            message = item.message % item.params if item.params else item.message
            rows.append(
                {
                    "field": _field_path(f"{prefix}{field}") if field else None,
                    "message": str(message),
                    "code": code_enum._meta.enum[code],
                }
            )

    add(exc, None)
    return rows


NOT_ALLOWED_MESSAGE = "You may not do this to this object."


def _refusal(exc: Exception, code: str, code_enum) -> dict:
    """One payload error about the object as a whole (`field` null)."""
    return {
        "field": None,
        "message": str(exc) or NOT_ALLOWED_MESSAGE,
        "code": code_enum._meta.enum[code],
    }


class BaseMutationOptions(MutationOptions):
    permission: Permission | None = None
    error_enum = None


class BaseMutation(graphene.Mutation):
    """Subclasses set `Meta.permission`, `Meta.error_type` and implement `perform`.

    Name the subclass like its field, noun first (`VisitPropose` for `visitPropose`); its payload
    type is then `VisitProposePayload` and its input should be `VisitProposeInput`
    (tests/backend/test_naming.py checks the scheme)."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls, permission=None, error_type=None, name=None, _meta=None, **options
    ):
        if permission is None:
            raise TypeError(f"{cls.__name__} must declare Meta.permission")
        if error_type is None:
            raise TypeError(f"{cls.__name__} must declare Meta.error_type")
        _meta = _meta or BaseMutationOptions(cls)
        _meta.permission = permission
        _meta.error_enum = error_type.code._type.of_type
        cls.errors = graphene.List(
            graphene.NonNull(error_type),
            required=True,
            description="What the person can fix; empty when the mutation succeeded.",
        )
        # The class is named like the field (`VisitPropose` serves `visitPropose`); the GraphQL
        # type it returns is `VisitProposePayload`, beside its `VisitProposeInput`.
        super().__init_subclass_with_meta__(
            name=name or f"{cls.__name__}Payload", _meta=_meta, **options
        )

    @classmethod
    def mutate(cls, root, info, **arguments):
        cls._meta.permission.enforce(info.context.user)
        try:
            with transaction.atomic():
                result = cls.perform(info, **arguments)
        except ValidationError as exc:
            return cls(errors=errors_from_validation(exc, cls._meta.error_enum))
        except PermissionDenied as exc:
            return cls(errors=[_refusal(exc, "NOT_ALLOWED", cls._meta.error_enum)])
        except PublicError as exc:
            # `ensure` (FORBIDDEN) and NotFound inside `perform` are about an object the input
            # names, not about the caller's role: payload errors like PermissionDenied's.
            code = {ApiErrorCode.FORBIDDEN: "NOT_ALLOWED", ApiErrorCode.NOT_FOUND: "NOT_FOUND"}
            if exc.code not in code:
                raise
            return cls(errors=[_refusal(exc, code[exc.code], cls._meta.error_enum)])
        if result is None:
            result = {}
        if isinstance(result, dict):
            return cls(errors=[], **result)
        return result

    @classmethod
    def perform(cls, info, **arguments):
        raise NotImplementedError
