"""Global ids: in mutation input (decode, check the type, load what the caller may see), and
memoised for answers that repeat them (`GlobalIds`)."""

from django.core.exceptions import ValidationError
from graphene.relay import Node
from graphql_relay import from_global_id

from backend.errors import CommonError

from .errors import ApiErrorCode, PublicError


def pk_from_global_id(global_id: str, type_name: str, *, field: str) -> str:
    try:
        kind, pk = from_global_id(global_id)
    except Exception:  # graphql_relay raises several kinds on garbage
        kind, pk = None, None
    if kind != type_name or not pk:
        raise ValidationError(
            {
                field: ValidationError(
                    f"Expected the id of a {type_name}.", code=CommonError.INVALID_ID
                )
            }
        )
    return pk


def load_node(info, global_id: str, object_type, *, field: str):
    """The object behind a global id if the caller may see it, else a NOT_FOUND user error.

    Objects the caller may not see are reported as not found, so ids reveal nothing.
    """
    pk = pk_from_global_id(global_id, object_type._meta.name, field=field)
    queryset = object_type.get_queryset(object_type._meta.model.objects.all(), info)
    instance = queryset.filter(pk=pk).first() if pk.isdigit() else None
    if instance is None:
        raise ValidationError(
            {
                field: ValidationError(
                    f"No {object_type._meta.name} with this id.", code=CommonError.NOT_FOUND
                )
            }
        )
    return instance


def resolve_global_id(info, global_id: str):
    """`node(id:)`: the object if it exists and the caller may see it, else null.

    A string that is not a global id at all is the client's bug and gets a clear error.
    """
    try:
        type_name, pk = from_global_id(global_id)
    except Exception:
        type_name, pk = "", ""
    if not type_name or not pk:
        raise PublicError(
            f"{global_id[:40]!r} is not a valid id.", code=ApiErrorCode.BAD_USER_INPUT
        )
    graphene_type = info.schema.get_type(type_name)
    object_type = getattr(graphene_type, "graphene_type", None)
    get_node = getattr(object_type, "get_node", None)
    model = getattr(getattr(object_type, "_meta", None), "model", None)
    if get_node is None or model is None:
        return None
    try:
        model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    return get_node(info, pk)


class GlobalIds(dict):
    """pk -> the global id of one type, memoised (None -> None).

    A district map names each of thousands of people on several edges, and encoding (a string
    format and base64) was a fifth of the answer's time. Looking one up is a dict lookup in C
    (`ids[pk]`), which compiled rows (`rows`) call directly. Cleared when it grows past
    `LIMIT`, so a long-running process holds a bounded number."""

    LIMIT = 65_536

    def __init__(self, type_name: str) -> None:
        super().__init__()
        self.type_name = type_name

    def __missing__(self, pk):
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[pk] = None if pk is None else Node.to_global_id(self.type_name, pk)
        return found
