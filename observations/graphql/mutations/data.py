import graphene

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn

from ...services.data import EntryInput, observation_data_submit
from .. import json_text
from ..errors import ObservationError
from ..loaders import load_visit
from ..types.visits import ObservationEntryType, VisitType


class ObservationEntryInput(graphene.InputObjectType):
    """One entry recorded on the phone."""

    # A String, checked per entry: a malformed id is that entry's error, not the request's.
    client_id = graphene.String(
        required=True, description="A UUID the phone generates once per entry and keeps."
    )
    recorded_at = graphene.DateTime(
        required=True, description="The phone's clock when recorded, with its UTC offset."
    )
    payload = graphene.String(
        required=True,
        description="The entry for the visit's tool kind (see ToolKind), as a JSON text.",
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
    nothing is stored and each problem names its entry and field (`entries.3.payload.category`,
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
        result = observation_data_submit(
            actor=info.context.user,
            visit=visit,
            entries=[
                EntryInput(
                    client_id=e.client_id,
                    recorded_at=e.recorded_at,
                    payload=json_text.load_payload(e.payload),
                )
                for e in input.entries
            ],
        )
        visit.refresh_from_db()
        return {"visit": visit, "entries": result.entries, "created_count": result.created_count}
