"""Declared permissions for root fields, mutations and subscriptions.

Every root field states who may call it; `declared_permission` lets a test walk the schema
and fail on a field that declares nothing. Object-level rules (is this person in this
cohort?) live in each app's selectors and services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from .errors import AuthenticationRequired, Forbidden


@dataclass(frozen=True)
class Permission:
    name: str
    requires_sign_in: bool
    check: Callable[[object], bool]

    def enforce(self, user) -> None:
        signed_in = user is not None and user.is_authenticated
        if self.requires_sign_in and not signed_in:
            raise AuthenticationRequired()
        if not self.check(user):
            raise Forbidden()


AllowAny = Permission("ANY", requires_sign_in=False, check=lambda user: True)
SignedIn = Permission("SIGNED_IN", requires_sign_in=True, check=lambda user: True)
# Who teaches at a school (teacher leaders too): visits, SLQs, tools and timetables are theirs.
Teacher = Permission(
    "TEACHER",
    requires_sign_in=True,
    check=lambda user: user.school_id is not None,
)
TeacherLeader = Permission(
    "TEACHER_LEADER",
    requires_sign_in=True,
    check=lambda user: user.is_teacher_leader or user.is_staff,
)
Coordinator = Permission(
    "COORDINATOR",
    requires_sign_in=True,
    check=lambda user: user.coordinated_district_id is not None or user.is_staff,
)
LeaderOrCoordinator = Permission(
    "TEACHER_LEADER_OR_COORDINATOR",
    requires_sign_in=True,
    check=lambda user: (
        user.is_teacher_leader or user.coordinated_district_id is not None or user.is_staff
    ),
)
Staff = Permission("STAFF", requires_sign_in=True, check=lambda user: user.is_staff)

PERMISSION_ATTRIBUTE = "__graphql_permission__"


def requires(permission: Permission):
    """Decorate a `resolve_*` or `subscribe_*` method with who may call it."""

    def decorate(resolver):
        if _is_async_generator(resolver):
            # A plain function, so the refusal happens when the stream is created (the client
            # gets an error result at once) rather than on the first event.
            @wraps(resolver)
            def guarded_stream(root, info, **kwargs):
                permission.enforce(info.context.user)
                return resolver(root, info, **kwargs)

            setattr(guarded_stream, PERMISSION_ATTRIBUTE, permission)
            return guarded_stream

        @wraps(resolver)
        def guarded(root, info, **kwargs):
            permission.enforce(info.context.user)
            return resolver(root, info, **kwargs)

        setattr(guarded, PERMISSION_ATTRIBUTE, permission)
        return guarded

    return decorate


def declared_permission(resolver) -> Permission | None:
    return getattr(resolver, PERMISSION_ATTRIBUTE, None)


def _is_async_generator(function) -> bool:
    import inspect

    return inspect.isasyncgenfunction(function)


def ensure(condition: bool, message: str | None = None) -> None:
    """Object-level check: inside a mutation's `perform` it becomes the payload's NOT_ALLOWED
    (BaseMutation); elsewhere a top-level FORBIDDEN. A read answers null instead (the model
    in README "How the API fails"), so prefer returning None in a query resolver."""
    if not condition:
        raise Forbidden(message) if message else Forbidden()
