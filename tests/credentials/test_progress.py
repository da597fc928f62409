"""`progress.evaluate` on hand-made rows: the rules of design 3.2, no database."""

from datetime import UTC, datetime, timedelta

from credentials.progress import (
    AWAITING_CAPABILITY,
    BLOCKED,
    IN_PROGRESS,
    MET,
    NOT_STARTED,
    Context,
    EvidenceRow,
    MembershipRow,
    SheetRow,
    Slot,
    SurveyRow,
    VisitRow,
    evaluate,
)

T0 = datetime(2026, 9, 1, 15, tzinfo=UTC)
NOW = T0 + timedelta(days=300)
ME = 1


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def member(person, role, start=-10, end=None, name=None):
    return MembershipRow(
        7, person, name or f"Person {person}", role, day(start), None if end is None else day(end)
    )


def ctx(memberships, title="Building Will"):
    return Context(person_id=ME, cohort_id=7, now=NOW, title=title, memberships=memberships)


def visit(visit_id, visitor, host, on, *, done=None, slq=True, data=True):
    return VisitRow(visit_id, visitor, host, f"Person {host}", day(on), done or day(on), slq, data)


BLUE_VISITS = Slot(
    "blue-visits",
    "RECORDS",
    "Blue visits",
    {"source": "VISIT_AS_VISITOR_TO_ROLE", "count": 4, "rules": {"host_role": "BLUE"}},
)
YELLOW_VISITS = Slot(
    "yellow-visits",
    "RECORDS",
    "Yellow visits",
    {
        "source": "VISIT_BY_ROLE_TO_ROLE",
        "count": 8,
        "rules": {"host_role": "YELLOW", "visitor_role": "BLUE"},
    },
)


def test_distinct_blue_hosts_count_up_to_the_need():
    people = [member(ME, "LEADER")] + [member(p, "BLUE") for p in (2, 3, 4, 5, 6)]
    rows = [visit(10 + p, ME, p, p) for p in (2, 3, 4, 5, 6)] + [visit(30, ME, 2, 40)]
    result = evaluate(BLUE_VISITS, rows, ctx(people), [])
    assert (result.state, result.have, result.need) == (MET, 4, 4)
    assert result.reasons == ["Building Will: blue dots 4 of 4"]


def test_a_member_who_left_counts_for_visits_inside_their_membership_not_after():
    people = [member(ME, "LEADER"), member(2, "BLUE", end=20), member(3, "BLUE", end=20)]
    rows = [visit(1, ME, 2, 10), visit(2, ME, 3, 25)]  # 3 was visited after leaving
    result = evaluate(BLUE_VISITS, rows, ctx(people), [])
    assert result.have == 1
    assert result.candidates == [1]
    assert result.state == IN_PROGRESS


def test_the_role_held_at_each_visit_counts_not_the_role_now():
    people = [
        member(ME, "LEADER"),
        member(2, "YELLOW", end=50),
        member(2, "BLUE", start=50),  # became a blue dot mid-year
        member(3, "BLUE", end=50),
        member(3, "YELLOW", start=50),  # and the other way round
    ]
    rows = [visit(1, ME, 2, 10), visit(2, ME, 2, 60), visit(3, ME, 3, 60)]
    result = evaluate(BLUE_VISITS, rows, ctx(people), [])
    assert result.candidates == [2]  # only the visit to 2 while blue
    yellow = evaluate(YELLOW_VISITS, [visit(4, 3, 2, 10), visit(5, 2, 3, 60)], ctx(people), [])
    assert yellow.candidates == [4, 5]  # 3 blue visits 2 yellow; later 2 blue visits 3 yellow


def test_a_self_visit_never_counts():
    people = [member(ME, "BLUE"), member(2, "BLUE")]
    assert evaluate(BLUE_VISITS, [visit(1, ME, ME, 3)], ctx(people), []).have == 0
    assert evaluate(YELLOW_VISITS, [visit(1, ME, ME, 3)], ctx(people), []).have == 0


def test_a_visit_counts_from_when_it_was_done():
    people = [member(ME, "LEADER"), member(2, "BLUE")]
    later = visit(1, ME, 2, 3, done=NOW + timedelta(hours=1))
    assert evaluate(BLUE_VISITS, [later], ctx(people), []).have == 0


def test_yellow_hosts_need_a_blue_visitor_at_that_moment_and_missing_yellows_are_named():
    people = [member(ME, "LEADER"), member(2, "BLUE"), member(3, "YELLOW", end=100)]
    people += [member(p, "YELLOW", name=n) for p, n in [(4, "Dana Reyes"), (5, "Ana Li")]]
    people += [member(9, "YELLOW", start=-10, end=5), member(9, "BLUE", start=5)]
    rows = [
        visit(1, 2, 3, 10),  # blue 2 -> yellow 3 (who left later: still counts)
        visit(2, 9, 4, 2),  # 9 was yellow then: does not count
        visit(3, ME, 5, 12),  # the leader is not a blue dot
    ]
    result = evaluate(YELLOW_VISITS, rows, ctx(people), [])
    assert result.have == 1
    assert result.reasons == [
        "Building Will: yellow dots 1 of 8, not yet visited: Ana Li, Dana Reyes"
    ]
    assert [m.name for m in result.missing] == ["Ana Li", "Dana Reyes"]


FACILITATED = Slot(
    "sheets",
    "RECORDS",
    "Sheets",
    {
        "source": "REFLECTION_SHEET_AS_FACILITATOR",
        "count": 8,
        "rules": {"per_host_max": 2, "max_hosts": 4},
    },
)


NAMES = {2: "Ana Li", 3: "Sam Ortiz", 4: "Kim Bo", 5: "Jo Pe"}


def sheet(sheet_id, host, cycle, on, *, data=True):
    return SheetRow(
        sheet_id,
        host,
        NAMES.get(host, f"Person {host}"),
        ME,
        cycle,
        100 + host,
        day(on),
        has_data_summary=data,
    )


def test_facilitated_sheets_one_per_host_and_cycle_capped_and_named():
    people = [member(ME, "LEADER")]
    people += [member(p, "BLUE", name=n) for p, n in NAMES.items()]
    rows = [
        sheet(1, 2, 1, 1),
        sheet(2, 2, 2, 30),
        sheet(3, 2, 3, 60),  # third cycle: capped
        sheet(4, 3, 1, 2),
        sheet(5, 3, 1, 3),  # the same cycle twice: once
        sheet(6, 4, 1, 4),
        sheet(7, 4, 2, 40),
        sheet(8, 5, 1, 5),
        sheet(9, 5, 2, 50, data=False),
    ]
    result = evaluate(FACILITATED, rows, ctx(people, title="Measuring Impact"), [])
    assert result.have == 6
    assert result.reasons == [
        "Measuring Impact: reflection sheets 6 of 8 "
        "(cycle 2 missing with Jo Pe, Sam Ortiz; 1 without a data summary)"
    ]


def test_facilitated_sheets_count_only_while_the_teacher_led_and_the_host_was_blue():
    people = [member(ME, "LEADER", end=20), member(2, "BLUE"), member(3, "YELLOW")]
    rows = [sheet(1, 2, 1, 10), sheet(2, 2, 2, 30), sheet(3, 3, 1, 5)]
    assert evaluate(FACILITATED, rows, ctx(people), []).candidates == [1]


PAIR = Slot("pair", "RECORDS", "Pair", {"source": "SURVEY_PAIR", "count": 2})


def survey(admin_id, kind, *, closes, responses, insiders=0, follows=None):
    return SurveyRow(
        admin_id,
        ME,
        7,
        kind,
        "TRUST_CULTURE",
        "COHORT_PEERS",
        follows,
        day(closes - 10),
        day(closes),
        False,
        12,
        responses,
        insiders,
    )


def test_survey_pair_needs_both_closed_with_the_minimum_plus_insiders():
    c = ctx([], title="Considering Impact on Culture")
    assert evaluate(PAIR, [], c, []).state == NOT_STARTED
    few = evaluate(PAIR, [survey(1, "BASELINE", closes=20, responses=4)], c, [])
    assert few.state == BLOCKED
    assert few.reasons == [
        "Considering Impact on Culture: blocked, the baseline had fewer responses than the "
        "minimum (5)"
    ]
    insider = evaluate(PAIR, [survey(1, "BASELINE", closes=20, responses=5, insiders=1)], c, [])
    assert insider.reasons[0].endswith("minimum (6)")
    baseline = survey(1, "BASELINE", closes=20, responses=6)
    waiting = evaluate(
        PAIR, [baseline, survey(2, "SIX_MONTH", closes=400, responses=0, follows=1)], c, []
    )
    assert waiting.state == IN_PROGRESS
    assert waiting.reasons == [
        f"Considering Impact on Culture: waiting, the six-month survey closes on {day(400).date()}"
    ]
    done = evaluate(
        PAIR, [baseline, survey(2, "SIX_MONTH", closes=200, responses=5, follows=1)], c, []
    )
    assert (done.state, done.have, done.candidates) == (MET, 2, [1, 2])


def test_later_capabilities_wait_with_a_named_reason():
    c = ctx([], title="Understanding Improvement")
    video = evaluate(Slot("v", "UPLOAD", "Video", {"media": "VIDEO"}), [], c, [])
    assert (video.state, video.capability) == (AWAITING_CAPABILITY, "VIDEO")
    voice = Slot("sv", "RECORDS", "Voice", {"source": "STUDENT_VOICE_CYCLE", "count": 1})
    assert evaluate(voice, [], c, []).capability == "STUDENT_VOICE"


def test_text_within_word_limits_is_met():
    slot = Slot(
        "t",
        "TEXT",
        "Three reflections",
        {
            "prompts": [{"key": "a", "text": "?"}, {"key": "b", "text": "?"}],
            "words": {"min": 50, "max": 250},
            "limit_scope": "PROMPT",
        },
    )
    c = ctx([])
    assert evaluate(slot, [], c, []).state == NOT_STARTED
    one = [EvidenceRow("t", prompt_key="a", words=60)]
    assert evaluate(slot, [], c, one).state == IN_PROGRESS
    short = [*one, EvidenceRow("t", prompt_key="b", words=20)]
    result = evaluate(slot, [], c, short)
    assert result.state == IN_PROGRESS
    assert result.reasons == [
        "Building Will: three reflections, answer 2 has 20 words, at least 50"
    ]
    assert evaluate(slot, [], c, [*one, EvidenceRow("t", prompt_key="b", words=50)]).state == MET
    scoped = Slot(
        "s",
        "TEXT",
        "Part 1",
        {**slot.spec, "limit_scope": "SLOT", "words": {"min": 100, "max": 150}},
    )
    both = [EvidenceRow("s", prompt_key="a", words=60), EvidenceRow("s", prompt_key="b", words=60)]
    assert evaluate(scoped, [], c, both).state == MET
    too_long = [*both[:1], EvidenceRow("s", prompt_key="b", words=100)]
    assert evaluate(scoped, [], c, too_long).reasons == [
        "Building Will: part 1, 160 words, at most 150"
    ]


def test_attestation_photo_list_and_choice():
    c = ctx([])
    attest = Slot("a", "ATTESTATION", "Agree", {"statement": "yes"})
    assert evaluate(attest, [], c, []).state == NOT_STARTED
    assert evaluate(attest, [], c, [EvidenceRow("a", attested=True)]).state == MET
    photo = Slot("p", "UPLOAD", "Work", {"media": "PHOTO", "count": 1})
    assert evaluate(photo, [], c, [EvidenceRow("p", photo_id=9)]).candidates == [9]
    listing = Slot("l", "LIST", "Sources", {"count": {"min": 5}})
    assert evaluate(listing, [], c, [EvidenceRow("l", list_entries=4)]).have == 4
    assert evaluate(listing, [], c, [EvidenceRow("l", list_entries=5)]).state == MET
    written = Slot("w", "TEXT", "Written", {"prompts": [{"key": "x", "text": "?"}]})
    filmed = Slot("f", "UPLOAD", "Filmed", {"media": "VIDEO"})
    choice = Slot("c", "CHOICE", "Reflection", {"choose": 1}, options=(written, filmed))
    assert evaluate(choice, [], c, []).reasons == ["Building Will: choose one of: written, filmed"]
    chose_text = [EvidenceRow("c", choice_option="w"), EvidenceRow("w", prompt_key="x", words=3)]
    result = evaluate(choice, [], c, chose_text)
    assert (result.slot_key, result.state) == ("c", MET)
    chose_video = [EvidenceRow("c", choice_option="f")]
    assert evaluate(choice, [], c, chose_video).state == AWAITING_CAPABILITY


def test_unknown_rule_keys_and_a_missing_cohort_do_not_crash():
    odd = Slot(
        "x",
        "RECORDS",
        "X",
        {"source": "VISIT_AS_VISITOR_TO_ROLE", "count": 2, "rules": {"whatever": [1, 2]}},
    )
    assert evaluate(odd, [], ctx([]), []).state == NOT_STARTED
    lost = Context(person_id=ME, cohort_id=None, now=NOW, title="T")
    assert evaluate(odd, [], lost, []).state == BLOCKED


FEEDBACK = Slot(
    "peer-feedback",
    "RECORDS",
    "Peer feedback",
    {
        "source": "SURVEY_ADMINISTRATION",
        "count": 1,
        "rules": {"kind": "PEER_FEEDBACK", "min_invitees": 4, "min_responses": 4},
    },
)


def test_peer_feedback_is_met_on_four_responses_besides_the_launcher():
    # The programme's four (SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE, #21), not the usual five.
    c = ctx([], title="Soliciting Feedback from Peers")
    four = survey(1, "PEER_FEEDBACK", closes=20, responses=4)
    three = survey(1, "PEER_FEEDBACK", closes=20, responses=3)

    assert evaluate(FEEDBACK, [four], c, []).state == MET
    assert evaluate(FEEDBACK, [three], c, []).state == BLOCKED
    # An insider who answered raises it, as the report's minimum does.
    assert (
        evaluate(
            FEEDBACK, [survey(1, "PEER_FEEDBACK", closes=20, responses=4, insiders=1)], c, []
        ).state
        == BLOCKED
    )


def test_peer_feedback_follows_a_raised_report_minimum():
    # A district that raises the report's minimum to 6 cannot have it met on 4 responses
    # the report would not even show.
    c = Context(person_id=ME, cohort_id=7, now=NOW, title="Soliciting", peer_feedback_minimum=6)

    assert (
        evaluate(FEEDBACK, [survey(1, "PEER_FEEDBACK", closes=20, responses=5)], c, []).state
        == BLOCKED
    )
    assert (
        evaluate(FEEDBACK, [survey(1, "PEER_FEEDBACK", closes=20, responses=6)], c, []).state == MET
    )


def test_a_slot_needed_only_for_one_option_is_met_when_another_is_chosen():
    slot = Slot(
        "why-this",
        "TEXT",
        "Why you chose it",
        {"prompts": [{"key": "why", "text": "Why?"}], "words": {"min": 1, "max": 50}},
        required_when={"slot": "evidence", "chosen": "candidate-choice"},
    )
    c = ctx([], title="Leading Beyond Your Classroom")
    other = [EvidenceRow("evidence", choice_option="unit-plan")]
    this = [EvidenceRow("evidence", choice_option="candidate-choice")]

    assert evaluate(slot, {}, c, other).state == MET
    assert evaluate(slot, {}, c, this).state == NOT_STARTED
    assert evaluate(slot, {}, c, []).state == NOT_STARTED
