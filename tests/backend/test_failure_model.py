"""The failure model (README "How the API fails"), checked over the whole schema.

- Top level (`errors[].extensions.code`): the request as a whole. UNAUTHENTICATED signed out,
  FORBIDDEN only for a role that may never use the root field (its declared permission,
  checked before anything is read).
- A mutation's payload `errors`: everything about the objects its input names. An id that does
  not exist and one of an object the caller may not see are the same NOT_FOUND on that field.
- Reads of one object by id (`node`, `cohort(id:)`, a map, a report) answer null with no error
  for both; lists filtered by such an id answer the same for both.

Nothing here names a mutation or query: fields, their ID inputs and their permissions are read
from the schema, the arguments from the authorization matrix's `operations.py` (whose own test
fails on a field it lacks), and the objects from its world. A new field is covered by itself.
"""

from __future__ import annotations

import json
import re

import pytest
from graphene.utils.str_converters import to_snake_case
from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
)
from graphql_relay import to_global_id

from backend.graphql.permissions import SignedIn, declared_permission
from backend.schema import Query, schema
from tests.security import matrix, operations, selections
from tests.security.test_authorization_matrix import DECLARATION, NODE_DECLARATION
from tests.security.world import (
    ANONYMOUS,
    CALLERS,
    HOST,
    OTHER_COORDINATOR,
    SIGNED_IN,
    STAFF,
    VISITOR,
    build_world,
)

GRAPHQL = schema.graphql_schema
NODE_TYPES = frozenset(t.name for t in GRAPHQL.get_possible_types(GRAPHQL.type_map["Node"]))
# An id field's name says what it names (`visitId`, `yellowMembershipId`); these say it
# otherwise. A wrong guess fails loudly: the server answers INVALID_ID, not NOT_FOUND.
ID_NAMES = {
    "host": "Person",
    "person": "Person",
    "leader": "Person",
    "facilitator": "Person",
    "invitee": "Person",
    "slq": "StudentLearningQuestion",
    "craftedWith": "Person",
    "replaces": "StudentLearningQuestion",
    "note": "SurveyReportNote",
    "administration": "SurveyAdministration",
    "baseline": "SurveyAdministration",
    "followUp": "SurveyAdministration",
    "instrument": "SurveyInstrument",
    "item": "SurveyItem",
    "coordinatedDistrict": "District",
    "copyAgendaFromMeeting": "Meeting",
}
MISSING_PK = 987_654_321  # a well-formed id of an object that does not exist


def id_type(field_name: str, field=None) -> str:
    """The object type an ID field names, from its name (`id`: what the field returns)."""
    if field_name == "id" and field is not None:
        return get_named_type(field.type).name
    stem = re.sub(r"Ids?$", "", field_name)
    if stem in ID_NAMES:
        return ID_NAMES[stem]
    for size in range(len(stem)):
        candidate = stem[size].upper() + stem[size + 1 :]
        if candidate in NODE_TYPES and (size == 0 or stem[size].isupper()):
            return candidate
    raise AssertionError(f"Say which type `{field_name}` names in ID_NAMES")


def is_id(graphql_type) -> bool:
    return get_named_type(graphql_type).name == "ID" and not isinstance(
        graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type,
        GraphQLList,
    )


def input_id_fields(field) -> list[tuple[str, str | None]]:
    """(argument, input field or None) of every single ID the root field takes, at the top
    level of its arguments or of an input object argument."""
    found = []
    for name, argument in field.args.items():
        named = get_named_type(argument.type)
        if is_id(argument.type):
            found.append((name, None))
        elif isinstance(named, GraphQLInputObjectType):
            found += [(name, inner) for inner, f in named.fields.items() if is_id(f.type)]
    return found


def permission_of(kind: str, name: str):
    if kind == "mutation":
        payload = get_named_type(GRAPHQL.mutation_type.fields[name].type)
        return payload.graphene_type._meta.permission
    return declared_permission(getattr(Query, f"resolve_{to_snake_case(name)}"))


def root_fields(kind: str) -> dict:
    return selections.root_fields(kind)


def base_variables(kind: str, name: str, world) -> dict:
    table = operations.MUTATIONS if kind == "mutation" else operations.QUERIES
    variants = table.get(name)
    return variants[0](world) if variants else {}


def with_id(variables: dict, argument: str, inner: str | None, value: str) -> dict:
    changed = json.loads(json.dumps(variables))
    if inner is None:
        changed[argument] = value
    elif argument == "input":
        changed.setdefault("input", {})[inner] = value
    else:
        # A choice of scope (`networkMap(scope: {cohortId | schoolId | districtId})`): the id alone.
        changed[argument] = {inner: value}
    return changed


# Objects hidden under every rule, first: a teacher of another district. (The matrix's Person,
# the host, is hidden from a teacher of another school by node lookups, but visits, and so
# `visitPropose(hostId:)`, cross schools within a district.)
HIDDEN_EVERYWHERE = {"Person": [("signin_user", frozenset({OTHER_COORDINATOR, STAFF}))]}


# A visit's id names what its summary shows to leaders, coordinators and staff: that it exists.
# They may know of it, so acting on it is refused as "not your visit" (NOT_VISIT_PARTICIPANT);
# what is hidden is a visit whose summary is hidden.
KNOWN_AS = {"Visit": "VisitSummary"}


def hidden_objects(type_name: str, caller: str) -> list[str]:
    """World objects of the type that the caller may not see (node lookups say who may)."""
    declared = NODE_DECLARATION.get(KNOWN_AS.get(type_name, type_name), [])
    entries = HIDDEN_EVERYWHERE.get(type_name, []) + declared
    return [key for key, allowed in entries if caller not in allowed]


def allowed_by_role(permission, world, caller: str) -> bool:
    user = world.users[caller]
    if user is None:
        return not permission.requires_sign_in
    return permission.check(user)


def run(callers, kind, name, caller, variables, ids):
    files = operations.FILES.get(name)
    return matrix.run(
        callers, kind, name, caller, variables, files=files() if files else None, ids=ids
    )


def mask(text: str, *ids: str) -> str:
    for global_id in ids:
        text = text.replace(global_id, "<id>")
    return text


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ROOT_URLCONF = "tests.security.urls"
    # Documents select everything a field nests (see the authorization matrix).
    settings.GRAPHQL_LIMITS = {
        **settings.GRAPHQL_LIMITS,
        "max_cost": 10**8,
        "cost_per_minute": 10**12,
    }
    return build_world()


@pytest.fixture
def callers(world):
    return matrix.Callers(world)


@pytest.fixture
def ids(world):
    return matrix.id_secrets(world)


# --- the schema's side of the model --------------------------------------------------------------


def test_every_id_input_names_a_node_type():
    """Guards the tests below: every ID a root field takes is understood."""
    found = [
        (kind, name, argument, inner)
        for kind in ("query", "mutation")
        for name, field in root_fields(kind).items()
        for argument, inner in input_id_fields(field)
        if name != "node"
    ]
    assert len(found) > 60
    for kind, name, argument, inner in found:
        assert id_type(inner or argument, root_fields(kind)[name]) in NODE_TYPES


def test_reads_of_one_object_can_answer_null():
    """A root query that returns one object named by an id must be nullable, or it could not
    answer null for an id you may not see."""
    not_nullable = [
        name
        for name, field in root_fields("query").items()
        if input_id_fields(field)
        and isinstance(get_named_type(field.type), GraphQLObjectType)
        and not isinstance(getattr(field.type, "of_type", field.type), GraphQLList)
        and isinstance(field.type, GraphQLNonNull)
    ]
    assert not_nullable == []


# --- top level: signed out, and a role that may never use the field -----------------------------


def test_every_root_field_signed_out_is_unauthenticated(world, callers, ids):
    wrong = []
    for kind in ("query", "mutation"):
        for name in root_fields(kind):
            permission = permission_of(kind, name)
            outcome = run(callers, kind, name, ANONYMOUS, base_variables(kind, name, world), ids)
            if not permission.requires_sign_in:
                if "UNAUTHENTICATED" in outcome.top_codes:
                    wrong.append(f"{kind} {name} is public but refused: {outcome.summary()}")
                continue
            if outcome.top_codes != ["UNAUTHENTICATED"] or outcome.value is not None:
                wrong.append(f"{kind} {name}: {outcome.summary()} {outcome.text[:200]}")
    assert wrong == [], "\n".join(wrong)


def test_a_role_that_may_never_use_a_field_is_forbidden_before_anything_is_read(
    world, callers, ids
):
    cases, wrong = 0, []
    for kind in ("query", "mutation"):
        for name in root_fields(kind):
            permission = permission_of(kind, name)
            if permission.name in ("ANY", SignedIn.name):
                continue
            variables = base_variables(kind, name, world)
            for caller in sorted(SIGNED_IN):
                if allowed_by_role(permission, world, caller):
                    continue
                cases += 1
                outcome = run(callers, kind, name, caller, variables, ids)
                if outcome.top_codes != ["FORBIDDEN"] or outcome.value is not None:
                    wrong.append(f"{kind} {name} as {caller}: {outcome.summary()}")
    assert cases > 50
    assert wrong == [], "\n".join(wrong)


# --- mutations: an id you may not see is the payload's NOT_FOUND, like one that does not exist ----


def _mutation_id_cases(world):
    """(mutation, argument, input field, caller, hidden object or None) for every ID input:
    as a caller the matrix lets use the mutation (so every other input is one they may use),
    with an object of that type they may not see where the world has one."""
    for name, field in root_fields("mutation").items():
        permission = permission_of("mutation", name)
        if not permission.requires_sign_in:
            continue
        allowed = [c for c in CALLERS if c in DECLARATION[f"Mutation.{name}"] and c != ANONYMOUS]
        # Staff see nearly everything: prefer a caller who has something hidden from them.
        allowed.sort(key=lambda c: (c == STAFF, c))
        for argument, inner in input_id_fields(field):
            type_name = id_type(inner or argument)
            chosen = next(
                (
                    (c, hidden_objects(type_name, c)[0])
                    for c in allowed
                    if hidden_objects(type_name, c)
                ),
                (allowed[0], None) if allowed else (None, None),
            )
            yield name, argument, inner, type_name, *chosen


def test_an_id_in_a_mutation_that_you_may_not_see_is_not_found_like_a_missing_one(
    world, callers, ids, capsys
):
    wrong, cases, hidden_cases = [], 0, 0
    for name, argument, inner, type_name, caller, hidden in _mutation_id_cases(world):
        if caller is None:
            continue
        where = inner or argument
        base = base_variables("mutation", name, world)
        missing_id = to_global_id(type_name, MISSING_PK)
        missing = run(
            callers, "mutation", name, caller, with_id(base, argument, inner, missing_id), ids
        )
        cases += 1
        expected = {"field": where, "code": "NOT_FOUND"}
        errors = (missing.value or {}).get("errors") or []
        if missing.top_codes or expected not in [
            {"field": e.get("field"), "code": e.get("code")} for e in errors
        ]:
            wrong.append(f"{name}.{where} missing {type_name} as {caller}: {missing.text[:300]}")
            continue
        if hidden is None:
            continue
        hidden_id = world.gid(type_name, hidden)
        seen = run(
            callers, "mutation", name, caller, with_id(base, argument, inner, hidden_id), ids
        )
        hidden_cases += 1
        if mask(seen.text, hidden_id) != mask(missing.text, missing_id):
            wrong.append(
                f"{name}.{where} {type_name}:{hidden} as {caller} differs from a missing id:\n"
                f"  hidden:  {seen.text[:300]}\n  missing: {missing.text[:300]}"
            )
    with capsys.disabled():
        print(f"\nfailure model: {cases} mutation id inputs, {hidden_cases} with a hidden object")
    assert cases > 60
    assert wrong == [], "\n".join(wrong)


def test_every_role_gets_the_same_answer_for_a_hidden_id_as_for_a_missing_one(world, callers, ids):
    """Beyond the caller the matrix lets use each mutation: everyone whose role may call it,
    with an object of the id's type they may not see, learns nothing from the answer."""
    wrong, cases = [], 0
    for name, field in root_fields("mutation").items():
        permission = permission_of("mutation", name)
        if not permission.requires_sign_in:
            continue
        base = base_variables("mutation", name, world)
        for argument, inner in input_id_fields(field):
            type_name = id_type(inner or argument)
            missing_id = to_global_id(type_name, MISSING_PK)
            for caller in sorted(SIGNED_IN):
                hidden = hidden_objects(type_name, caller)
                if not hidden or not allowed_by_role(permission, world, caller):
                    continue
                hidden_id = world.gid(type_name, hidden[0])
                missing = run(
                    callers,
                    "mutation",
                    name,
                    caller,
                    with_id(base, argument, inner, missing_id),
                    ids,
                )
                seen = run(
                    callers,
                    "mutation",
                    name,
                    caller,
                    with_id(base, argument, inner, hidden_id),
                    ids,
                )
                cases += 1
                if mask(seen.text, hidden_id) != mask(missing.text, missing_id):
                    wrong.append(
                        f"{name}.{inner or argument} {type_name}:{hidden[0]} as {caller}:\n"
                        f"  hidden:  {seen.text[:300]}\n  missing: {missing.text[:300]}"
                    )
    assert cases > 150
    assert wrong == [], "\n".join(wrong)


# --- reads: one object by id answers null; a list answers alike ----------------------------------


def _read_cases(world):
    for name, field in root_fields("query").items():
        if name == "node":
            continue  # every node type: below
        permission = permission_of("query", name)
        for argument, inner in input_id_fields(field):
            type_name = id_type(inner or argument, field)
            for caller in sorted(SIGNED_IN):
                if not allowed_by_role(permission, world, caller):
                    continue
                for hidden in hidden_objects(type_name, caller)[:1] or [None]:
                    yield name, field, argument, inner, type_name, caller, hidden


def test_a_read_by_an_id_you_may_not_see_answers_like_one_that_does_not_exist(world, callers, ids):
    """One object: null, no error. A list filtered by the id: the same answer for both."""
    wrong, cases = [], 0
    for name, field, argument, inner, type_name, caller, hidden in _read_cases(world):
        base = base_variables("query", name, world)
        missing_id = to_global_id(type_name, MISSING_PK)
        missing = run(
            callers, "query", name, caller, with_id(base, argument, inner, missing_id), ids
        )
        cases += 1
        one_object = not isinstance(getattr(field.type, "of_type", field.type), GraphQLList) and (
            not get_named_type(field.type).name.endswith("Connection")
        )
        label = f"{name}({inner or argument}) as {caller}"
        if missing.top_codes:
            wrong.append(f"{label}, missing id: {missing.text[:300]}")
        elif one_object and not selections.returns_leaf(field) and missing.value is not None:
            wrong.append(f"{label}, missing id: not null: {missing.text[:200]}")
        if hidden is None:
            continue
        hidden_id = world.gid(type_name, hidden)
        seen = run(callers, "query", name, caller, with_id(base, argument, inner, hidden_id), ids)
        if mask(seen.text, hidden_id) != mask(missing.text, missing_id):
            wrong.append(
                f"{label}, {type_name}:{hidden} differs from a missing id:\n"
                f"  hidden:  {seen.text[:300]}\n  missing: {missing.text[:300]}"
            )
    assert cases > 30
    assert wrong == [], "\n".join(wrong)


def test_node_answers_null_without_an_error_for_ids_you_may_not_see_or_that_do_not_exist(
    world, callers, ids
):
    wrong, cases = [], 0
    for type_name in sorted(NODE_TYPES):
        for caller in sorted(SIGNED_IN):
            variables = {"id": to_global_id(type_name, MISSING_PK)}
            missing = run(callers, "query", "node", caller, variables, ids)
            cases += 1
            if missing.top_codes or missing.value is not None:
                wrong.append(f"node {type_name}:missing as {caller}: {missing.text[:200]}")
            for hidden in hidden_objects(type_name, caller):
                variables = {"id": world.gid(type_name, hidden)}
                seen = run(callers, "query", "node", caller, variables, ids)
                cases += 1
                if seen.top_codes or seen.value is not None:
                    wrong.append(f"node {type_name}:{hidden} as {caller}: {seen.text[:200]}")
    assert cases > 300
    assert wrong == [], "\n".join(wrong)


# --- you see the object but may not do this to it: a payload error, never a top-level one ------

NOT_ALLOWED_CASES = [
    # (mutation, caller, what the payload says)
    ("visitAccept", VISITOR, [{"field": "visitId", "code": "NOT_VISIT_HOST"}]),
    ("reflectionSheetShare", VISITOR, [{"field": "reflectionSheetId", "code": "NOT_VISIT_HOST"}]),
    ("toolUpdate", HOST, [{"field": "toolId", "code": "NOT_TOOL_OWNER"}]),
    ("cohortUpdate", STAFF, None),  # staff may; a member who is not the leader: below
    ("membershipEnd", HOST, [{"field": None, "code": "NOT_ALLOWED"}]),  # another's membership
    ("surveyReportNoteUpdate", STAFF, [{"field": None, "code": "NOT_ALLOWED"}]),  # not its author
    ("invitationRevoke", STAFF, None),
]


@pytest.mark.parametrize(("name", "caller", "errors"), NOT_ALLOWED_CASES)
def test_an_object_you_see_but_may_not_change_is_refused_in_the_payload(
    world, callers, ids, name, caller, errors
):
    outcome = run(callers, "mutation", name, caller, base_variables("mutation", name, world), ids)

    assert outcome.top_codes == []
    found = [{"field": e["field"], "code": e["code"]} for e in outcome.value["errors"]]
    assert found == (errors or [])
