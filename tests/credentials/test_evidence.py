"""Proposing evidence: records with their consent requests, the teacher's writing, choices,
lists, attestations, confirmations, and every refusal."""

import pytest
from django.core.exceptions import ValidationError

from credentials.models import ConsentGrant, EvidenceItem, Pursuit
from credentials.services.evidence import (
    evidence_attest,
    evidence_choice_select,
    evidence_item_add,
    evidence_item_confirm,
    evidence_item_remove,
    evidence_list_save,
    evidence_text_save,
)
from notifications.models import Kind, Notification, Status
from observations.models import Photo, Visit
from tests.credentials.evidence_records import error_rows, make_photo, make_sheet
from tests.observations.factories import StudentLearningQuestionFactory

# The fixtures (version, people, pursuit, counted, make_visit) live there.
pytest_plugins = ["tests.credentials.evidence_setup"]
pytestmark = pytest.mark.django_db


def refused(call, **arguments) -> list[tuple]:
    with pytest.raises(ValidationError) as caught:
        call(**arguments)
    return error_rows(caught.value)


def codes(rows) -> list[tuple]:
    return [(field, code) for field, code, _ in rows]


def revision(of) -> int:
    return Pursuit.objects.get(pk=of.pk).revision


# --- records -------------------------------------------------------------------------------


def test_a_counted_visit_becomes_evidence_and_asks_its_host(pursuit, people, counted, make_visit):
    made = make_visit(host=people.blue)
    counted["data"] = [made.pk]

    item = evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="data", record=made)

    assert (item.slot_key, item.visit_id, item.position) == ("data", made.pk, 1)
    [grant] = ConsentGrant.objects.all()
    assert (grant.grantor, grant.scope, grant.evidence_item, grant.state) == (
        people.blue, "ITEM", item, "REQUESTED"
    )  # fmt: skip
    [push] = Notification.objects.all()
    assert (push.recipient, push.kind, push.key, push.target_type) == (
        people.blue,
        Kind.CONSENT_REQUESTED,
        f"credential:consent:{pursuit.pk}:{people.blue.pk}",
        "ConsentRequest",
    )
    assert "Lena Leader" in push.body and "Building Will" in push.body
    assert revision(pursuit) == pursuit.revision + 1


def test_one_push_per_grantor_however_many_items(pursuit, people, counted, make_visit):
    first, second = make_visit(day=7), make_visit(day=8)
    with_yellow = make_visit(host=people.yellow, day=9)
    sheet = make_sheet(with_yellow, facilitator=people.leader)
    counted.update(data=[first.pk, second.pk], sheets=[sheet.pk])

    for slot_key, record in (("data", first), ("data", second), ("sheets", sheet)):
        evidence_item_add(person=people.leader, pursuit=pursuit, slot_key=slot_key, record=record)

    asked = sorted(ConsentGrant.objects.values_list("grantor__full_name", "scope"))
    assert asked == [("Bea Blue", "ITEM"), ("Bea Blue", "ITEM"), ("Yuri Yellow", "ITEM")]
    pushes = sorted(Notification.objects.values_list("recipient__full_name", "kind"))
    assert pushes == [("Bea Blue", "CONSENT_REQUESTED"), ("Yuri Yellow", "CONSENT_REQUESTED")]
    assert revision(pursuit) == pursuit.revision + 3


def test_own_records_ask_nobody(pursuit, people, counted, make_visit):
    # The leader facilitated the sheet of their own class: the host is themselves.
    own = make_visit(host=people.leader, visitor=people.blue)
    sheet = make_sheet(own, facilitator=people.leader)
    counted["sheets"] = [sheet.pk]

    evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="sheets", record=sheet)

    assert not ConsentGrant.objects.exists() and not Notification.objects.exists()


def test_a_record_you_may_not_read_is_refused_exactly_like_a_missing_one(
    pursuit, people, counted, make_visit
):
    between_others = make_visit(host=people.yellow, visitor=people.blue)  # leader not in it
    counted["data"] = [between_others.pk, 10**9]
    hidden_photo = make_photo(slq=StudentLearningQuestionFactory(host=people.outsider),
                              by=people.outsider)  # fmt: skip
    before = revision(pursuit)

    hidden = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="data",
        record=between_others,
    )  # fmt: skip
    missing = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="data",
        record=Visit(pk=10**9),
    )  # fmt: skip
    hidden_p = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="photo",
        record=hidden_photo,
    )  # fmt: skip
    missing_p = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="photo",
        record=Photo(pk=10**9),
    )  # fmt: skip

    assert hidden == missing == hidden_p == missing_p
    assert codes(hidden) == [("source_id", "NOT_FOUND")]
    assert not EvidenceItem.objects.exists() and revision(pursuit) == before


def test_visits_between_peers_count_for_their_leader_and_ask_each_named_peer(
    pursuit, people, counted, make_visit
):
    first = make_visit(host=people.yellow, visitor=people.blue, day=7)
    second = make_visit(host=people.yellow, visitor=people.blue, day=8)
    counted["will"] = [first.pk, second.pk]

    one = evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="will", record=first)
    evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="will", record=second)

    names = sorted(ConsentGrant.objects.values_list("grantor__full_name", "scope", "state"))
    assert names == [("Bea Blue", "NAME", "REQUESTED"), ("Yuri Yellow", "NAME", "REQUESTED")]
    assert Notification.objects.filter(status=Status.PENDING).count() == 2

    # Still named by the second visit: the questions stay.
    evidence_item_remove(person=people.leader, item=one)
    assert ConsentGrant.objects.count() == 2
    # Named by nothing any more: unanswered questions and their pushes are withdrawn.
    evidence_item_remove(person=people.leader, item=EvidenceItem.objects.get())
    assert not ConsentGrant.objects.exists()
    assert not Notification.objects.filter(status=Status.PENDING).exists()


def test_a_leader_of_another_cohort_cannot_use_visits_between_its_peers(
    version, people, counted, make_visit
):
    theirs = Pursuit.objects.create(
        person=people.outsider, credential=version.credential, version=version
    )
    made = make_visit(host=people.yellow, visitor=people.blue)
    counted["will"] = [made.pk]

    rows = refused(
        evidence_item_add, person=people.outsider, pursuit=theirs, slot_key="will", record=made
    )

    assert codes(rows) == [("source_id", "NOT_FOUND")]


def test_unknown_requirement(pursuit, people, make_visit):
    rows = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="nope",
        record=make_visit(),
    )  # fmt: skip
    assert codes(rows) == [("slot_key", "NOT_FOUND")]


def test_records_that_do_not_fit_are_the_wrong_kind(pursuit, people, counted, make_visit):
    made = make_visit()
    counted.update(data=[], sheets=[made.pk])
    mine = make_photo(slq=StudentLearningQuestionFactory(host=people.leader), by=people.leader)

    def add(slot_key, record):
        return codes(
            refused(evidence_item_add, person=people.leader, pursuit=pursuit, slot_key=slot_key,
                    record=record)
        )  # fmt: skip

    assert add("reflect", made) == [("slot_key", "WRONG_EVIDENCE_KIND")]  # a text slot
    assert add("sources", made) == [("slot_key", "WRONG_EVIDENCE_KIND")]  # a list slot
    assert add("sheets", made) == [("source_id", "WRONG_EVIDENCE_KIND")]  # a visit, not a sheet
    assert add("photo", made) == [("source_id", "WRONG_EVIDENCE_KIND")]  # not a photo
    assert add("data", mine) == [("source_id", "WRONG_EVIDENCE_KIND")]  # a photo, not a visit
    assert add("data", made) == [("source_id", "WRONG_EVIDENCE_KIND")]  # does not count
    assert not EvidenceItem.objects.exists()


def test_what_the_app_cannot_hold_yet_awaits_its_capability(pursuit, people, make_visit):
    made = make_visit()
    rows = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="video", record=made
    )
    assert codes(rows) == [("slot_key", "AWAITING_CAPABILITY")]
    # PDSA cycles are held now (tests/credentials/improvement): a visit is not one.
    rows = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="pdsa", record=made
    )
    assert codes(rows) == [("source_id", "WRONG_EVIDENCE_KIND")]


def test_a_slot_holds_at_most_its_count(pursuit, people, counted, make_visit):
    visits = [make_visit(day=day) for day in (7, 8, 9)]
    counted["data"] = [v.pk for v in visits]
    for made in visits[:2]:
        evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="data", record=made)

    rows = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="data",
        record=visits[2],
    )  # fmt: skip

    assert codes(rows) == [("slot_key", "TOO_MANY_ITEMS")]
    assert "takes 2 items" in rows[0][2]


def test_the_same_record_twice_is_a_duplicate(pursuit, people, counted, make_visit):
    made = make_visit()
    counted["data"] = [made.pk]
    evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="data", record=made)
    before = revision(pursuit)

    rows = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="data", record=made
    )

    assert codes(rows) == [("source_id", "DUPLICATE_EVIDENCE")]
    assert EvidenceItem.objects.count() == ConsentGrant.objects.count() == 1
    assert revision(pursuit) == before


def test_a_photo_you_can_see_fills_a_photo_slot_and_needs_confirming(pursuit, people, counted):
    photo = make_photo(slq=StudentLearningQuestionFactory(host=people.leader), by=people.leader)

    item = evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="photo", record=photo)
    confirmed = evidence_item_confirm(person=people.leader, item=item)

    assert confirmed.photo_id == photo.pk and confirmed.confirmed_clean_at is not None
    second = make_photo(slq=photo.slq, by=people.leader)
    rows = refused(
        evidence_item_add, person=people.leader, pursuit=pursuit, slot_key="photo", record=second
    )
    assert codes(rows) == [("slot_key", "TOO_MANY_ITEMS")]


def test_a_pursuit_past_its_draft_takes_nothing(pursuit, people, counted, make_visit):
    made = make_visit()
    counted["data"] = [made.pk]
    item = evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="data", record=made)
    Pursuit.objects.filter(pk=pursuit.pk).update(state="SUBMITTED")

    calls = [
        (evidence_item_add, {"pursuit": pursuit, "slot_key": "data", "record": made}),
        (evidence_item_remove, {"item": item}),
        (evidence_item_confirm, {"item": item}),
        (evidence_text_save, {"pursuit": pursuit, "slot_key": "reflect", "prompt_key": "a",
                              "text": "one two three"}),
        (evidence_choice_select, {"pursuit": pursuit, "slot_key": "form", "option_key": "written"}),
        (evidence_list_save, {"pursuit": pursuit, "slot_key": "sources", "entries": []}),
        (evidence_attest, {"pursuit": pursuit, "slot_key": "agree"}),
    ]  # fmt: skip
    for call, arguments in calls:
        assert codes(refused(call, person=people.leader, **arguments)) == [(None, "NOT_DRAFT")]
    assert EvidenceItem.objects.count() == 1


def test_removing_an_item_takes_its_consent_requests_and_pending_push(
    pursuit, people, counted, make_visit
):
    made = make_visit()
    counted["data"] = [made.pk]
    item = evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="data", record=made)
    before = revision(pursuit)

    returned = evidence_item_remove(person=people.leader, item=item)

    assert not EvidenceItem.objects.exists() and not ConsentGrant.objects.exists()
    assert Notification.objects.get().status == Status.CANCELLED
    assert returned.revision == revision(pursuit) == before + 1


# --- attacker -----------------------------------------------------------------------------


def test_another_cohorts_teacher_cannot_touch_someone_elses_pursuit(
    pursuit, people, counted, make_visit
):
    # A visit the outsider may read, offered to the leader's pursuit.
    theirs = make_visit(host=people.outsider, visitor=people.yellow)
    mine = make_visit(day=8)
    counted["data"] = [theirs.pk, mine.pk]
    item = evidence_item_add(person=people.leader, pursuit=pursuit, slot_key="data", record=mine)
    evidence_text_save(
        person=people.leader, pursuit=pursuit, slot_key="reflect", prompt_key="a",
        text="one two three",
    )  # fmt: skip
    before = revision(pursuit)
    attacker = people.outsider

    added = refused(evidence_item_add, person=attacker, pursuit=pursuit, slot_key="data",
                    record=theirs)  # fmt: skip
    unknown = refused(evidence_item_add, person=attacker, pursuit=Pursuit(pk=10**9),
                      slot_key="data", record=theirs)  # fmt: skip
    assert added == unknown == [("pursuit_id", "NOT_FOUND", "No such pursuit.")]
    for call, arguments in [
        (evidence_text_save, {"pursuit": pursuit, "slot_key": "reflect", "prompt_key": "a",
                              "text": "four five six"}),
        (evidence_choice_select, {"pursuit": pursuit, "slot_key": "form", "option_key": "written"}),
        (evidence_list_save, {"pursuit": pursuit, "slot_key": "sources", "entries": []}),
        (evidence_attest, {"pursuit": pursuit, "slot_key": "agree"}),
    ]:  # fmt: skip
        assert codes(refused(call, person=attacker, **arguments)) == [("pursuit_id", "NOT_FOUND")]
    for call in (evidence_item_remove, evidence_item_confirm):
        assert refused(call, person=attacker, item=item) == refused(
            call, person=attacker, item=EvidenceItem(pk=10**9)
        )
        assert codes(refused(call, person=attacker, item=item)) == [
            ("evidence_item_id", "NOT_FOUND")
        ]
    assert EvidenceItem.objects.count() == 2 and revision(pursuit) == before
    assert EvidenceItem.objects.get(prompt_key="a").text == "one two three"


# --- the teacher's own words ----------------------------------------------------------------


def save(of, person, slot_key, prompt_key, text):
    return evidence_text_save(
        person=person, pursuit=of, slot_key=slot_key, prompt_key=prompt_key, text=text
    )


def test_saving_a_text_replaces_it_and_clears_its_confirmation(pursuit, people):
    first = save(pursuit, people.leader, "reflect", "a", "one two three")
    evidence_item_confirm(person=people.leader, item=first)
    before = revision(pursuit)

    same = save(pursuit, people.leader, "reflect", "a", "one two three")
    assert same.confirmed_clean_at is not None and revision(pursuit) == before

    changed = save(pursuit, people.leader, "reflect", "a", "one two three four")

    [item] = EvidenceItem.objects.all()
    assert changed.pk == first.pk == item.pk
    assert (item.text, item.confirmed_clean_at) == ("one two three four", None)
    assert revision(pursuit) == before + 1


def test_words_per_prompt(pursuit, people):
    short = refused(save, of=pursuit, person=people.leader, slot_key="reflect",
                    prompt_key="a", text="one two")  # fmt: skip
    long = refused(save, of=pursuit, person=people.leader, slot_key="reflect",
                   prompt_key="a", text=" ".join(["word"] * 11))  # fmt: skip

    assert short == [("text", "WORD_LIMIT", "This answer has 2 words; write between 3 and 10.")]
    assert long == [("text", "WORD_LIMIT", "This answer has 11 words; write between 3 and 10.")]
    save(pursuit, people.leader, "reflect", "a", " ".join(["word"] * 10))
    save(pursuit, people.leader, "reflect", "b", " ".join(["word"] * 10))  # its own budget
    assert EvidenceItem.objects.count() == 2


def test_words_over_the_whole_slot(pursuit, people):
    save(pursuit, people.leader, "synopsis", "a", " ".join(["word"] * 8))

    over = refused(save, of=pursuit, person=people.leader, slot_key="synopsis",
                   prompt_key="b", text="one two three")  # fmt: skip
    assert codes(over) == [("text", "WORD_LIMIT")]
    assert "11 words together (3 in this one)" in over[0][2] and "between 3 and 10" in over[0][2]

    save(pursuit, people.leader, "synopsis", "b", "one two")  # 10 in all: fits
    # Rewriting a shrinks the total below the minimum once every prompt is written.
    under = refused(save, of=pursuit, person=people.leader, slot_key="synopsis",
                    prompt_key="a", text="")  # fmt: skip
    assert codes(under) == [("text", "WORD_LIMIT")] and "2 words together" in under[0][2]


def test_a_first_answer_below_the_slot_minimum_is_kept_as_a_draft(pursuit, people):
    item = save(pursuit, people.leader, "synopsis", "a", "one")
    assert item.text == "one"


def test_an_unknown_prompt_is_not_found(pursuit, people):
    rows = refused(save, of=pursuit, person=people.leader, slot_key="reflect",
                   prompt_key="zzz", text="one two three")  # fmt: skip
    assert codes(rows) == [("prompt_key", "NOT_FOUND")]
    rows = refused(save, of=pursuit, person=people.leader, slot_key="agree",
                   prompt_key="a", text="one two three")  # fmt: skip
    assert codes(rows) == [("slot_key", "WRONG_EVIDENCE_KIND")]


# --- choices, lists, attestations -------------------------------------------------------------


def test_an_option_is_written_only_once_chosen(pursuit, people):
    rows = refused(save, of=pursuit, person=people.leader, slot_key="written",
                   prompt_key="why", text="because")  # fmt: skip
    assert codes(rows) == [("slot_key", "NOT_A_CHOICE")]

    choice = evidence_choice_select(
        person=people.leader, pursuit=pursuit, slot_key="form", option_key="written"
    )
    text = save(pursuit, people.leader, "written", "why", "because")

    assert (choice.choice_option, text.slot_key) == ("written", "written")
    switched = evidence_choice_select(
        person=people.leader, pursuit=pursuit, slot_key="form", option_key="filmed"
    )
    assert switched.pk == choice.pk and switched.choice_option == "filmed"
    # What was written for the other option stays in the draft.
    assert EvidenceItem.objects.filter(slot_key="written").exists()


def test_choosing_what_is_not_an_option(pursuit, people):
    rows = refused(evidence_choice_select, person=people.leader, pursuit=pursuit,
                   slot_key="form", option_key="reflect")  # fmt: skip
    assert codes(rows) == [("option_key", "NOT_A_CHOICE")]
    rows = refused(evidence_choice_select, person=people.leader, pursuit=pursuit,
                   slot_key="reflect", option_key="a")  # fmt: skip
    assert codes(rows) == [("slot_key", "WRONG_EVIDENCE_KIND")]


def test_a_list_is_saved_whole_and_each_entry_checked(pursuit, people):
    entries = [{"title": "A study", "url": "https://example.org/a"}, {"title": "B", "url": ""}]

    rows = refused(evidence_list_save, person=people.leader, pursuit=pursuit,
                   slot_key="sources", entries=[*entries, {"title": " ", "url": "x"}])  # fmt: skip
    assert codes(rows) == [
        ("entries.1.url", "REQUIRED"),
        ("entries.2.title", "REQUIRED"),
        ("entries.2.url", "INVALID"),
    ]

    entries[1]["url"] = "https://example.org/b"
    item = evidence_list_save(
        person=people.leader, pursuit=pursuit, slot_key="sources", entries=entries
    )
    assert item.list_entries == entries
    assert (
        evidence_list_save(person=people.leader, pursuit=pursuit, slot_key="sources", entries=[])
        is None
    )
    assert not EvidenceItem.objects.exists()


def test_attesting_twice_keeps_the_first_moment(pursuit, people):
    first = evidence_attest(person=people.leader, pursuit=pursuit, slot_key="agree")
    again = evidence_attest(person=people.leader, pursuit=pursuit, slot_key="agree")

    assert again.pk == first.pk and again.attested_at == first.attested_at
    assert revision(pursuit) == pursuit.revision + 1
    rows = refused(evidence_attest, person=people.leader, pursuit=pursuit, slot_key="reflect")
    assert codes(rows) == [("slot_key", "WRONG_EVIDENCE_KIND")]


def test_only_photos_and_writing_are_confirmed(pursuit, people):
    choice = evidence_choice_select(
        person=people.leader, pursuit=pursuit, slot_key="form", option_key="written"
    )
    rows = refused(evidence_item_confirm, person=people.leader, item=choice)
    assert codes(rows) == [("evidence_item_id", "INVALID")]
