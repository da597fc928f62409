"""Global ids: in input (decode, check the type, load what the caller may see), and memoised
for answers that repeat them (`GlobalIds`).

This is the one place a global id is decoded: `split_global_id` never raises, `decode_global_id`
gives the number behind an id of an expected type or None, and `pk_from_global_id` /
`load_node` turn a bad id into the typed INVALID_ID / NOT_FOUND of a mutation's input field.
Nothing else imports graphql_relay's `from_global_id` (a test reads the source for it).
"""

from django.core.exceptions import ValidationError
from graphene.relay import Node
from graphql_relay import from_global_id

from backend.errors import CommonError

from .errors import ApiErrorCode, PublicError

# Past a 64-bit integer no row exists (and SQLite cannot even compare with it).
MAX_PK = 2**63


def split_global_id(global_id) -> tuple[str, str]:
    """(type name, pk as text) of a global id; ("", "") for anything that is not one."""
    try:
        type_name, pk = from_global_id(global_id)
    except Exception:  # graphql_relay raises several kinds on garbage
        return "", ""
    return type_name, pk


def decode_global_id(global_id, *type_names: str) -> int | None:
    """The number behind a global id of one of `type_names`; None for a string that is not a
    global id, an id of another type, or one whose pk is not a whole number. The caller says
    what None means (a typed INVALID_ID, NOT_FOUND, null), so ids of hidden objects and
    garbage can be answered alike."""
    type_name, pk = split_global_id(global_id)
    if type_name not in type_names or not (pk.isascii() and pk.isdigit()):
        return None
    return int(pk)


def read_pk(global_id, type_name: str) -> int | None:
    """The pk behind the id given to a read of one object (`cohort(id:)`): None, so the read
    answers null, for an id of another type or one whose pk is not a number, as for an object
    that does not exist or that the caller may not see. A string that is not a global id at
    all is the client's bug: BAD_USER_INPUT, as for `node(id:)`."""
    kind, pk = split_global_id(global_id)
    if not kind or not pk:
        raise PublicError(
            f"{str(global_id)[:40]!r} is not a valid id.", code=ApiErrorCode.BAD_USER_INPUT
        )
    pk = decode_global_id(global_id, type_name)
    return pk if pk is not None and pk < MAX_PK else None


def pk_from_global_id(global_id: str, type_name: str, *, field: str) -> str:
    """The pk (as text) of a global id of `type_name`, else an INVALID_ID error on `field`.
    A pk that is not a number passes: the caller's lookup answers NOT_FOUND for it."""
    kind, pk = split_global_id(global_id)
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
    type_name, pk = split_global_id(global_id)
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


def read_district_and_school(district_id, school_id) -> tuple[int, int | None] | None:
    """The pks behind a district's id and an optional school's (the counts' arguments), or
    None when either names nothing of its type: the read answers null."""
    district_pk = read_pk(district_id, "District")
    if district_pk is None:
        return None
    if school_id is None:
        return district_pk, None
    school_pk = read_pk(school_id, "School")
    return None if school_pk is None else (district_pk, school_pk)
