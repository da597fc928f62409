"""Running one root field as one kind of caller, and reading what came back.

An `Outcome` says whether the call was refused (and how), whether it succeeded, and which of
the world's secrets (marker strings, global ids) the response body holds.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from graphql import GraphQLNonNull
from graphql_relay import from_global_id

from backend.accounts.services.tokens import access_token_issue

from . import selections
from .world import (
    CALLERS,
    COHORT,
    COORDINATOR,
    HOST,
    LEADER,
    OTHER_COHORT_MEMBER,
    PARTICIPANTS,
    SECRETS,
    STAFF,
    World,
)

GRAPHQL_RESPONSE = "application/graphql-response+json"
REFUSAL_CODES = frozenset({"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"})
# Typed mutation errors that mean "not you", "not something you can see" or "not in your
# position". A caller who may not use a mutation must get one of these (or a top-level
# refusal): any other code (INVALID...) would mean only the input stopped them.
TYPED_REFUSAL_CODES = frozenset(
    {
        "NOT_FOUND",
        "NOT_ALLOWED",  # you see the object but may not do this to it
        "NOT_INVITED",  # a survey you were not invited to answer
        "ALREADY_RESPONDED",  # the host and visitor answered the survey already
        "NOT_SLQ_HOST",
        "NOT_TOOL_OWNER",
        "NOT_PHOTO_OWNER",
        "NOT_VISIT_HOST",
        "NOT_VISIT_VISITOR",
        "NOT_VISIT_PARTICIPANT",
        "CANNOT_VISIT_SELF",  # the host proposing a visit to their own class
    }
)


def id_secrets(world: World) -> dict[str, frozenset[str]]:
    """Global ids of objects only some callers may know of."""
    cohort_viewers = COHORT | {COORDINATOR, STAFF}
    return {
        world.gid("Visit", "done"): PARTICIPANTS,
        world.gid("Visit", "proposed"): PARTICIPANTS,
        world.gid("StudentLearningQuestion", "slq"): PARTICIPANTS,
        world.gid("ReflectionSheet", "sheet"): PARTICIPANTS,
        world.gid("Photo", "photo"): PARTICIPANTS,
        world.gid("ReflectionSheet", "shared_sheet"): COHORT,
        world.gid("VisitSummary", "done"): PARTICIPANTS | {LEADER, COORDINATOR, STAFF},
        world.gid("Cohort", "cohort"): cohort_viewers,
        world.gid("Meeting", "held"): cohort_viewers,
        world.gid("Membership", "m_host"): cohort_viewers,
        world.gid("Cohort", "other_cohort"): frozenset({OTHER_COHORT_MEMBER, COORDINATOR, STAFF}),
        world.gid("Notification", "notification"): frozenset({HOST}),
        world.gid("Device", "device"): frozenset({HOST}),
        world.gid("Session", "host_session"): frozenset({HOST}),
        world.gid("Invitation", "open_invitation"): frozenset({LEADER, STAFF}),
        world.gid("SurveyReportNote", "note"): frozenset({LEADER, COORDINATOR, STAFF}),
    }


@dataclass
class Outcome:
    field: str
    caller: str
    status: int
    body: dict | None
    text: str
    top_codes: list[str] = field(default_factory=list)
    value: object = None
    typed_codes: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)

    @property
    def crashed(self) -> bool:
        return self.status >= 500 or "INTERNAL_SERVER_ERROR" in self.top_codes

    @property
    def refused(self) -> bool:
        """Refused at the top level with a code, or answered with nothing (null, an empty list
        or connection, a typed refusal and no object)."""
        if self.top_codes:
            return set(self.top_codes) <= REFUSAL_CODES and self.value is None
        if self.value is None or self.value is False or self.value == []:
            return True
        # A list filtered by an id the caller may not see answers as for one that does not
        # exist: empty (the failure model), not a top-level NOT_FOUND.
        if isinstance(self.value, dict) and self.value.get("edges") == []:
            return self.value.get("totalCount") in (0, None)
        if isinstance(self.value, dict) and "errors" in self.value:
            objects = {k: v for k, v in self.value.items() if k not in ("errors", "__typename")}
            return (
                bool(self.typed_codes)
                and set(self.typed_codes) <= TYPED_REFUSAL_CODES
                and not any(v not in (None, [], False, 0) for v in objects.values())
            )
        return False

    @property
    def succeeded(self) -> bool:
        if self.status != 200 or self.top_codes or self.value is None or self.value is False:
            return False
        if isinstance(self.value, dict) and "errors" in self.value:
            return self.value["errors"] == []
        return True

    def summary(self) -> str:
        parts = [f"{self.status}"]
        if self.top_codes:
            parts.append("top=" + ",".join(self.top_codes))
        if self.typed_codes:
            parts.append("typed=" + ",".join(self.typed_codes))
        if self.value is None:
            parts.append("null")
        if self.leaked:
            parts.append("LEAKED=" + ",".join(self.leaked))
        return " ".join(parts)


class Callers:
    """One signed-in HTTP client per kind of caller (anonymous: no token)."""

    def __init__(self, world: World):
        self.world = world
        self.tokens: dict[str, str | None] = {}
        for kind in CALLERS:
            user = world.users[kind]
            if user is None:
                self.tokens[kind] = None
            else:
                _token, raw = access_token_issue(user=user, device_name=f"matrix {kind}")
                self.tokens[kind] = raw
        self.client = Client()

    def headers(self, kind: str) -> dict:
        headers = {"Accept": GRAPHQL_RESPONSE}
        if self.tokens[kind]:
            headers["Authorization"] = f"Bearer {self.tokens[kind]}"
        return headers

    def post(self, kind: str, document: str, variables: dict, files: dict | None = None):
        if files:
            return self._post_multipart(kind, document, variables, files)
        body = {"query": document, "variables": variables}
        return self.client.post(
            "/graphql/",
            json.dumps(body),
            content_type="application/json",
            headers=self.headers(kind),
        )

    def _post_multipart(self, kind, document, variables, files):
        form = {
            "operations": json.dumps({"query": document, "variables": variables}),
            "map": json.dumps({str(i): [path] for i, path in enumerate(files)}),
        }
        for index, (name, content, _content_type) in enumerate(files.values()):
            upload = io.BytesIO(content)
            upload.name = name
            form[str(index)] = upload
        return self.client.post("/graphql/", form, headers=self.headers(kind))


_documents: dict[tuple, str] = {}


def document_for(operation: str, field_name: str, variables: dict) -> str:
    """`operation Matrix($a: T!) { field(a: $a) { everything it nests } }` (built once per
    field and set of arguments; node lookups once per type)."""
    key = (operation, field_name, tuple(variables))
    if field_name == "node":
        key += (from_global_id(variables.get("id", ""))[0],)
    if key not in _documents:
        _documents[key] = _build_document(operation, field_name, variables)
    return _documents[key]


def _build_document(operation: str, field_name: str, variables: dict) -> str:
    root = selections.root_fields(operation)[field_name]
    definitions = ", ".join(f"${name}: {root.args[name].type}" for name in variables)
    arguments = ", ".join(f"{name}: ${name}" for name in variables)
    head = f"{operation} Matrix" + (f"({definitions})" if definitions else "")
    call = field_name + (f"({arguments})" if arguments else "")
    named = selections.returned_type_name(root)
    if field_name == "node" and "id" in variables:
        # One concrete type per lookup: the fields of the type the id names.
        type_name = from_global_id(variables["id"])[0]

        def build_node(depth: int) -> str:
            fragment = selections.fragment_for(type_name, depth)
            return f"{head} {{ {call} {{ __typename id {fragment} }} }}"

        return selections.deepest_document(build_node, variables)
    if selections.returns_leaf(root):
        return f"{head} {{ {call} }}"

    def build(depth: int) -> str:
        return f"{head} {{ {call} {{ {selections.selection(named, depth)} }} }}"

    return selections.deepest_document(build, variables)


def missing_required_arguments(operation: str, field_name: str, variables: dict) -> list[str]:
    root = selections.root_fields(operation)[field_name]
    return [
        name
        for name, argument in root.args.items()
        if isinstance(argument.type, GraphQLNonNull)
        and argument.default_value is None
        and name not in variables
    ]


def secrets_in(text: str, caller: str, ids: dict[str, frozenset[str]], sent: str) -> list[str]:
    lowered = text.lower()
    leaked = [m for m, allowed in SECRETS.items() if caller not in allowed and m in lowered]
    # Quoted, so that Session:1 is not found inside Session:10.
    leaked += [
        gid
        for gid, allowed in ids.items()
        if caller not in allowed and f'"{gid}"' in text and gid not in sent
    ]
    return leaked


def run(
    callers: Callers,
    operation: str,
    field_name: str,
    caller: str,
    variables: dict,
    *,
    files: dict | None = None,
    ids: dict[str, frozenset[str]],
) -> Outcome:
    """Run the call in a savepoint that is rolled back: every case sees the same world."""
    document = document_for(operation, field_name, variables)
    cache.clear()  # rate limits: each case starts afresh
    with transaction.atomic():
        response = callers.post(caller, document, variables, files)
        transaction.set_rollback(True)
    text = response.content.decode("utf-8", "replace")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    outcome = Outcome(
        field=field_name, caller=caller, status=response.status_code, body=body, text=text
    )
    if isinstance(body, dict):
        outcome.top_codes = [
            (error.get("extensions") or {}).get("code", "?") for error in body.get("errors") or []
        ]
        data = body.get("data") or {}
        outcome.value = data.get(field_name) if isinstance(data, dict) else None
        if isinstance(outcome.value, dict) and isinstance(outcome.value.get("errors"), list):
            outcome.typed_codes = [e.get("code") for e in outcome.value["errors"]]
    outcome.leaked = secrets_in(text, caller, ids, json.dumps(variables))
    return outcome
