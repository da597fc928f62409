"""The catalogue data (credentials/catalogue/*.py) checked on its own, with no database: the seed's
order and tiers, the shapes the loader expects, references that resolve, and no copied seed text.
"""

import ast
import json
import os
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from credentials.catalogue import others, seed_002, skills

# The programme documents are not in the repository; the tests that read them skip without them.
SEEDS = sorted(Path(os.environ.get("CREDENTIAL_SEEDS_DIR", "/work/shared/seeds")).glob("*.txt"))
CATALOGUE_DIR = Path(seed_002.__file__).parent

# Seed 002's credentials as the programme lists them (titles are the programme's names).
SEED_002_ORDER = [
    ("Focusing on Student Learning", "MY_CLASSROOM", "BUILDING_SKILLS"),
    ("Listening to Student Voice", "MY_CLASSROOM", "BUILDING_SKILLS"),
    ("Looking at Student Work", "MY_CLASSROOM", "BUILDING_SKILLS"),
    ("Understanding Improvement", "MY_CLASSROOM", "BUILDING_SKILLS"),
    (
        "Using Improvement Methods to Advance Student Learning",
        "MY_CLASSROOM",
        "DEMONSTRATING_IMPACT",
    ),
    (
        "Sharing Improvement Strategies to Advance Professional Knowledge",
        "MY_CLASSROOM",
        "LEADING_LEARNING",
    ),
    ("Establishing a Common Aim", "PEERS_CLASSROOMS", "BUILDING_SKILLS"),
    ("Collecting Data", "PEERS_CLASSROOMS", "BUILDING_SKILLS"),
    ("Facilitating Peer Reflection", "PEERS_CLASSROOMS", "BUILDING_SKILLS"),
    ("Soliciting Feedback from Peers", "PEERS_CLASSROOMS", "DEMONSTRATING_IMPACT"),
    ("Building Will", "MY_SCHOOL", "BUILDING_SKILLS"),
    ("Measuring Impact on Student Learning", "MY_SCHOOL", "DEMONSTRATING_IMPACT"),
    ("Considering Impact on Culture", "MY_SCHOOL", "DEMONSTRATING_IMPACT"),
    ("Building Skills in Others", "MY_SCHOOL", "LEADING_LEARNING"),
    ("Sharing Learning", "MY_SCHOOL", "LEADING_LEARNING"),
]

KINDS = {"RECORDS", "TEXT", "CHOICE", "UPLOAD", "LIST", "ATTESTATION"}
SOURCES = {
    "VISIT_AS_VISITOR_TO_ROLE",
    "VISIT_BY_ROLE_TO_ROLE",
    "REFLECTION_SHEET_AS_HOST",
    "REFLECTION_SHEET_AS_FACILITATOR",
    "SLQ_TOOL_CRAFTED_FOR_PEER",
    "DATA_SET_COLLECTED",
    "SURVEY_PAIR",
    "SURVEY_ADMINISTRATION",
    "MEETING_AGENDA",
    "PROTOCOL_SESSION",
    "PDSA",
    "RUN_CHART",
    "STUDENT_VOICE_CYCLE",
}
MEDIA = {"VIDEO", "FILE", "PHOTO", "LINK"}
CONSENT = {"NONE", "HOST", "FACILITATOR", "NAMED_PEERS"}
CAPABILITIES = {None, "PDSA", "STUDENT_VOICE", "VIDEO", "ARTIFACT"}
TIERS = {None, "MY_CLASSROOM", "PEERS_CLASSROOMS", "MY_SCHOOL"}
CATEGORIES = {None, "BUILDING_SKILLS", "DEMONSTRATING_IMPACT", "LEADING_LEARNING"}
SCALES = {
    "MET_NOT_MET": {"MET", "NOT_MET"},
    "PASS_FAIL": {"PASS", "FAIL"},
    "PROFICIENT_BASIC_DEVELOPING": {"PROFICIENT", "BASIC", "DEVELOPING"},
}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

CREDENTIAL_FIELDS = {
    "key",
    "position",
    "tier",
    "category",
    "series",
    "title",
    "summary",
    "competency",
    "key_method",
    "credit_value",
    "credit_unit",
    "fee_cents",
    "fee_currency",
    "fee_when",
    "eligibility",
    "pass_rule",
    "resources",
    "skills",
    "prerequisites",
    "slots",
    "criteria",
}
SLOT_FIELDS = {
    "key",
    "part",
    "title",
    "guidance",
    "kind",
    "spec",
    "consent_from",
    "later_capability",
    "required_when",
    "options",
}
CRITERION_FIELDS = {"group", "text", "scale", "levels", "slots"}

ALL = list(others.all_credentials())
IDS = [f"{programme}/{credential['key']}" for programme, credential in ALL]


@pytest.fixture(scope="module")
def seed_words():
    if len(SEEDS) != 5:
        pytest.skip("the five seed documents are not on this machine")
    return [words(path.read_text()) for path in SEEDS]


def walk_slots(slots):
    for slot in slots:
        yield slot
        yield from walk_slots(slot["options"])


def slot_keys(credential):
    return [slot["key"] for slot in walk_slots(credential["slots"])]


# --- seed 002: order, tiers, categories ---------------------------------------------------------


def test_seed_002_titles_tiers_and_categories_follow_the_seed():
    assert [
        (credential["title"], credential["tier"], credential["category"])
        for credential in seed_002.CREDENTIALS
    ] == SEED_002_ORDER
    assert [credential["position"] for credential in seed_002.CREDENTIALS] == list(range(1, 16))


def test_seed_002_titles_appear_in_the_seed_in_this_order(seed_words):
    assert SEEDS[2].name.startswith("002_")
    text = " ".join(SEEDS[2].read_text().split())
    offsets = [text.index(f"{title}:") for title, _, _ in SEED_002_ORDER]
    assert offsets == sorted(offsets)


def test_all_credentials_yields_seed_002_first_then_the_others():
    assert [c["key"] for p, c in ALL[:15]] == [c["key"] for c in seed_002.CREDENTIALS]
    assert {p for p, _ in ALL[:15]} == {"slrc"}
    assert [(p, c["key"]) for p, c in ALL[15:]] == [
        (c["programme"], c["key"]) for c in others.CREDENTIALS
    ]
    assert len(ALL) == 20


# --- programmes, series, keys, positions --------------------------------------------------------


def test_programmes_have_unique_keys_and_positions():
    programmes = [seed_002.PROGRAMME, *others.PROGRAMMES]
    assert len({p["key"] for p in programmes}) == len(programmes)
    assert len({p["position"] for p in programmes}) == len(programmes)
    for programme in programmes:
        assert set(programme) == {"key", "title", "issuer", "position"}
        assert SLUG.match(programme["key"]) and programme["title"]


def test_credential_keys_and_positions_are_unique_per_programme():
    programme_keys = {seed_002.PROGRAMME["key"]} | {p["key"] for p in others.PROGRAMMES}
    seen_keys, seen_positions = set(), set()
    for programme, credential in ALL:
        assert programme in programme_keys
        assert SLUG.match(credential["key"]), credential["key"]
        assert (programme, credential["key"]) not in seen_keys
        assert (programme, credential["position"]) not in seen_positions
        seen_keys.add((programme, credential["key"]))
        seen_positions.add((programme, credential["position"]))


def test_series_resolve_within_their_programme():
    series = {(s["programme"], s["key"]): s for s in others.SERIES}
    assert len(series) == len(others.SERIES)
    for (programme, _), entry in series.items():
        assert entry["requires_series"] is None or (programme, entry["requires_series"]) in series
    for programme, credential in ALL:
        assert credential["series"] is None or (programme, credential["series"]) in series


# --- shapes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_credential_has_exactly_the_loader_fields(programme, credential):
    expected = CREDENTIAL_FIELDS | ({"programme"} if programme != "slrc" else set())
    assert set(credential) == expected
    assert credential["tier"] in TIERS and credential["category"] in CATEGORIES
    assert credential["title"] and credential["summary"]
    for slot in walk_slots(credential["slots"]):
        assert set(slot) == SLOT_FIELDS, slot["key"]
    for criterion in credential["criteria"]:
        assert set(criterion) == CRITERION_FIELDS
    for resource in credential["resources"]:
        assert set(resource) == {"title", "author"} and resource["title"]


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_credit_and_fee_are_consistent(programme, credential):
    if credential["credit_value"] is not None:
        try:
            assert Decimal(credential["credit_value"]) > 0
        except InvalidOperation:
            pytest.fail(f"credit_value {credential['credit_value']!r} is not a decimal")
        assert credential["credit_unit"]
    if credential["fee_cents"] is None:
        assert credential["fee_currency"] == credential["fee_when"] == ""
    else:
        assert isinstance(credential["fee_cents"], int) and credential["fee_cents"] > 0
        assert credential["fee_currency"] == "USD" and credential["fee_when"] == "AT_SUBMISSION"


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_slot_keys_are_unique_slugs_including_choice_options(programme, credential):
    keys = slot_keys(credential)
    assert len(keys) == len(set(keys)), keys
    assert all(SLUG.match(key) for key in keys), keys


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_every_slot_kind_and_spec_is_valid(programme, credential):
    for slot in walk_slots(credential["slots"]):
        kind, spec, where = slot["kind"], slot["spec"], slot["key"]
        assert kind in KINDS, where
        assert slot["consent_from"] in CONSENT, where
        assert slot["later_capability"] in CAPABILITIES, where
        assert slot["title"] and slot["part"], where
        assert (kind == "CHOICE") == bool(slot["options"]), where
        if kind == "RECORDS":
            assert set(spec) <= {"source", "count", "rules", "order"}, where
            assert spec["source"] in SOURCES, where
            assert isinstance(spec["count"], int) and spec["count"] >= 1, where
            assert isinstance(spec["rules"], dict), where
        elif kind == "TEXT":
            assert set(spec) == {"prompts", "words", "limit_scope"}, where
            prompt_keys = [prompt["key"] for prompt in spec["prompts"]]
            assert prompt_keys and len(prompt_keys) == len(set(prompt_keys)), where
            assert all(SLUG.match(key) for key in prompt_keys), where
            assert all(prompt["text"] for prompt in spec["prompts"]), where
            assert 0 <= spec["words"]["min"] <= spec["words"]["max"], where
            assert spec["limit_scope"] in {"SLOT", "PROMPT"}, where
        elif kind == "CHOICE":
            assert set(spec) == {"choose", "label"}, where
            assert 1 <= spec["choose"] < len(slot["options"]), where
        elif kind == "UPLOAD":
            assert set(spec) <= {"media", "count", "order"}, where
            assert spec["media"] in MEDIA and spec["count"] >= 1, where
        elif kind == "LIST":
            assert set(spec) == {"item", "count"} and spec["item"]["title"] is True, where
            assert spec["count"]["min"] >= 1, where
        elif kind == "ATTESTATION":
            assert set(spec) == {"statement"} and spec["statement"], where
        order = spec.get("order")
        if order:
            # "after" names an earlier item of the same slot; the slot needs a later one.
            assert 0 <= order["after"] < spec["count"] - 1, where
            between = order.get("min_between")
            assert between is None or (between["source"] in SOURCES and between["count"] >= 1)


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_required_when_points_at_a_slot_of_the_same_credential(programme, credential):
    slots = {slot["key"]: slot for slot in walk_slots(credential["slots"])}
    for slot in slots.values():
        condition = slot["required_when"]
        if condition is None:
            continue
        assert condition["slot"] in slots and condition["slot"] != slot["key"]
        if "chosen" in condition:
            options = [option["key"] for option in slots[condition["slot"]]["options"]]
            assert condition["chosen"] in options


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_slots_the_app_cannot_fill_yet_name_their_capability(programme, credential):
    for slot in walk_slots(credential["slots"]):
        spec, capability = slot["spec"], slot["later_capability"]
        if slot["kind"] == "RECORDS":
            expected = {"PDSA": "PDSA", "RUN_CHART": "PDSA", "STUDENT_VOICE_CYCLE": "STUDENT_VOICE"}
            assert capability == expected.get(spec["source"]), slot["key"]
        elif slot["kind"] == "UPLOAD":
            expected = {"VIDEO": "VIDEO", "FILE": "ARTIFACT", "PHOTO": None, "LINK": None}
            assert capability == expected[spec["media"]], slot["key"]
        elif slot["kind"] in {"CHOICE", "ATTESTATION", "LIST"}:
            assert capability is None, slot["key"]


def test_rules_named_in_the_design_are_stored_as_written():
    by_key = {c["key"]: {s["key"]: s["spec"] for s in c["slots"]} for c in seed_002.CREDENTIALS}
    assert by_key["building-will"] == {
        "blue-dot-visits": {
            "source": "VISIT_AS_VISITOR_TO_ROLE",
            "count": 4,
            "rules": {"host_role": "BLUE"},
        },
        "yellow-dot-visits": {
            "source": "VISIT_BY_ROLE_TO_ROLE",
            "count": 8,
            "rules": {"visitor_role": "BLUE", "host_role": "YELLOW"},
        },
    }
    assert by_key["measuring-impact-on-student-learning"]["facilitated-sheets"] == {
        "source": "REFLECTION_SHEET_AS_FACILITATOR",
        "count": 8,
        "rules": {"host_role": "BLUE", "per_host_max": 2, "max_hosts": 4},
    }
    feedback = by_key["soliciting-feedback-from-peers"]["peer-survey"]["rules"]
    assert feedback["kind"] == "PEER_FEEDBACK" and feedback["min_invitees"] == 4
    focusing = seed_002.CREDENTIALS[0]["slots"]
    assert focusing[0]["spec"]["count"] == 2
    assert focusing[1]["required_when"] == {"slot": "cycle-sheets", "keeps_question": True}


# --- references ---------------------------------------------------------------------------------


def test_skills_are_unique():
    pairs = [(s["framework"], s["code"]) for s in skills.SKILLS]
    assert len(pairs) == len(set(pairs))
    assert all(s["name"] for s in skills.SKILLS)


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_every_skill_referenced_exists(programme, credential):
    known = {(s["framework"], s["code"]) for s in skills.SKILLS}
    assert credential["skills"], "seed 001: every credential carries its skills"
    assert len(credential["skills"]) == len(set(credential["skills"]))
    assert set(credential["skills"]) <= known


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_criteria_judge_existing_slots_on_their_scale(programme, credential):
    keys = set(slot_keys(credential))
    judged = set()
    for criterion in credential["criteria"]:
        assert criterion["text"] and criterion["group"]
        assert criterion["slots"] and set(criterion["slots"]) <= keys, criterion["slots"]
        assert criterion["scale"] in SCALES
        if criterion["scale"] == "PROFICIENT_BASIC_DEVELOPING":
            assert set(criterion["levels"]) == SCALES[criterion["scale"]]
            assert all(criterion["levels"].values())
        else:
            assert criterion["levels"] == {}
        judged |= set(criterion["slots"])
    # Every piece of evidence is judged by something; an eligibility tick need not be.
    unjudged = {
        slot["key"]
        for slot in credential["slots"]
        if slot["key"] not in judged and slot["kind"] != "ATTESTATION"
    }
    assert not unjudged


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_pass_rule_covers_every_criterion_group_with_a_level_of_its_scale(programme, credential):
    groups = {c["group"]: c["scale"] for c in credential["criteria"]}
    covered = set()
    for clause in credential["pass_rule"]["all"]:
        level = clause.get("at_least") or clause.get("every_criterion_at_least")
        matching = {
            g for g in groups if g == clause["group"] or g.startswith(clause["group"] + ".")
        }
        assert matching, clause
        assert all(level in SCALES[groups[g]] for g in matching), clause
        covered |= matching
    assert covered == set(groups)


def test_prerequisites_point_at_existing_credentials_or_series():
    credentials = {f"{p}/{c['key']}" for p, c in ALL}
    series = {f"{s['programme']}/{s['key']}" for s in others.SERIES}
    for programme, credential in ALL:
        for prerequisite in credential["prerequisites"]:
            assert len(prerequisite) == 1
            if "credential" in prerequisite:
                assert prerequisite["credential"] in credentials
                assert prerequisite["credential"] != f"{programme}/{credential['key']}"
            else:
                assert prerequisite["series"] in series
                assert prerequisite["series"] != f"{programme}/{credential['series']}"


def test_the_advocate_series_waits_for_the_foundational_one():
    advocates = [c for c in others.CREDENTIALS if c["series"] == "teacher-as-advocate"]
    assert len(advocates) == 3
    for credential in advocates:
        assert credential["prerequisites"] == [{"series": "co-ascd/teacher-as-learner-and-leader"}]


# --- plain data -----------------------------------------------------------------------------------


def test_data_modules_import_nothing_but_the_catalogue_and_the_standard_library():
    allowed = {"collections.abc", "credentials.catalogue"}
    for path in CATALOGUE_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                assert {alias.name for alias in node.names} <= allowed, path.name
            elif isinstance(node, ast.ImportFrom):
                assert node.module in allowed, (path.name, node.module)


@pytest.mark.parametrize(("programme", "credential"), ALL, ids=IDS)
def test_json_fields_serialise(programme, credential):
    json.dumps([credential["pass_rule"], credential["resources"], credential["prerequisites"]])
    for slot in walk_slots(credential["slots"]):
        json.dumps([slot["spec"], slot["required_when"]])
    for criterion in credential["criteria"]:
        json.dumps(criterion["levels"])


def test_no_two_credentials_share_a_mutable_object():
    # A loader that pops or edits one credential's dicts must not change another's.
    def containers(value):
        if isinstance(value, dict | list):
            yield id(value)
            for child in value.values() if isinstance(value, dict) else value:
                yield from containers(child)

    owner = {}
    for _, credential in ALL:
        for ident in containers(credential):
            assert owner.setdefault(ident, credential["key"]) == credential["key"]


# --- our own words --------------------------------------------------------------------------------

ANY_FIELD_RUN = 12  # titles keep the programme's names (the longest has ten words)
PROSE_RUN = 7  # everything but titles and keys


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "").replace("'", ""))


def runs(word_list, n):
    return {tuple(word_list[i : i + n]) for i in range(len(word_list) - n + 1)}


def strings(value, field=""):
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from strings(child, key)
    elif isinstance(value, list | tuple):
        for child in value:
            yield from strings(child, field)


def copied_runs(data, seed_words, *, any_field=ANY_FIELD_RUN, prose=PROSE_RUN):
    seed_any = set().union(*(runs(w, any_field) for w in seed_words))
    seed_prose = set().union(*(runs(w, prose) for w in seed_words))
    found = []
    for field, text in strings(data):
        mine = words(text)
        names_allowed = field in {"title", "key"}
        if runs(mine, any_field) & seed_any or (
            not names_allowed and runs(mine, prose) & seed_prose
        ):
            found.append(text)
    return found


def test_the_copy_check_catches_a_copied_sentence(seed_words):
    # Positive control: a seed sentence (seed 002's Facilitating Peer Reflection) pasted into
    # guidance is caught, and so is one slightly edited around a 7-word run.
    copied = {"guidance": "As you review the videos, what strikes you about this process?"}
    assert copied_runs(copied, seed_words) == [copied["guidance"]]
    edited = {"text": "So: teachers survey peers to gauge the impact of it all."}
    assert copied_runs(edited, seed_words) == [edited["text"]]
    assert copied_runs({"title": "Teachers survey peers to gauge the impact"}, seed_words) == []


def test_no_catalogue_text_copies_the_seeds(seed_words):
    data = [
        seed_002.PROGRAMME,
        seed_002.CREDENTIALS,
        others.PROGRAMMES,
        others.SERIES,
        others.CREDENTIALS,
        skills.SKILLS,
    ]
    assert copied_runs(data, seed_words) == []
