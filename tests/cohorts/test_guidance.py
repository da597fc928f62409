"""The programme's shape as advice: pure computation, no database."""

from types import SimpleNamespace

from cohorts.guidance import agenda_overrun_message, cohort_guidance


def members(leaders=1, blues=4, yellows=8):
    rows, next_id = [], 1
    for role, count in (("LEADER", leaders), ("BLUE", blues), ("YELLOW", yellows)):
        for _ in range(count):
            rows.append(SimpleNamespace(id=next_id, role=role))
            next_id += 1
    return rows


def links_for(rows, assigned):
    blues = [m for m in rows if m.role == "BLUE"]
    yellows = [m for m in rows if m.role == "YELLOW"][:assigned]
    return [
        SimpleNamespace(blue_id=blues[i // 2 % len(blues)].id, yellow_id=y.id)
        for i, y in enumerate(yellows)
    ]


def codes(guidance):
    return [m.code for m in guidance.messages]


def test_the_full_programme_shape_needs_no_advice():
    rows = members()

    guidance = cohort_guidance(
        target_blue=4, target_yellow=8, memberships=rows, links=links_for(rows, 8)
    )

    assert guidance.is_complete
    assert (guidance.group_size, guidance.target_group_size) == (13, 13)


def test_missing_and_unassigned_dots_are_counted_in_words():
    rows = members(blues=3, yellows=6)

    guidance = cohort_guidance(
        target_blue=4, target_yellow=8, memberships=rows, links=links_for(rows, 4)
    )

    assert [(m.code, m.message, m.count) for m in guidance.messages] == [
        ("BLUE_DOTS_MISSING", "3 of 4 blue dots: 1 more blue dot to invite.", 1),
        ("YELLOW_DOTS_MISSING", "6 of 8 yellow dots: 2 more yellow dots to invite.", 2),
        ("YELLOW_DOTS_UNASSIGNED", "2 yellow dots still unassigned.", 2),
        ("BLUE_DOTS_WITHOUT_YELLOW", "1 blue dot has no yellow dot to visit yet.", 1),
    ]


def test_other_sizes_are_judged_against_the_schools_targets():
    rows = members(blues=3, yellows=6)

    guidance = cohort_guidance(
        target_blue=3, target_yellow=6, memberships=rows, links=links_for(rows, 6)
    )

    assert guidance.is_complete
    assert guidance.target_group_size == 10


def test_going_beyond_the_targets_is_advice_too():
    rows = members(blues=5, yellows=9)

    guidance = cohort_guidance(
        target_blue=4, target_yellow=8, memberships=rows, links=links_for(rows, 9)
    )

    assert codes(guidance) == ["BLUE_DOTS_ABOVE_TARGET", "YELLOW_DOTS_ABOVE_TARGET"]


def test_a_leaderless_cohort_says_so_first():
    rows = members(leaders=0, blues=0, yellows=0)

    guidance = cohort_guidance(target_blue=4, target_yellow=8, memberships=rows, links=[])

    assert codes(guidance) == ["NO_LEADER", "BLUE_DOTS_MISSING", "YELLOW_DOTS_MISSING"]


def test_an_agenda_within_the_meeting_has_no_warning():
    assert agenda_overrun_message(agenda_minutes=60, duration_minutes=60) is None
    over = agenda_overrun_message(agenda_minutes=61, duration_minutes=60)
    assert (over.code, over.count) == ("AGENDA_OVERRUNS_MEETING", 1)
