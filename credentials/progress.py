"""How far a pursuit is with each requirement, from plain rows: pure, no Django, no database.

`selectors.pursuit_progress` loads the rows (`sources.py` for other apps' records, the
pursuit's own evidence items) and calls `evaluate` once per top-level slot. Every rule of
design section 3.2 lives here, so it is tested on hand-made rows:

- only COMPLETED visits reach this module (`sources` filters the others out in SQL), and one
  counts from the moment it was done (`completed_at`, or its end when that is unset);
- a role is the one held *at the visit's start*, from the cohort's membership history
  (`started_at <= starts_at` and not ended by then): a peer who has since left still counts for
  the visits made while they were in, and a visit after they left does not; someone who changed
  role counts under the role they held at each visit;
- nobody counts a visit to their own class.

Reasons are sentences a teacher can act on, starting with the credential's title and naming
the peers still missing (the teacher already sees their cohort's members).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# States of a requirement (GraphQL `RequirementState`).
NOT_STARTED = "NOT_STARTED"
IN_PROGRESS = "IN_PROGRESS"
MET = "MET"
BLOCKED = "BLOCKED"
AWAITING_CAPABILITY = "AWAITING_CAPABILITY"

LEADER, BLUE, YELLOW = "LEADER", "BLUE", "YELLOW"

#: Sources whose rules read roles, meetings or surveys of the pursuit's cohort: a pursuit of a
#: version with any of them needs a cohort (`pursuit_start`, COHORT_REQUIRED).
COHORT_SCOPED = frozenset(
    {
        "VISIT_AS_VISITOR_TO_ROLE",
        "VISIT_BY_ROLE_TO_ROLE",
        "REFLECTION_SHEET_AS_FACILITATOR",
        "SURVEY_PAIR",
        "MEETING_AGENDA",
    }
)

#: Sources the app cannot compute yet: (capability, what will bring them).
LATER_SOURCES = {
    "STUDENT_VOICE_CYCLE": ("STUDENT_VOICE", "student voice surveys"),
}
LATER_MEDIA = {"VIDEO": ("VIDEO", "video uploads"), "FILE": ("ARTIFACT", "artifact uploads")}

_ROLE_WORDS = {LEADER: ("leader", "leaders"), BLUE: ("blue dot", "blue dots")}
_ROLE_WORDS[YELLOW] = ("yellow dot", "yellow dots")


# --- rows handed in ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissingThing:
    """Someone (or some record) a requirement still waits for."""

    person_id: int | None = None
    name: str = ""
    record_id: int | None = None


@dataclass
class RequirementProgress:
    slot_key: str
    state: str
    have: int = 0
    need: int = 0
    reasons: list[str] = field(default_factory=list)
    missing: list[MissingThing] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    capability: str | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    key: str
    kind: str
    title: str
    spec: Mapping[str, Any]
    later_capability: str = ""
    options: tuple[Slot, ...] = ()
    required_when: Mapping[str, Any] | None = None
    """Needed only in a case, e.g. {"slot": "evidence", "chosen": "candidate-choice"}: only
    when that choice's chosen option is this one."""


@dataclass(frozen=True, slots=True)
class MembershipRow:
    cohort_id: int
    person_id: int
    full_name: str
    role: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class VisitRow:
    """A COMPLETED visit seen from one visitor."""

    visit_id: int
    visitor_id: int
    host_id: int
    host_name: str
    starts_at: datetime
    done_at: datetime
    has_slq: bool = True
    has_data_from_visitor: bool = True


@dataclass(frozen=True, slots=True)
class SheetRow:
    """A reflection sheet of a COMPLETED visit: who, which cycle, and what is filled in (as
    booleans: never what it says)."""

    sheet_id: int
    host_id: int
    host_name: str
    facilitator_id: int
    cycle: int
    slq_id: int
    visit_starts_at: datetime
    has_data_summary: bool = True
    has_considerations: bool = True
    has_next_steps: bool = True
    keeps_slq: bool = False
    visit_has_slq_and_tool: bool = True
    visit_has_entries: bool = True


@dataclass(frozen=True, slots=True)
class SlqRow:
    slq_id: int
    crafted_with_id: int
    host_id: int
    host_name: str
    has_tool: bool


@dataclass(frozen=True, slots=True)
class SurveyRow:
    administration_id: int
    created_by_id: int
    cohort_id: int | None
    kind: str
    instrument_kind: str
    audience: str | None
    follows_id: int | None
    opens_at: datetime
    closes_at: datetime
    cancelled: bool
    invited: int
    responses: int
    insiders: int


@dataclass(frozen=True, slots=True)
class MeetingRow:
    meeting_id: int
    cohort_id: int
    kind: str
    starts_at: datetime
    agenda_items: int


@dataclass(frozen=True, slots=True)
class SessionRow:
    """An agenda item using a protocol, in an ended meeting, seen from one person."""

    agenda_item_id: int
    meeting_id: int
    person_id: int
    protocol_key: str
    facilitated: bool
    present: bool
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class PdsaRow:
    """A PDSA cycle of its owner: what is recorded, as booleans (never what it says)."""

    pdsa_id: int
    owner_id: int
    slq_id: int | None
    cycle_number: int
    stage: str
    has_prediction: bool = True
    has_do_dates: bool = True
    has_results: bool = True
    has_decision: bool = True
    has_measured: bool = True
    """At least one linked measure with at least one point."""
    done_on: date | None = None
    published: bool = False
    """Live in the improvement library (shared with the teacher's school or district)."""


@dataclass(frozen=True, slots=True)
class RunChartRow:
    """A measure of its owner seen as a run chart: counts, days and flags (never a value)."""

    measure_id: int
    owner_id: int
    points: int
    first_on: date | None = None
    last_on: date | None = None
    has_note: bool = False
    """A note the teacher pinned to the chart."""
    has_cycle_start: bool = False
    """A linked cycle's Do starts within the chart's days (the chart marks it by itself)."""
    pdsa_ids: tuple[int, ...] = ()

    @property
    def annotated(self) -> bool:
        return self.has_note or self.has_cycle_start


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """An evidence item of the pursuit, its payload reduced to what progress needs."""

    slot_key: str
    record_id: int | None = None
    photo_id: int | None = None
    prompt_key: str = ""
    words: int | None = None
    choice_option: str = ""
    list_entries: int | None = None
    attested: bool = False


@dataclass
class Context:
    person_id: int
    cohort_id: int | None
    now: datetime
    title: str
    """The credential's title: every reason starts with it."""
    memberships: Sequence[MembershipRow] = ()
    """The pursuit's cohort's history, every row (ended ones too)."""
    minimum_group_size: int = 5
    peer_feedback_minimum: int = 4
    """The report's minimum for peer feedback (SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE)."""

    def role_at(self, person_id: int, at: datetime) -> str | None:
        """The role `person_id` held in the cohort at `at` (the latest-started place if the
        history overlaps, which it should not)."""
        held = None
        for row in self.memberships:
            if row.person_id != person_id or row.started_at > at:
                continue
            ongoing = row.ended_at is None or row.ended_at > at
            if ongoing and (held is None or row.started_at >= held.started_at):
                held = row
        return held.role if held else None

    def current(self, role: str) -> list[MembershipRow]:
        seen, found = set(), []
        for row in sorted(self.memberships, key=lambda r: (r.full_name, r.person_id)):
            if row.role == role and row.ended_at is None and row.person_id not in seen:
                seen.add(row.person_id)
                found.append(row)
        return found


# --- entry point ---------------------------------------------------------------------------------


def _needed(slot: Slot, evidence: Sequence[EvidenceRow]) -> bool:
    """Whether a conditional slot is needed. Only the condition on a choice is evaluated;
    another (a sheet keeping its question) leaves the slot needed, which asks for more rather
    than less."""
    condition = slot.required_when or {}
    if "chosen" not in condition:
        return True
    chosen = next(
        (
            i.choice_option
            for i in evidence
            if i.slot_key == condition.get("slot") and i.choice_option
        ),
        "",
    )
    # Nothing chosen yet: it may still be needed.
    return chosen in ("", condition["chosen"])


def evaluate(
    slot: Slot,
    rows: Sequence[Any] | Mapping[str, Sequence[Any]],
    ctx: Context,
    evidence: Sequence[EvidenceRow],
) -> RequirementProgress:
    """Progress of one slot. `rows`: the source's rows for this pursuit (RECORDS), or a
    mapping of source -> rows (what the selector hands in, so a CHOICE's option finds its
    own); `evidence`: the pursuit's items, all slots (a CHOICE reads its options')."""
    if slot.kind == "RECORDS":
        source = str(slot.spec.get("source", ""))
        if isinstance(rows, Mapping):
            rows = rows.get(source, ())
        if source in LATER_SOURCES:
            capability, bringer = LATER_SOURCES[source]
            return _awaiting(slot, ctx, capability, bringer)
        if source in COHORT_SCOPED and ctx.cohort_id is None:
            return RequirementProgress(
                slot.key,
                BLOCKED,
                need=_count(slot.spec),
                reasons=[f"{ctx.title}: blocked, this counts records of a cohort; name yours"],
            )
        function = RECORD_RULES.get(source)
        if function is None:
            return RequirementProgress(
                slot.key,
                BLOCKED,
                need=_count(slot.spec),
                reasons=[f"{ctx.title}: blocked, this requirement cannot be counted"],
            )
        return function(slot, rows, ctx)
    own = [item for item in evidence if item.slot_key == slot.key]
    if not _needed(slot, evidence):
        return RequirementProgress(
            slot.key,
            MET,
            reasons=[f"{ctx.title}: not needed for the option you chose"],
        )
    if slot.kind == "TEXT":
        return _text(slot, own, ctx)
    if slot.kind == "ATTESTATION":
        done = any(item.attested for item in own)
        return RequirementProgress(
            slot.key,
            MET if done else NOT_STARTED,
            have=int(done),
            need=1,
            reasons=[] if done else [f"{ctx.title}: {_lower(slot.title)} is not affirmed yet"],
        )
    if slot.kind == "UPLOAD":
        return _upload(slot, own, ctx)
    if slot.kind == "LIST":
        return _list(slot, own, ctx)
    if slot.kind == "CHOICE":
        return _choice(slot, rows, ctx, evidence)
    return RequirementProgress(
        slot.key, BLOCKED, reasons=[f"{ctx.title}: blocked, unknown kind of requirement"]
    )


def _count(spec: Mapping[str, Any], default: int = 1) -> int:
    value = spec.get("count", default)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def _rule(slot: Slot, key: str, default: Any) -> Any:
    rules = slot.spec.get("rules")
    if not isinstance(rules, Mapping):
        return default
    value = rules.get(key, default)
    return default if value is None else value


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text else "this requirement"


def _names(people: Iterable[MembershipRow]) -> str:
    return ", ".join(p.full_name for p in people)


def _role_words(role: str, *, plural: bool = True) -> str:
    words = _ROLE_WORDS.get(role, (role.lower(), role.lower() + "s"))
    return words[1] if plural else words[0]


def _state(have: int, need: int, started: bool) -> str:
    if have >= need:
        return MET
    return IN_PROGRESS if have or started else NOT_STARTED


def _awaiting(slot: Slot, ctx: Context, capability: str, bringer: str) -> RequirementProgress:
    return RequirementProgress(
        slot.key,
        AWAITING_CAPABILITY,
        need=_count(slot.spec),
        reasons=[f"{ctx.title}: comes with {bringer}"],
        capability=capability,
    )


def _day(moment: datetime) -> date:
    return moment.date()


# --- visits --------------------------------------------------------------------------------------


def _done(rows: Iterable[VisitRow], ctx: Context) -> list[VisitRow]:
    """Visits done by now, never a visit to one's own class."""
    return [row for row in rows if row.done_at <= ctx.now and row.visitor_id != row.host_id]


def visit_as_visitor_to_role(slot: Slot, rows: Sequence[VisitRow], ctx: Context):
    """Distinct hosts, holding `host_role` when the teacher visited them."""
    host_role = str(_rule(slot, "host_role", BLUE))
    need = _count(slot.spec)
    counted: dict[int, int] = {}  # host -> first visit counted
    for row in sorted(_done(rows, ctx), key=lambda r: (r.starts_at, r.visit_id)):
        if row.visitor_id != ctx.person_id:
            continue
        if ctx.role_at(row.host_id, row.starts_at) == host_role:
            counted.setdefault(row.host_id, row.visit_id)
    return _people_progress(slot, ctx, counted, need, host_role, "not yet visited")


def visit_by_role_to_role(slot: Slot, rows: Sequence[VisitRow], ctx: Context):
    """Distinct hosts holding `host_role` at the visit, visited by anyone holding
    `visitor_role` at that moment (not only their assigned blue dot: assignments change;
    the network map's count stays the stricter one)."""
    host_role = str(_rule(slot, "host_role", YELLOW))
    visitor_role = str(_rule(slot, "visitor_role", BLUE))
    need = _count(slot.spec)
    counted: dict[int, int] = {}
    for row in sorted(_done(rows, ctx), key=lambda r: (r.starts_at, r.visit_id)):
        if ctx.role_at(row.host_id, row.starts_at) != host_role:
            continue
        if ctx.role_at(row.visitor_id, row.starts_at) == visitor_role:
            counted.setdefault(row.host_id, row.visit_id)
    return _people_progress(slot, ctx, counted, need, host_role, "not yet visited")


def _people_progress(
    slot: Slot, ctx: Context, counted: Mapping[int, int], need: int, role: str, gap: str
) -> RequirementProgress:
    have = min(len(counted), need)
    reason = f"{ctx.title}: {_role_words(role)} {have} of {need}"
    missing: list[MissingThing] = []
    if have < need:
        waiting = [row for row in ctx.current(role) if row.person_id not in counted]
        missing = [MissingThing(row.person_id, row.full_name) for row in waiting]
        if waiting:
            reason += f", {gap}: {_names(waiting)}"
    return RequirementProgress(
        slot.key,
        _state(have, need, bool(counted)),
        have=have,
        need=need,
        reasons=[reason],
        missing=missing,
        candidates=sorted(counted.values()),
    )


def data_set_collected(slot: Slot, rows: Sequence[VisitRow], ctx: Context):
    """Distinct completed visits to a peer's class, on their SLQ, with data from the teacher."""
    need = _count(slot.spec)
    counted, gaps = [], []
    for row in sorted(_done(rows, ctx), key=lambda r: (r.starts_at, r.visit_id)):
        if row.visitor_id != ctx.person_id or not row.has_slq:
            continue
        if row.has_data_from_visitor:
            counted.append(row.visit_id)
        else:
            gaps.append(row)
    have = min(len(counted), need)
    reason = f"{ctx.title}: {have} of {need}"
    if have < need and gaps:
        gap = gaps[0]
        reason += f"; a visit to {gap.host_name} on {_day(gap.starts_at)} has no data from you"
    return RequirementProgress(
        slot.key,
        _state(have, need, bool(counted or gaps)),
        have=have,
        need=need,
        reasons=[reason],
        missing=[MissingThing(record_id=gap.visit_id) for gap in gaps] if have < need else [],
        candidates=counted,
    )


# --- reflection sheets ---------------------------------------------------------------------------


def reflection_sheet_as_facilitator(slot: Slot, rows: Sequence[SheetRow], ctx: Context):
    """Sheets the teacher facilitated while leading the cohort, for a host holding `host_role`
    then: one per (host, cycle), at most `per_host_max` cycles per host and `max_hosts` hosts,
    each with its data summary."""
    host_role = str(_rule(slot, "host_role", BLUE))
    own_role = str(_rule(slot, "facilitator_role", LEADER))
    per_host = int(_rule(slot, "per_host_max", 2))
    max_hosts = int(_rule(slot, "max_hosts", 4))
    need = _count(slot.spec)
    cycles: dict[int, dict[int, int]] = defaultdict(dict)  # host -> cycle -> sheet
    names: dict[int, str] = {}
    incomplete = 0
    for row in sorted(rows, key=lambda r: (r.visit_starts_at, r.sheet_id)):
        if row.facilitator_id != ctx.person_id or row.host_id == ctx.person_id:
            continue
        if ctx.role_at(row.host_id, row.visit_starts_at) != host_role:
            continue
        if ctx.role_at(ctx.person_id, row.visit_starts_at) != own_role:
            continue
        if not row.has_data_summary:
            incomplete += 1
            continue
        cycles[row.host_id].setdefault(row.cycle, row.sheet_id)
        names[row.host_id] = row.host_name
    # The hosts with most cycles first, so the cap keeps the best of them.
    hosts = sorted(cycles, key=lambda h: (-len(cycles[h]), names[h], h))[:max_hosts]
    counted = {h: sorted(cycles[h].items())[:per_host] for h in hosts}
    have = min(sum(len(v) for v in counted.values()), need)
    reason = f"{ctx.title}: reflection sheets {have} of {need}"
    missing: list[MissingThing] = []
    if have < need:
        short = [h for h in hosts if len(counted[h]) < per_host]
        details = []
        if short:
            details.append(
                f"cycle {per_host} missing with {', '.join(names[h] for h in short)}"
                if per_host == 2
                else f"fewer than {per_host} cycles with {', '.join(names[h] for h in short)}"
            )
            missing += [MissingThing(h, names[h]) for h in short]
        if len(hosts) < max_hosts:
            others = [row for row in ctx.current(host_role) if row.person_id not in cycles]
            if others:
                details.append(f"no sheet yet with {_names(others)}")
                missing += [MissingThing(row.person_id, row.full_name) for row in others]
        if incomplete:
            details.append(f"{incomplete} without a data summary")
        if details:
            reason += f" ({'; '.join(details)})"
    return RequirementProgress(
        slot.key,
        _state(have, need, bool(cycles) or incomplete > 0),
        have=have,
        need=need,
        reasons=[reason],
        missing=missing,
        candidates=sorted(sheet for pairs in counted.values() for _, sheet in pairs),
    )


def reflection_sheet_as_host(slot: Slot, rows: Sequence[SheetRow], ctx: Context):
    """The teacher's own sheets from distinct cycles, each from a visit with an SLQ, a tool and
    data, with considerations and next steps; a later cycle's visit after the earlier one's,
    on the same question when the earlier sheet kept it, else on a new one."""
    need = _count(slot.spec, 2)
    complete = [
        row
        for row in sorted(rows, key=lambda r: (r.cycle, r.visit_starts_at, r.sheet_id))
        if row.host_id == ctx.person_id
        and row.visit_has_slq_and_tool
        and row.visit_has_entries
        and row.has_considerations
        and row.has_next_steps
    ]
    chain: list[SheetRow] = []
    for row in complete:
        if chain and row.cycle == chain[-1].cycle:
            continue
        if chain:
            before = chain[-1]
            if row.visit_starts_at <= before.visit_starts_at:
                continue
            if before.keeps_slq != (row.slq_id == before.slq_id):
                continue
        chain.append(row)
    have = min(len(chain), need)
    reason = f"{ctx.title}: reflection sheets {have} of {need}"
    if have < need and len(complete) > len(chain):
        reason += " (a later sheet does not follow on from the earlier one's question)"
    elif have < need and len(rows) > len(complete):
        reason += " (a sheet lacks data, considerations or next steps)"
    return RequirementProgress(
        slot.key,
        _state(have, need, bool(rows)),
        have=have,
        need=need,
        reasons=[reason],
        candidates=[row.sheet_id for row in chain[:need]],
    )


def slq_tool_crafted_for_peer(slot: Slot, rows: Sequence[SlqRow], ctx: Context):
    need = _count(slot.spec)
    mine = [r for r in rows if r.crafted_with_id == ctx.person_id and r.host_id != ctx.person_id]
    counted = sorted({row.slq_id for row in mine if row.has_tool})
    have = min(len(counted), need)
    reason = f"{ctx.title}: questions with a tool {have} of {need}"
    toolless = [row for row in mine if not row.has_tool]
    if have < need and toolless:
        reason += f"; {toolless[0].host_name}'s question has no tool yet"
    return RequirementProgress(
        slot.key,
        _state(have, need, bool(mine)),
        have=have,
        need=need,
        reasons=[reason],
        candidates=counted,
    )


# --- surveys -------------------------------------------------------------------------------------


def _survey_state(row: SurveyRow, ctx: Context, base: int) -> tuple[str, str, int]:
    """(OPEN / TOO_FEW / DONE, a phrase, the minimum applied)."""
    minimum = base + row.insiders
    if row.closes_at > ctx.now:
        return "OPEN", f"closes on {_day(row.closes_at)}", minimum
    if row.responses < minimum:
        return "TOO_FEW", f"had fewer responses than the minimum ({minimum})", minimum
    return "DONE", "", minimum


def survey_pair(slot: Slot, rows: Sequence[SurveyRow], ctx: Context):
    """A baseline of the cohort launched by the teacher, and its six-month follow-up: both
    closed with at least the report's minimum of responses (raised by its insiders)."""
    instrument = str(_rule(slot, "instrument_kind", "TRUST_CULTURE"))
    audience = _rule(slot, "audience", "COHORT_PEERS")
    first_kind = str(_rule(slot, "first", "BASELINE"))
    second_kind = str(_rule(slot, "second", "SIX_MONTH"))
    mine = [
        row
        for row in rows
        if row.created_by_id == ctx.person_id
        and row.cohort_id == ctx.cohort_id
        and not row.cancelled
        and row.instrument_kind == instrument
        and (audience in ("", "ANY") or row.audience == audience)
    ]
    baselines = [row for row in mine if row.kind == first_kind]
    follow_ups: dict[int, list[SurveyRow]] = defaultdict(list)
    for row in mine:
        if row.kind == second_kind and row.follows_id is not None:
            follow_ups[row.follows_id].append(row)
    title = ctx.title
    if not baselines:
        return RequirementProgress(
            slot.key,
            NOT_STARTED,
            need=2,
            reasons=[f"{title}: no baseline survey of your cohort yet"],
        )
    outcomes = []
    for baseline in baselines:
        b_state, b_phrase, _ = _survey_state(baseline, ctx, ctx.minimum_group_size)
        if b_state == "OPEN":
            outcomes.append((1, IN_PROGRESS, 0, f"waiting, the baseline {b_phrase}", baseline))
            continue
        if b_state == "TOO_FEW":
            outcomes.append((0, BLOCKED, 0, f"blocked, the baseline {b_phrase}", baseline))
            continue
        for second in follow_ups.get(baseline.administration_id, []):
            s_state, s_phrase, _ = _survey_state(second, ctx, ctx.minimum_group_size)
            if s_state == "OPEN":
                outcomes.append(
                    (3, IN_PROGRESS, 1, f"waiting, the six-month survey {s_phrase}", second)
                )
            elif s_state == "TOO_FEW":
                outcomes.append(
                    (2, BLOCKED, 1, f"blocked, the six-month survey {s_phrase}", second)
                )
            else:
                outcomes.append((4, MET, 2, "", second))
        if not follow_ups.get(baseline.administration_id):
            outcomes.append(
                (
                    2,
                    IN_PROGRESS,
                    1,
                    "the baseline is done; launch its six-month follow-up",
                    baseline,
                )
            )
    # The most advanced pair speaks; ties go to the latest.
    _rank, state, have, phrase, row = max(outcomes, key=lambda o: (o[0], o[4].opens_at))
    reason = f"{title}: baseline and six-month surveys {have} of 2"
    if phrase:
        reason = f"{title}: {phrase}"
    candidates = [row.administration_id]
    if row.follows_id is not None:
        candidates.insert(0, row.follows_id)
    return RequirementProgress(
        slot.key, state, have=have, need=2, reasons=[reason], candidates=candidates
    )


def survey_administration(slot: Slot, rows: Sequence[SurveyRow], ctx: Context):
    """Surveys of a kind the teacher launched, closed, with enough invitees and responses."""
    kind = _rule(slot, "kind", None)
    instrument = _rule(slot, "instrument_kind", None)
    audience = _rule(slot, "audience", None)
    min_invitees = int(_rule(slot, "min_invitees", 0))
    base = int(_rule(slot, "min_responses", ctx.minimum_group_size))
    if kind == "PEER_FEEDBACK":
        # Never met on fewer responses than its report shows figures for.
        base = max(base, ctx.peer_feedback_minimum)
    same_cohort = bool(_rule(slot, "same_cohort", False))
    need = _count(slot.spec)
    counted, waiting, short = [], [], []
    for row in sorted(rows, key=lambda r: (r.closes_at, r.administration_id)):
        if row.created_by_id != ctx.person_id or row.cancelled:
            continue
        if kind is not None and row.kind != kind:
            continue
        if instrument is not None and row.instrument_kind != instrument:
            continue
        if audience is not None and row.audience != audience:
            continue
        if same_cohort and row.cohort_id != ctx.cohort_id:
            continue
        if row.invited < min_invitees:
            continue
        state, phrase, _ = _survey_state(row, ctx, base)
        if state == "DONE":
            counted.append(row.administration_id)
        elif state == "OPEN":
            waiting.append(phrase)
        else:
            short.append(phrase)
    have = min(len(counted), need)
    reason = f"{ctx.title}: surveys {have} of {need}"
    state = _state(have, need, bool(waiting or short))
    if have < need and waiting:
        reason = f"{ctx.title}: waiting, the survey {waiting[0]}"
    elif have < need and short:
        reason = f"{ctx.title}: blocked, the survey {short[0]}"
        state = BLOCKED
    return RequirementProgress(
        slot.key, state, have=have, need=need, reasons=[reason], candidates=counted
    )


# --- meetings ------------------------------------------------------------------------------------


def meeting_agenda(slot: Slot, rows: Sequence[MeetingRow], ctx: Context):
    """Meetings of the cohort of a kind, started by now, not cancelled, with an agenda."""
    kind = _rule(slot, "meeting_kind", None)
    need = _count(slot.spec)
    mine = [
        row
        for row in rows
        if row.cohort_id == ctx.cohort_id
        and (kind is None or row.kind == kind)
        and row.starts_at <= ctx.now
    ]
    counted = [row.meeting_id for row in mine if row.agenda_items > 0]
    have = min(len(counted), need)
    reason = f"{ctx.title}: meetings with an agenda {have} of {need}"
    if have < need and len(mine) > len(counted):
        reason += " (a meeting held has no agenda)"
    return RequirementProgress(
        slot.key,
        _state(have, need, bool(mine)),
        have=have,
        need=need,
        reasons=[reason],
        candidates=counted,
    )


def protocol_session(slot: Slot, rows: Sequence[SessionRow], ctx: Context):
    """Ended sessions with the protocol, facilitated by the teacher (`as_facilitator`) or
    with the teacher present."""
    key = _rule(slot, "protocol_key", None)
    as_facilitator = bool(_rule(slot, "as_facilitator", False))
    need = _count(slot.spec)
    counted = sorted(
        {
            row.agenda_item_id
            for row in rows
            if row.person_id == ctx.person_id
            and (key is None or row.protocol_key == key)
            and row.ends_at <= ctx.now
            and (row.facilitated if as_facilitator else row.present)
        }
    )
    have = min(len(counted), need)
    what = "sessions you facilitated" if as_facilitator else "sessions on your work"
    return RequirementProgress(
        slot.key,
        _state(have, need, False),
        have=have,
        need=need,
        reasons=[f"{ctx.title}: {what} {have} of {need}"],
        candidates=counted,
    )


# --- PDSA cycles and run charts -------------------------------------------------------------------

_STAGE_WORDS = {"PLAN": "Plan", "DO": "Do", "STUDY": "Study", "ACT": "Act", "DONE": "Done"}
_STAGES_DONE = ("ACT", "DONE")

# What `needs` may ask of a cycle, and the phrase for one lacking it.
_PDSA_NEEDS: dict[str, tuple[Callable[[PdsaRow], bool], str]] = {
    "slq": (lambda row: row.slq_id is not None, "has no question"),
    "prediction": (lambda row: row.has_prediction, "has no prediction"),
    "measures": (lambda row: row.has_measured, "has no measure with data yet"),
    "results": (lambda row: row.has_results, "has no Study results yet"),
}


def _pdsa_gap(row: PdsaRow, complete: bool, needs: Sequence[str], published: bool) -> str:
    """Why a cycle does not count yet ("" when it does)."""
    if complete:
        if row.stage not in _STAGES_DONE:
            return f"is still in {_STAGE_WORDS.get(row.stage, row.stage.title())}"
        if not row.has_do_dates:
            return "has no Do dates"
        if not row.has_decision:
            return "has no Act decision yet"
    for need in ("slq", "prediction", "results", "measures") if complete else ():
        check, phrase = _PDSA_NEEDS[need]
        if not check(row):
            return phrase
    for need in needs:
        check, phrase = _PDSA_NEEDS.get(need, (lambda row: True, ""))
        if not check(row):
            return phrase
    if published and not row.published:
        return "is not published in the improvement library yet"
    return ""


def pdsa(slot: Slot, rows: Sequence[PdsaRow], ctx: Context):
    """The teacher's own cycles that are complete: every stage recorded (Do dates, Study
    results, an Act decision), a prediction, and a linked measure with data; `needs` may ask
    for a part without the whole (`complete: false`); `published` asks that the cycle be live
    in the improvement library."""
    complete = bool(_rule(slot, "complete", False))
    published = bool(_rule(slot, "published", False))
    listed = _rule(slot, "needs", [])
    needs = [n for n in listed if isinstance(n, str)] if isinstance(listed, list) else []
    need = _count(slot.spec)
    mine = sorted(
        (row for row in rows if row.owner_id == ctx.person_id),
        key=lambda r: (r.done_on or date.max, r.pdsa_id),
    )
    counted, gaps = [], []
    for row in mine:
        gap = _pdsa_gap(row, complete, needs, published)
        if gap:
            gaps.append((row, gap))
        else:
            counted.append(row.pdsa_id)
    have = min(len(counted), need)
    reason = f"{ctx.title}: tests of change {have} of {need}"
    if have < need and gaps:
        # The furthest along speaks: it is the one the teacher is working on.
        order = {stage: n for n, stage in enumerate(_STAGE_WORDS)}
        row, gap = max(gaps, key=lambda g: (order.get(g[0].stage, 0), g[0].pdsa_id))
        reason += f"; cycle {row.cycle_number} {gap}"
    elif have < need:
        reason += "; start a cycle in the PDSA tracker"
    return RequirementProgress(
        slot.key,
        _state(have, need, bool(mine)),
        have=have,
        need=need,
        reasons=[reason],
        candidates=counted,
    )


def run_chart(slot: Slot, rows: Sequence[RunChartRow], ctx: Context):
    """The teacher's own measures charted with at least `min_points` points and, when
    `annotated`, marking a change: a pinned note, or a linked cycle whose Do starts within the
    chart's days."""
    min_points = _rule(slot, "min_points", 1)
    min_points = min_points if isinstance(min_points, int) and min_points > 0 else 1
    annotated = bool(_rule(slot, "annotated", False))
    need = _count(slot.spec)
    mine = [row for row in rows if row.owner_id == ctx.person_id and row.points > 0]
    counted, short = [], []
    for row in sorted(mine, key=lambda r: (r.last_on or date.min, r.measure_id)):
        if row.points >= min_points and (row.annotated or not annotated):
            counted.append(row.measure_id)
        else:
            short.append(row)
    have = min(len(counted), need)
    reason = f"{ctx.title}: run charts {have} of {need}"
    if have < need and short:
        best = max(short, key=lambda r: (min(r.points, min_points), r.annotated, r.measure_id))
        parts = []
        if best.points < min_points:
            parts.append(f"run chart points {best.points} of {min_points}")
        if annotated and not best.annotated:
            parts.append(
                "the chart marks no change yet (pin a note, or link the cycle whose Do starts "
                "within it)"
            )
        reason = f"{ctx.title}: " + "; ".join(parts)
    elif have < need:
        reason += "; record points on a measure in the PDSA tracker"
    return RequirementProgress(
        slot.key,
        _state(have, need, bool(mine)),
        have=have,
        need=need,
        reasons=[reason],
        candidates=counted,
    )


RECORD_RULES: dict[str, Callable[[Slot, Any, Context], RequirementProgress]] = {
    "VISIT_AS_VISITOR_TO_ROLE": visit_as_visitor_to_role,
    "VISIT_BY_ROLE_TO_ROLE": visit_by_role_to_role,
    "DATA_SET_COLLECTED": data_set_collected,
    "REFLECTION_SHEET_AS_FACILITATOR": reflection_sheet_as_facilitator,
    "REFLECTION_SHEET_AS_HOST": reflection_sheet_as_host,
    "SLQ_TOOL_CRAFTED_FOR_PEER": slq_tool_crafted_for_peer,
    "SURVEY_PAIR": survey_pair,
    "SURVEY_ADMINISTRATION": survey_administration,
    "MEETING_AGENDA": meeting_agenda,
    "PROTOCOL_SESSION": protocol_session,
    "PDSA": pdsa,
    "RUN_CHART": run_chart,
}


# --- the teacher's own evidence ------------------------------------------------------------------


def _text(slot: Slot, own: Sequence[EvidenceRow], ctx: Context) -> RequirementProgress:
    prompts = [p for p in slot.spec.get("prompts", []) or [] if isinstance(p, Mapping)]
    keys = [str(p.get("key", "")) for p in prompts] or [""]
    words = slot.spec.get("words") if isinstance(slot.spec.get("words"), Mapping) else {}
    low = words.get("min") or 0 if isinstance(words, Mapping) else 0
    high = words.get("max") if isinstance(words, Mapping) else None
    per_slot = slot.spec.get("limit_scope") == "SLOT"
    written = {item.prompt_key: item.words or 0 for item in own if item.words is not None}
    answered = [key for key in keys if written.get(key, 0) > 0]
    need = len(keys)
    problems: list[str] = []
    if per_slot:
        total = sum(written.get(key, 0) for key in keys)
        if total and total < low:
            problems.append(f"{total} words, at least {low}")
        if high is not None and total > high:
            problems.append(f"{total} words, at most {high}")
    else:
        for key in answered:
            n = written[key]
            label = f"answer {keys.index(key) + 1}" if len(keys) > 1 else "the text"
            if n < low:
                problems.append(f"{label} has {n} words, at least {low}")
            elif high is not None and n > high:
                problems.append(f"{label} has {n} words, at most {high}")
    have = len(answered)
    if have == need and not problems:
        return RequirementProgress(slot.key, MET, have=have, need=need)
    reasons = []
    if have < need:
        reasons.append(
            f"{ctx.title}: {_lower(slot.title)}, {have} of {need} answers written"
            if need > 1
            else f"{ctx.title}: {_lower(slot.title)} is not written yet"
        )
    reasons += [f"{ctx.title}: {_lower(slot.title)}, {problem}" for problem in problems]
    return RequirementProgress(
        slot.key, _state(0, 1, have > 0), have=have, need=need, reasons=reasons
    )


def _upload(slot: Slot, own: Sequence[EvidenceRow], ctx: Context) -> RequirementProgress:
    media = str(slot.spec.get("media", ""))
    if media in LATER_MEDIA:
        capability, bringer = LATER_MEDIA[media]
        return _awaiting(slot, ctx, capability, bringer)
    need = _count(slot.spec)
    if media == "PHOTO":
        items = [item.photo_id for item in own if item.photo_id is not None]
    else:  # LINK: typed entries, or a text holding the address
        items = [1 for item in own if item.list_entries or (item.words or 0) > 0]
    have = min(len(items), need)
    noun = "photos" if media == "PHOTO" else "links"
    return RequirementProgress(
        slot.key,
        _state(have, need, False),
        have=have,
        need=need,
        reasons=[] if have >= need else [f"{ctx.title}: {noun} {have} of {need}"],
        candidates=[i for i in items if media == "PHOTO"],
    )


def _list(slot: Slot, own: Sequence[EvidenceRow], ctx: Context) -> RequirementProgress:
    count = slot.spec.get("count")
    need = count.get("min", 1) if isinstance(count, Mapping) else 1
    need = need if isinstance(need, int) and need > 0 else 1
    have = min(sum(item.list_entries or 0 for item in own), need)
    return RequirementProgress(
        slot.key,
        _state(have, need, False),
        have=have,
        need=need,
        reasons=[] if have >= need else [f"{ctx.title}: {_lower(slot.title)} {have} of {need}"],
    )


def _choice(
    slot: Slot,
    rows: Sequence[Any] | Mapping[str, Sequence[Any]],
    ctx: Context,
    evidence: Sequence[EvidenceRow],
) -> RequirementProgress:
    chosen_key = next(
        (
            item.choice_option
            for item in evidence
            if item.slot_key == slot.key and item.choice_option
        ),
        "",
    )
    chosen = next((option for option in slot.options if option.key == chosen_key), None)
    if chosen is None:
        labels = ", ".join(_lower(option.title) for option in slot.options)
        return RequirementProgress(
            slot.key,
            NOT_STARTED,
            need=1,
            reasons=[f"{ctx.title}: choose one of: {labels}"],
        )
    inner = evaluate(chosen, rows, ctx, evidence)
    return RequirementProgress(
        slot.key,
        inner.state,
        have=inner.have,
        need=inner.need,
        reasons=inner.reasons,
        missing=inner.missing,
        candidates=inner.candidates,
        capability=inner.capability,
    )
