"""The failure model (README "How the API fails"), checked over the whole schema.

- Top level (`errors[].extensions.code`): the request as a whole. UNAUTHENTICATED signed out,
  FORBIDDEN only for a role that may never use the root field (its declared permission,
  checked before anything is read).
- A mutation's payload `errors`: everything about the objects its input names. An id that does
  not exist and one of an object the caller may not see are the same NOT_FOUND on that field,
  nested ones too: an element of a list of ids (`personIds.1`) and an id in a list of input
  objects (`answers.1.itemId`) name their dotted path; an id of another type is INVALID_ID there.
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
    Undefined,
    get_named_type,
)
from graphql_relay import to_global_id

from backend.graphql.ids import split_global_id
from backend.graphql.permissions import SignedIn, declared_permission
from backend.schema import Query, schema
from cohorts.models import AgendaItem
from observations.models import BellPeriod
from tests.cohorts.factories import ProtocolFactory
from tests.security import matrix, operations, selections
from tests.security.test_authorization_matrix import DECLARATION, NODE_DECLARATION
from tests.security.world import (
    ANONYMOUS,
    CALLERS,
    COHORT_MEMBER,
    COORDINATOR,
    HOST,
    OTHER_COHORT_MEMBER,
    OTHER_COORDINATOR,
    SIGNED_IN,
    STAFF,
    VISITOR,
    build_world,
)
from tests.surveys.factories import small_instrument

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
    "consent": "ConsentRequest",
    "follows": "Pdsa",  # the cycle a next cycle adapts
    "record": "Visit",  # evidence: also a sheet, question, survey, meeting or photo
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
# The objects of district B (and of another cohort's meeting) that `more_hidden_objects` adds
# give the types ids nested in inputs name (items, bell periods, protocols, agenda items) one
# hidden from the callers who may use those mutations.
OF_DISTRICT_B = frozenset({OTHER_COORDINATOR, STAFF})
HIDDEN_EVERYWHERE = {
    "Person": [("signin_user", OF_DISTRICT_B)],
    "SurveyItem": [("item_b1", OF_DISTRICT_B)],
    "BellPeriod": [("bell_period_b1", OF_DISTRICT_B)],
    "Protocol": [("protocol_b1", OF_DISTRICT_B)],
    "AgendaItem": [("other_agenda_item", frozenset({OTHER_COHORT_MEMBER, COORDINATOR, STAFF}))],
}


def more_hidden_objects(world) -> None:
    """Objects of HIDDEN_EVERYWHERE the matrix's world lacks (added here only, so the matrix
    keeps its world)."""
    school_b1 = world.objects["school_b1"]
    world.objects["item_b1"] = small_instrument(school=school_b1).items.get(key="q1")
    world.objects["bell_period_b1"] = BellPeriod.objects.create(
        school=school_b1, name="Period 1", start_time="08:00", end_time="08:50"
    )
    world.objects["protocol_b1"] = ProtocolFactory(school=school_b1)
    world.objects["other_agenda_item"] = AgendaItem.objects.create(
        meeting=world.objects["other_meeting"], position=1, title="Norms", minutes=10
    )


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


# A moment the call itself wrote (`invitedAt` of an invitation a partial mutation made), and a
# signed link (it signs the moment it was made: two calls a second apart differ).
WRITTEN_NOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+[+-]\d\d:\d\d")
SIGNED_LINK = re.compile(r'"http://testserver/[^"]*"')


def mask(text: str, *ids: str) -> str:
    for global_id in ids:
        text = text.replace(global_id, "<id>")
    text = ANY_ID.sub(_mask_created, text)
    return SIGNED_LINK.sub('"<link>"', WRITTEN_NOW.sub("<now>", text))


# The id of a row the call itself wrote (a membership a partial mutation made): every call runs
# in a savepoint that is rolled back, but PostgreSQL's sequences are not, so the second call's
# rows get other ids than the first's (SQLite reuses them). Such a row's pk is above every pk
# of its table once the call is undone; the world's own rows keep their ids in the comparison.
ANY_ID = re.compile(r'"id":"([A-Za-z0-9+/=]{4,})"')


def _mask_created(match: re.Match) -> str:
    type_name, pk = split_global_id(match.group(1))
    graphene_type = getattr(GRAPHQL.type_map.get(type_name or ""), "graphene_type", None)
    model = getattr(getattr(graphene_type, "_meta", None), "model", None)
    if model is None or not (pk or "").isdigit():
        return match.group(0)
    newest = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return f'"id":"<new {type_name}>"' if int(pk) > newest else match.group(0)


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
    world = build_world()
    more_hidden_objects(world)
    return world


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
    # Every teacher may launch (peer feedback to visited peers is theirs); any other kind is a
    # teacher leader's: a member who is not the leader gets NOT_ALLOWED, not FORBIDDEN (#21).
    ("surveyAdministrationLaunch", COHORT_MEMBER, [{"field": None, "code": "NOT_ALLOWED"}]),
    ("surveyAdministrationLaunch", STAFF, None),
]


@pytest.mark.parametrize(("name", "caller", "errors"), NOT_ALLOWED_CASES)
def test_an_object_you_see_but_may_not_change_is_refused_in_the_payload(
    world, callers, ids, name, caller, errors
):
    outcome = run(callers, "mutation", name, caller, base_variables("mutation", name, world), ids)

    assert outcome.top_codes == []
    found = [{"field": e["field"], "code": e["code"]} for e in outcome.value["errors"]]
    assert found == (errors or [])


# --- ids nested in a mutation's input: list elements and fields of input objects -----------------

Path = tuple  # ("input", "answers", 0, "itemId"): where the id goes in the variables


def _unwrap(graphql_type):
    return graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type


def nested_id_paths(field) -> list[tuple[Path, object]]:
    """(path with `[]` for a list element, the element's input type or None) of every ID the
    root field takes that `input_id_fields` does not: an element of a list of ids, and an ID
    field of an input object in a list (or an input object in an input object)."""
    found: list[tuple[Path, object]] = []

    def walk(graphql_type, path: Path, depth: int, owner) -> None:
        inner = _unwrap(graphql_type)
        if isinstance(inner, GraphQLList):
            element = _unwrap(inner.of_type)
            walk(inner.of_type, (*path, []), depth + 1, element)
        elif get_named_type(inner).name == "ID":
            if len(path) > 2 or [] in path:
                found.append((path, owner))
        elif isinstance(inner, GraphQLInputObjectType) and depth < 6:
            for name, inner_field in inner.fields.items():
                walk(inner_field.type, (*path, name), depth + 1, owner)

    for name, argument in field.args.items():
        walk(argument.type, (name,), 0, None)
    return found


def _filler(graphql_type, path: Path):
    """A value for a required input field of an element the representative call lacks."""
    named = get_named_type(graphql_type)
    if isinstance(named, GraphQLInputObjectType):
        return {
            n: _filler(f.type, path)
            for n, f in named.fields.items()
            if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
        }
    if hasattr(named, "values"):  # an enum: its first value
        return next(iter(named.values))
    return {"Boolean": True, "Int": 1, "Float": 1.0}.get(named.name, "x")


def visible_objects(type_name: str, caller: str) -> list[str]:
    declared = NODE_DECLARATION.get(KNOWN_AS.get(type_name, type_name), [])
    return [key for key, allowed in declared if caller in allowed]


def with_nested_id(
    variables: dict, path: Path, owner, value: str, fellow: str | None
) -> tuple[dict, str]:
    """The variables with `value` at `path`, and the dotted field the server should name.

    A list of ids gets `fellow` (an object of the type the caller sees) first where there is
    one, so the index is not always 0; a list of input objects gets the id in a copy of the
    representative call's first element after its elements, or in an element of only its
    required fields."""
    changed = json.loads(json.dumps(variables))
    node, field_path = changed, []
    for position, step in enumerate(path):
        last = position == len(path) - 1
        if step == []:
            items = node if isinstance(node, list) else []
            if last:  # an element of a list of ids
                if fellow is not None and not items:
                    items.append(fellow)
                items.append(value)
                field_path.append(str(len(items) - 1))
                return changed, ".".join(field_path)
            # After the call's own elements, so the index is not always 0.
            items.append(json.loads(json.dumps(items[0])) if items else _filler(owner, path))
            node = items[-1]
            field_path.append(str(len(items) - 1))
            continue
        following = path[position + 1] if not last else None
        if last:
            node[step] = value
        else:
            if node.get(step) is None:
                node[step] = [] if following == [] else {}
            node = node[step]
        if not (position == 0 and step == "input"):
            field_path.append(step)
    return changed, ".".join(field_path)


def _path_label(path: Path) -> str:
    return ".".join("[]" if step == [] else step for step in path)


def _nested_id_cases():
    """(mutation, path, element type, id type, callers) for every nested id: every signed-in
    caller the matrix lets use the mutation, those with an object of the type hidden first."""
    for name, field in root_fields("mutation").items():
        permission = permission_of("mutation", name)
        if not permission.requires_sign_in:
            continue
        allowed = [c for c in CALLERS if c in DECLARATION[f"Mutation.{name}"] and c != ANONYMOUS]
        for path, owner in nested_id_paths(field):
            stem = next(step for step in reversed(path) if step != [])
            type_name = id_type(stem, None) if stem != "id" else owner.name.removesuffix("Input")
            yield name, path, owner, type_name, allowed


def test_every_nested_id_input_names_a_node_type():
    found = list(_nested_id_cases())
    assert len(found) >= 10, [(n, _path_label(p)) for n, p, *_ in found]
    for name, path, _owner, type_name, _allowed in found:
        assert type_name in NODE_TYPES, f"{name} {_path_label(path)}: {type_name}"


def _first_difference(one: str, other: str, around: int = 150) -> str:
    pairs = enumerate(zip(one, other, strict=False))
    at = next((i for i, (a, b) in pairs if a != b), min(len(one), len(other)))
    start = max(0, at - around)
    return f"  hidden:  ...{one[start : at + around]}\n  missing: ...{other[start : at + around]}"


# An id of another kind of object than the field names.
OTHER_TYPE = {"Person": "Cohort"} | dict.fromkeys(NODE_TYPES - {"Person"}, "Person")


def _payload_errors(outcome) -> list[dict]:
    value = outcome.value if isinstance(outcome.value, dict) else {}
    return [{"field": e.get("field"), "code": e.get("code")} for e in value.get("errors") or []]


def test_a_nested_id_you_may_not_see_is_not_found_on_its_dotted_field_like_a_missing_one(
    world, callers, ids, capsys
):
    """A nested id (`answers.0.itemId`, `personIds.1`): a payload NOT_FOUND on its dotted path,
    never a top-level error, for an object that does not exist and for one the caller may not
    see alike, as every caller the matrix lets use the mutation."""
    wrong, cases, hidden_cases = [], 0, 0
    for name, path, owner, type_name, allowed in _nested_id_cases():
        base = base_variables("mutation", name, world)
        missing_id = to_global_id(type_name, MISSING_PK)
        for caller in allowed:
            fellow = next(iter(visible_objects(type_name, caller)), None)
            fellow_id = world.gid(type_name, fellow) if fellow else None
            variables, where = with_nested_id(base, path, owner, missing_id, fellow_id)
            label = f"{name}.{where} {type_name} as {caller}"
            missing = run(callers, "mutation", name, caller, variables, ids)
            cases += 1
            expected = {"field": where, "code": "NOT_FOUND"}
            if missing.top_codes or expected not in _payload_errors(missing):
                wrong.append(f"{label}, missing: {missing.text[:300]}")
                continue
            # An id of another kind of object: INVALID_ID on the same field.
            other_id = to_global_id(OTHER_TYPE[type_name], MISSING_PK)
            variables, _ = with_nested_id(base, path, owner, other_id, fellow_id)
            other = run(callers, "mutation", name, caller, variables, ids)
            cases += 1
            if other.top_codes or {"field": where, "code": "INVALID_ID"} not in _payload_errors(
                other
            ):
                wrong.append(f"{label}, an id of another type: {other.text[:300]}")
            for hidden in hidden_objects(type_name, caller)[:1]:
                hidden_id = world.gid(type_name, hidden)
                variables, _ = with_nested_id(base, path, owner, hidden_id, fellow_id)
                seen = run(callers, "mutation", name, caller, variables, ids)
                hidden_cases += 1
                masked = mask(seen.text, hidden_id), mask(missing.text, missing_id)
                if masked[0] != masked[1]:
                    wrong.append(
                        f"{label}, {type_name}:{hidden} differs from a missing id:\n"
                        + _first_difference(*masked)
                    )
    with capsys.disabled():
        print(f"\nfailure model: {cases} nested mutation ids, {hidden_cases} with a hidden object")
    assert wrong == [], "\n".join(wrong)


def test_every_role_gets_the_same_answer_for_a_hidden_nested_id_as_for_a_missing_one(
    world, callers, ids
):
    """Beyond the callers the matrix lets use each mutation: everyone whose role may call it,
    with an object of the nested id's type they may not see, learns nothing from the answer."""
    wrong, cases = [], 0
    for name, path, owner, type_name, _allowed in _nested_id_cases():
        permission = permission_of("mutation", name)
        base = base_variables("mutation", name, world)
        missing_id = to_global_id(type_name, MISSING_PK)
        for caller in sorted(SIGNED_IN):
            hidden = hidden_objects(type_name, caller)
            if not hidden or not allowed_by_role(permission, world, caller):
                continue
            fellow = next(iter(visible_objects(type_name, caller)), None)
            fellow_id = world.gid(type_name, fellow) if fellow else None
            hidden_id = world.gid(type_name, hidden[0])
            missing_vars, where = with_nested_id(base, path, owner, missing_id, fellow_id)
            hidden_vars, _ = with_nested_id(base, path, owner, hidden_id, fellow_id)
            missing = run(callers, "mutation", name, caller, missing_vars, ids)
            seen = run(callers, "mutation", name, caller, hidden_vars, ids)
            cases += 1
            masked = mask(seen.text, hidden_id), mask(missing.text, missing_id)
            if missing.top_codes or masked[0] != masked[1]:
                wrong.append(
                    f"{name}.{where} {type_name}:{hidden[0]} as {caller}:\n"
                    + _first_difference(*masked)
                )
    assert cases > 20  # 23 today: Person, SurveyItem, BellPeriod, Protocol, AgendaItem
    assert wrong == [], "\n".join(wrong)
