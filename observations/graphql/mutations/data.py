import graphene
from django.core.exceptions import ValidationError

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn
from observations.errors import ObservationError as Codes

from ...services.data import EntryInput, observation_data_submit
from ...tool_kinds import ToolKind, to_api_path
from ..errors import ObservationError
from ..loaders import load_visit
from ..types.tool_data import ENTRY_ONE_OF, api_field, entry_input_fields, one_of
from ..types.visits import ObservationEntryType, VisitType, with_tool_kind


class _ObservationEntryBase(graphene.InputObjectType):
    # A String, checked per entry: a malformed id is that entry's error, not the request's.
    client_id = graphene.String(
        required=True, description="A UUID the phone generates once per entry and keeps."
    )
    recorded_at = graphene.DateTime(
        required=True, description="The phone's clock when recorded, with its UTC offset."
    )


ObservationEntryInput = type(
    "ObservationEntryInput",
    (_ObservationEntryBase,),
    {
        "__doc__": f"One entry recorded on the phone. {ENTRY_ONE_OF} It must be the visit's "
        "tool's kind.",
        **entry_input_fields(),
    },
)


class ObservationDataSubmitInput(graphene.InputObjectType):
    """Entries for one visit, in any order, possibly sent before."""

    visit_id = graphene.ID(required=True, description="The Visit (or VisitSummary) id.")
    entries = graphene.List(
        graphene.NonNull(ObservationEntryInput),
        required=True,
        description="1 to 200 entries.",
    )


class ObservationDataSubmit(BaseMutation):
    """Send data collected during a visit (visitors). Safe to retry: an entry already stored
    under its clientId is returned as it is; a different entry under a used clientId is
    refused (CLIENT_ID_CONFLICT). All or nothing per request: when any entry is refused,
    nothing is stored and each problem names its entry and field (`entries.3.tally.category`,
    code INVALID_TOOL_DATA); send the others again."""

    visit = graphene.Field(VisitType, description="The visit after the data arrived.")
    entries = graphene.List(
        graphene.NonNull(ObservationEntryType),
        description="The entries of the request as stored, in the request's order.",
    )
    created_count = graphene.Int(description="How many entries were new.")

    class Arguments:
        input = ObservationDataSubmitInput(required=True, description="The entries.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        visit = load_visit(info, input.visit_id)
        entries, kinds, not_one = [], [], {}
        for index, entry in enumerate(input.entries):
            chosen = one_of(entry)
            if len(chosen) != 1:
                not_one[f"entries.{index}"] = ValidationError(
                    "Set exactly one field of the entry, the one of the visit's tool kind "
                    "(%(count)d set).",
                    code=Codes.INVALID_TOOL_DATA,
                    params={"count": len(chosen)},
                )
                continue
            (kind, payload), *_ = chosen
            kinds.append(kind)
            entries.append(
                EntryInput(
                    client_id=entry.client_id,
                    recorded_at=entry.recorded_at,
                    payload=payload,
                    kind=kind.value,
                )
            )
        if not_one:
            raise ValidationError(not_one)
        try:
            result = observation_data_submit(actor=info.context.user, visit=visit, entries=entries)
        except ValidationError as exc:
            raise _entry_paths(exc, kinds) from exc
        visit.refresh_from_db()
        return {
            "visit": visit,
            "entries": with_tool_kind(result.entries, visit),
            "created_count": result.created_count,
        }


def _entry_paths(exc: ValidationError, kinds: list[ToolKind]) -> ValidationError:
    """The service's `entries.<i>.payload.<stored path>` as the input's
    `entries.<i>.<kind>.<camelCase path>`, naming the field the phone set."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {}
    for key, problems in exc.error_dict.items():
        parts = key.split(".", 3)
        if len(parts) >= 3 and parts[0] == "entries" and parts[2] == "payload":
            index = int(parts[1])
            key = f"entries.{index}.{api_field(kinds[index])}"
            if len(parts) == 4:
                key += f".{to_api_path(parts[3])}"
        renamed[key] = problems
    return ValidationError(renamed)
