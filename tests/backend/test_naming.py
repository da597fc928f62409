"""The API's naming scheme (CONTRIBUTING, "Naming"), checked on every type, field and value of
the schema, so a new operation cannot bring back a second scheme.

- Mutations are `<entity><Action>`: the entity is a type of the schema in lowerCamelCase
  (`visit`, `surveyAdministration`) or one of ENTITY_NOUNS, the Action one of ACTIONS
  (`visitPropose`). They take nothing or one `input: <Mutation>Input!` and return
  `<Mutation>Payload` (`VisitProposeInput`, `VisitProposePayload`).
- Subscriptions are `<entity><PastParticiple>` returning `<Subscription>Event`
  (`visitChanged: VisitChangedEvent!`).
- Queries are nouns (`myVisits`, `cohort`), never a verb first (`getVisits`, `listTools`).
- Types and enums PascalCase, fields, arguments and input fields camelCase, enum values
  SCREAMING_SNAKE_CASE, input types end in `Input`, error code enums are `<App>ErrorCode`.

The checker is tried on small made-up schemas too, so each rule is seen to fail.
"""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
)

from backend.schema import schema

# The verbs a mutation may end with. A new one is fine when none of these says it: add it here
# and to CONTRIBUTING's list.
ACTIONS = frozenset(
    {
        "Accept", "Add", "Advance", "Answer", "ApplyTemplate", "Approve", "Archive", "Ask",
        "Assign", "Attest",
        "Cancel", "Close", "Complete", "Confirm", "Copy", "Create", "Decide", "Decline", "Delete",
        "End", "Extend", "Grant", "Invite", "Launch", "Link", "MarkAllRead", "MarkRead", "Propose",
        "Publish",
        "Record", "Register", "Remove", "Replace", "Reschedule", "Revoke", "RoleChange", "Rotate",
        "Save", "Select", "SendTest", "Set", "Share", "SignIn", "SignOut", "Start", "Submit",
        "Unassign", "Unpublish", "Unregister", "Update", "Upload", "Withdraw", "Write",
    }
)  # fmt: skip

# Things a mutation or subscription changes that have no object type of that name. Prefer a
# type's name when there is one (`calendarFeed`, `session`, `notificationPreferences` are types).
ENTITY_NOUNS = frozenset(
    {
        "bellSchedule",  # the school's BellPeriods
        "classSurvey",  # a SurveyAdministration of one class's students, answered with codes
        "cohortLeader",  # the cohort's leader (a Person)
        "cohortMembers",  # people added to a cohort at once
        "annotation",  # a note on a measure's run chart (RunChartAnnotation)
        "cohortPeer",  # a cohort member invited by e-mail
        "consent",  # a ConsentRequest, answered by the person asked
        "evidence",  # a pursuit's evidence as a whole (an attestation)
        "evidenceChoice",  # the option chosen for a choice requirement
        "evidenceList",  # the entries of a list requirement
        "evidenceText",  # the answer to one prompt of a text requirement
        "dataPoints",  # a batch of a measure's points
        "districtEmailDomains",  # District.emailDomains
        "meetingAgenda",  # Meeting.agenda
        "observationData",  # a visit's ObservationEntries
        "pdsaMeasure",  # the link between a Pdsa and a Measure
        "personOutsideDomains",  # a Person whose address is outside the district's domains
        "surveyResponse",  # one person's answers (never stored with who gave them)
        "surveyResponseCount",  # a survey's live counts
        "timetable",  # your TimetablePeriods
        "visitPlan",  # a visit's question, tool, room and notes
        "yellowDot",  # a yellow dot's assignment to a blue dot
    }
)

PAST_PARTICIPLES = frozenset(
    {
        "Added", "Changed", "Closed", "Created", "Deleted", "Ended", "Opened", "Received",
        "Removed", "Revoked", "Started", "Updated",
    }
)  # fmt: skip

# A query starting with one of these is a command or a getter, not a noun.
QUERY_VERBS = frozenset(
    {"get", "list", "fetch", "find", "load", "search", "query", "read", "count", "change"}
    | {action[0].lower() + re.sub(r"[A-Z].*", "", action[1:]) for action in ACTIONS}
) - {"role"}  # from RoleChange

PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*")
CAMEL = re.compile(r"[a-z][A-Za-z0-9]*")
SCREAMING_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")
BUILT_IN = {"String", "Boolean", "Int", "Float", "ID", "Query", "Mutation", "Subscription"}


def upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def project_app_names() -> set[str]:
    """`Account` for backend.accounts, `Survey` for surveys: the `<App>` of `<App>ErrorCode`."""
    base = Path(settings.BASE_DIR).resolve()
    names = set()
    for config in apps.get_app_configs():
        if Path(config.path).resolve().is_relative_to(base):
            names.add(upper_first(config.label.removesuffix("s")))
    return names


def _split(name: str, suffixes, entities: set[str]) -> tuple[str, str] | None:
    """The (entity, suffix) that `name` is made of, or None."""
    for suffix in sorted(suffixes, key=len, reverse=True):
        entity = name.removesuffix(suffix)
        if entity != name and entity and entity in entities:
            return entity, suffix
    return None


def naming_violations(graphql_schema: GraphQLSchema, *, app_names: set[str]) -> list[str]:
    """One sentence per name that breaks the scheme, naming the field and the rule."""
    problems: list[str] = []
    types = {
        name: graphql_type
        for name, graphql_type in graphql_schema.type_map.items()
        if not name.startswith("__")
    }
    entities = {
        lower_first(name)
        for name, graphql_type in types.items()
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType)
        and name not in BUILT_IN
    } | ENTITY_NOUNS

    for name, graphql_type in types.items():
        if not PASCAL.fullmatch(name):
            problems.append(f"{name}: type names are PascalCase")
        if isinstance(graphql_type, GraphQLEnumType):
            for value in graphql_type.values:
                if not SCREAMING_SNAKE.fullmatch(value):
                    problems.append(f"{name}.{value}: enum values are SCREAMING_SNAKE_CASE")
            if name.endswith("ErrorCode") and name.removesuffix("ErrorCode") not in app_names:
                problems.append(
                    f"{name}: error code enums are <App>ErrorCode, App one of {sorted(app_names)}"
                )
        if isinstance(graphql_type, GraphQLInputObjectType) and not name.endswith("Input"):
            problems.append(f"{name}: input type names end in Input")
        if isinstance(graphql_type, GraphQLObjectType) and name.endswith("Error"):
            code = graphql_type.fields.get("code")
            if code is not None and get_named_type(code.type).name != f"{name}Code":
                problems.append(f"{name}.code: an <App>Error's code is an <App>ErrorCode")
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if not CAMEL.fullmatch(field_name):
                    problems.append(f"{name}.{field_name}: field names are camelCase")
                for arg_name in field.args:
                    if not CAMEL.fullmatch(arg_name):
                        problems.append(
                            f"{name}.{field_name}({arg_name}): argument names are camelCase"
                        )
        if isinstance(graphql_type, GraphQLInputObjectType):
            for field_name in graphql_type.fields:
                if not CAMEL.fullmatch(field_name):
                    problems.append(f"{name}.{field_name}: input field names are camelCase")

    payloads: set[str] = set()
    if graphql_schema.mutation_type is not None:
        for field_name, field in graphql_schema.mutation_type.fields.items():
            where = f"Mutation.{field_name}"
            if _split(field_name, ACTIONS, entities) is None:
                problems.append(
                    f"{where}: a mutation is <entity><Action>: entity a type of the schema in "
                    "lowerCamelCase or one of ENTITY_NOUNS, Action one of ACTIONS "
                    "(tests/backend/test_naming.py)"
                )
            own = upper_first(field_name)
            payload = get_named_type(field.type).name
            payloads.add(payload)
            if payload != f"{own}Payload":
                problems.append(f"{where}: returns {payload}; a mutation returns {own}Payload")
            arguments = {arg_name: str(arg.type) for arg_name, arg in field.args.items()}
            if arguments not in ({}, {"input": f"{own}Input!"}):
                problems.append(
                    f"{where}: takes {arguments}; a mutation takes nothing or one "
                    f"`input: {own}Input!` of its own"
                )
    for name in types:
        if name.endswith("Payload") and name not in payloads:
            problems.append(f"{name}: only a mutation's result is named <Mutation>Payload")

    if graphql_schema.subscription_type is not None:
        for field_name, field in graphql_schema.subscription_type.fields.items():
            where = f"Subscription.{field_name}"
            if _split(field_name, PAST_PARTICIPLES, entities) is None:
                problems.append(
                    f"{where}: a subscription is <entity><PastParticiple>: entity a type of the "
                    "schema in lowerCamelCase or one of ENTITY_NOUNS, PastParticiple one of "
                    "PAST_PARTICIPLES (tests/backend/test_naming.py)"
                )
            event = get_named_type(field.type).name
            if event != f"{upper_first(field_name)}Event":
                problems.append(
                    f"{where}: returns {event}; a subscription returns "
                    f"{upper_first(field_name)}Event"
                )

    if graphql_schema.query_type is not None:
        for field_name in graphql_schema.query_type.fields:
            first_word = re.match(r"[a-z]+", field_name)
            if first_word and first_word.group(0) in QUERY_VERBS:
                problems.append(
                    f"Query.{field_name}: a query is a noun (`tools`, `myVisits`), "
                    f"not a verb first ({first_word.group(0)})"
                )
    return problems


def test_the_schema_follows_the_naming_scheme():
    problems = naming_violations(schema.graphql_schema, app_names=project_app_names())

    assert problems == []


def test_the_error_code_enums_are_named_after_apps():
    assert {"Account", "Cohort", "Observation", "Survey", "Notification"} <= project_app_names()


# The checker on made-up schemas: each rule fails on a planted bad name.

GOOD = """
type Query { visit(id: ID!): Visit  myVisits: [Visit!]! }
type Visit { id: ID!  startTime: String  status: VisitStatus }
enum VisitStatus { PROPOSED  IN_PROGRESS }
enum ObservationErrorCode { NOT_FOUND }
type ObservationError { field: String  code: ObservationErrorCode! }
input VisitProposeInput { hostId: ID! }
type VisitProposePayload { visit: Visit  errors: [ObservationError!]! }
type TimetableSetPayload { errors: [ObservationError!]! }
type Mutation {
  visitPropose(input: VisitProposeInput!): VisitProposePayload
  timetableSet: TimetableSetPayload
}
type VisitChangedEvent { visit: Visit }
type Subscription { visitChanged(visitId: ID): VisitChangedEvent! }
"""


def _violations(sdl: str) -> list[str]:
    return naming_violations(build_schema(sdl), app_names={"Observation"})


def _planted(old: str, new: str) -> list[str]:
    assert old in GOOD
    return _violations(GOOD.replace(old, new))


def test_the_checker_passes_a_schema_that_follows_the_scheme():
    assert _violations(GOOD) == []


def test_the_checker_refuses_a_verb_first_mutation():
    problems = _planted("visitPropose(", "proposeVisit(")

    assert problems[0].startswith("Mutation.proposeVisit: a mutation is <entity><Action>")


def test_the_checker_refuses_a_mutation_on_an_unknown_entity_or_verb():
    assert _planted("timetableSet:", "widgetSet:")[0].startswith("Mutation.widgetSet: a mutation")
    assert _planted("timetableSet:", "timetableFrobnicate:")[0].startswith(
        "Mutation.timetableFrobnicate: a mutation"
    )


def test_the_checker_refuses_a_payload_or_input_named_otherwise():
    assert _planted("): VisitProposePayload", "): TimetableSetPayload") == [
        "Mutation.visitPropose: returns TimetableSetPayload; a mutation returns "
        "VisitProposePayload",
        "VisitProposePayload: only a mutation's result is named <Mutation>Payload",
    ]
    problems = _violations(
        GOOD.replace("VisitProposeInput", "ProposeVisitInput").replace(
            "timetableSet: TimetableSetPayload", "timetableSet(id: ID!): TimetableSetPayload"
        )
    )
    assert problems == [
        "Mutation.visitPropose: takes {'input': 'ProposeVisitInput!'}; a mutation takes "
        "nothing or one `input: VisitProposeInput!` of its own",
        "Mutation.timetableSet: takes {'id': 'ID!'}; a mutation takes nothing or one "
        "`input: TimetableSetInput!` of its own",
    ]


def test_the_checker_refuses_badly_named_subscriptions():
    problems = _planted("visitChanged(visitId", "onVisitChange(visitId")

    assert problems == [
        "Subscription.onVisitChange: a subscription is <entity><PastParticiple>: entity a type "
        "of the schema in lowerCamelCase or one of ENTITY_NOUNS, PastParticiple one of "
        "PAST_PARTICIPLES (tests/backend/test_naming.py)",
        "Subscription.onVisitChange: returns VisitChangedEvent; a subscription returns "
        "OnVisitChangeEvent",
    ]


def test_the_checker_refuses_badly_cased_types_fields_arguments_and_values():
    assert _planted("IN_PROGRESS", "inProgress") == [
        "VisitStatus.inProgress: enum values are SCREAMING_SNAKE_CASE"
    ]
    assert _planted("startTime:", "start_time:") == ["Visit.start_time: field names are camelCase"]
    assert _planted("visitChanged(visitId", "visitChanged(visit_id") == [
        "Subscription.visitChanged(visit_id): argument names are camelCase"
    ]
    assert _planted("hostId:", "HostId:") == [
        "VisitProposeInput.HostId: input field names are camelCase"
    ]
    assert _violations(GOOD.replace("VisitStatus", "visit_status")) == [
        "visit_status: type names are PascalCase"
    ]


def test_the_checker_refuses_an_input_type_not_ending_in_input():
    extra = GOOD + "input VisitTime { minutes: Int }\ntype Extra { f(t: VisitTime): Int }\n"
    extra = extra.replace("myVisits: [Visit!]!", "myVisits: [Visit!]!  extra: Extra")

    assert _violations(extra) == ["VisitTime: input type names end in Input"]


def test_the_checker_refuses_an_error_code_enum_of_no_app():
    problems = _planted("ObservationErrorCode", "WidgetErrorCode")

    assert problems == [
        "WidgetErrorCode: error code enums are <App>ErrorCode, App one of ['Observation']",
        "ObservationError.code: an <App>Error's code is an <App>ErrorCode",
    ]


def test_the_checker_refuses_a_query_that_starts_with_a_verb():
    assert _planted("myVisits:", "getVisits:") == [
        "Query.getVisits: a query is a noun (`tools`, `myVisits`), not a verb first (get)"
    ]
    assert _planted("myVisits:", "proposeVisits:")[0].startswith("Query.proposeVisits: a query")
