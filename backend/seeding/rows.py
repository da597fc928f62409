"""`Seeder`: every kind of row the demo, the benchmark and the tests write in bulk, each made
in one place with its required fields, its defaults and the values its constraints accept.

Rows are collected in memory and written by `save()` with `bulk_create`, parents first, so a
50,000-visit district takes seconds; timestamps may be back-dated, so a map can be replayed
over a year. The API never calls this: validation is the caller's job. In particular, on
PostgreSQL nobody may be in two active visits at overlapping times (observations' exclusion
constraint), so callers give distinct start times.

A row built from an unsaved row (a membership of a new cohort) gets its parent's id when
`save()` writes the parent first; `save()` can be called between stages when a caller needs
ids (the benchmark plans visits by person id), and forgets what it wrote.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction

from backend.accounts.models import District, School, User
from cohorts.models import (
    AgendaItem,
    BlueYellowLink,
    Cohort,
    Meeting,
    MeetingKind,
    Membership,
    Role,
)
from notifications.models import Device, Notification
from observations.models import (
    ACTIVE_STATUSES,
    ObservationEntry,
    ReflectionSheet,
    StudentLearningQuestion,
    Tool,
    Visit,
    VisitParticipant,
    VisitRole,
    VisitStatus,
)
from surveys.models import Administration, AdministrationKind, Answer, Instrument, Invitee, Response

BATCH = 2000
SCHOOL_YEAR = "2026-2027"
SHIPPED_INSTRUMENT = "trust_and_learning_culture"

# Parents before children: the order `save()` writes in.
ORDER = (
    School,
    User,
    Cohort,
    Membership,
    BlueYellowLink,
    StudentLearningQuestion,
    Tool,
    Visit,
    VisitParticipant,
    ObservationEntry,
    ReflectionSheet,
    Meeting,
    AgendaItem,
    Administration,
    Invitee,
    Response,
    Answer,
    Notification,
    Device,
)


@dataclass
class SeededCohort:
    """A cohort written by `Seeder.group`, with its places by person id."""

    cohort: Cohort
    places: dict[int, Membership] = field(default_factory=dict)


class Seeder:
    """Collects rows in memory; `save()` writes them all in a few bulk inserts.

    `seed` makes the random parts (ids of entries, responses and answers, the order responses
    are written in) the same from run to run; a caller with its own seeded `rng` passes it
    instead, so that two districts of different sizes in one database get different ids.
    """

    def __init__(self, *, seed: int = 0, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random(seed)
        self.rows: dict[type, list] = {model: [] for model in ORDER}
        self.written: Counter[str] = Counter()  # rows written so far, by model name
        self.slqs: dict[int, StudentLearningQuestion] = {}  # each host's, across saves
        self._unusable_password: str | None = None
        self._instrument: Instrument | None = None

    def _add(self, row):
        self.rows[type(row)].append(row)
        return row

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    @property
    def visits(self) -> list[Visit]:
        """The visits collected and not yet written."""
        return self.rows[Visit]

    # --- people -------------------------------------------------------------------------

    def district(self, *, name: str, slug: str) -> District:
        """Written at once: everything else hangs from it."""
        return District.objects.create(name=name, slug=slug)

    def school(self, district: District, *, name: str, time_zone: str) -> School:
        return self._add(School(district=district, name=name, time_zone=time_zone))

    def person(self, *, email: str, full_name: str, password: str | None = None, **fields) -> User:
        """A user. Without a `password` they cannot sign in (`make_password(None)`, hashed once
        per seeder); with one, it is the already hashed value (hash once, reuse for many)."""
        if password is None:
            if self._unusable_password is None:
                self._unusable_password = make_password(None)
            password = self._unusable_password
        return self._add(
            User(email=email.lower(), full_name=full_name, password=password, **fields)
        )

    # --- cohorts ------------------------------------------------------------------------

    def cohort(
        self,
        *,
        school,
        name: str,
        created_by,
        created_at: datetime,
        school_year: str = SCHOOL_YEAR,
        archived_at: datetime | None = None,
        target_blue_count: int = 4,
        target_yellow_count: int = 8,
    ) -> Cohort:
        return self._add(
            Cohort(
                school=school,
                name=name,
                school_year=school_year,
                created_by=created_by,
                created_at=created_at,
                archived_at=archived_at,
                target_blue_count=target_blue_count,
                target_yellow_count=target_yellow_count,
            )
        )

    def member(
        self,
        cohort: Cohort,
        person,
        role: str,
        *,
        started_at: datetime,
        ended_at: datetime | None = None,
    ) -> Membership:
        return self._add(
            Membership(
                cohort=cohort, person=person, role=role, started_at=started_at, ended_at=ended_at
            )
        )

    def link(
        self,
        blue: Membership,
        yellow: Membership,
        *,
        started_at: datetime,
        ended_at: datetime | None = None,
    ) -> BlueYellowLink:
        """A yellow dot assigned to a blue dot of the same cohort."""
        return self._add(
            BlueYellowLink(
                cohort=blue.cohort,
                blue=blue,
                yellow=yellow,
                started_at=started_at,
                ended_at=ended_at,
            )
        )

    def group(
        self,
        *,
        school,
        name: str,
        leader,
        started_at: datetime,
        blues: Sequence = (),
        yellows_of_blue: Mapping[int, Sequence] | Sequence[Sequence] = (),
        unassigned_yellows: Iterable = (),
        **cohort_fields,
    ) -> SeededCohort:
        """A cohort with a leader, blue dots and yellow dots all joining at `started_at`.

        `yellows_of_blue` maps a blue dot's position in `blues` (or is a list parallel to
        `blues`) to the yellow dots assigned to them.
        """
        cohort = self.cohort(
            school=school, name=name, created_by=leader, created_at=started_at, **cohort_fields
        )
        seeded = SeededCohort(cohort)
        seeded.places[leader.pk] = self.member(cohort, leader, Role.LEADER, started_at=started_at)
        assigned = (
            dict(yellows_of_blue)
            if isinstance(yellows_of_blue, Mapping)
            else dict(enumerate(yellows_of_blue))
        )
        for index, blue in enumerate(blues):
            place = self.member(cohort, blue, Role.BLUE, started_at=started_at)
            seeded.places[blue.pk] = place
            for yellow in assigned.get(index, ()):
                yellow_place = self.member(cohort, yellow, Role.YELLOW, started_at=started_at)
                seeded.places[yellow.pk] = yellow_place
                self.link(place, yellow_place, started_at=started_at)
        for yellow in unassigned_yellows:
            seeded.places[yellow.pk] = self.member(
                cohort, yellow, Role.YELLOW, started_at=started_at
            )
        return seeded

    # --- what a host observes with ------------------------------------------------------

    def slq(
        self,
        host,
        *,
        created_at: datetime,
        area_of_focus: str = "Student talk",
        question: str = "Which students ask questions during group work?",
    ) -> StudentLearningQuestion:
        """The host's Student Learning Question: made the first time it is asked for."""
        found = self.slqs.get(host.pk)
        if found is None:
            found = self.slqs[host.pk] = self._add(
                StudentLearningQuestion(
                    host=host,
                    area_of_focus=area_of_focus,
                    question=question,
                    created_at=created_at,
                )
            )
        return found

    def tool(
        self, host, *, kind: str, definition: dict, slq=None, copied_from=None, name: str = ""
    ) -> Tool:
        """A private tool of the host's (`definition` already validated for `kind`)."""
        return self._add(
            Tool(
                kind=kind,
                name=name or f"Tally of {host.full_name}",
                definition=definition,
                owner=host,
                school=host.school,
                copied_from=copied_from,
                slq=slq,
            )
        )

    # --- visits -------------------------------------------------------------------------

    def visit(
        self,
        visitor,
        host,
        *,
        starts_at: datetime,
        status: str = VisitStatus.COMPLETED,
        minutes: int = 45,
        cycle: int = 1,
        cohort: Cohort | None = None,
        created_at: datetime | None = None,
        completed_at: datetime | None = None,
        closed_at: datetime | None = None,
        other_visitors: Iterable = (),
        **fields,
    ) -> Visit:
        """A visit of `visitor` (and `other_visitors`) to `host`'s class, with its
        participants (active while the visit is).

        Booked and accepted a week before it starts unless `created_at` says otherwise; a
        COMPLETED visit is completed when it ends unless `completed_at` says otherwise; a
        DECLINED or CANCELLED one is closed a day before it would have started unless
        `closed_at` says. `fields`: other Visit fields (`slq`, `tool`, `room`, ...).
        """
        ends_at = starts_at + timedelta(minutes=minutes)
        created_at = created_at or starts_at - timedelta(days=7)
        if status == VisitStatus.COMPLETED and completed_at is None:
            completed_at = ends_at
        if status in (VisitStatus.DECLINED, VisitStatus.CANCELLED) and closed_at is None:
            closed_at = max(created_at, starts_at - timedelta(days=1))
        visit = self._add(
            Visit(
                host=host,
                proposed_by=visitor,
                school_id=host.school_id,
                cohort=cohort,
                cycle_number=cycle,
                starts_at=starts_at,
                ends_at=ends_at,
                status=status,
                accepted_at=created_at if status != VisitStatus.PROPOSED else None,
                completed_at=completed_at if status == VisitStatus.COMPLETED else None,
                closed_at=closed_at,
                created_at=created_at,
                **fields,
            )
        )
        active = status in ACTIVE_STATUSES
        for person, role in [(host, VisitRole.HOST), (visitor, VisitRole.VISITOR)] + [
            (other, VisitRole.VISITOR) for other in other_visitors
        ]:
            self._add(
                VisitParticipant(
                    visit=visit,
                    person=person,
                    role=role,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    is_active=active,
                )
            )
        return visit

    def entry(self, visit: Visit, *, recorded_at: datetime, payload: dict) -> ObservationEntry:
        """A data point the visitor recorded (`payload` already validated for the tool)."""
        return self._add(
            ObservationEntry(
                visit=visit,
                client_id=self.uuid(),
                recorded_at=recorded_at,
                received_at=visit.ends_at,
                payload=payload,
                submitted_by=visit.proposed_by,
            )
        )

    def reflection(
        self,
        visit: Visit,
        *,
        created_at: datetime | None = None,
        facilitator=None,
        data_summary: dict | None = None,
        keeps_slq: bool = True,
    ) -> ReflectionSheet:
        """A reflection sheet for `visit` on its SLQ (the host's, made if need be),
        facilitated by its visitor, written two hours after it ends."""
        host = visit.host
        slq = visit.slq or self.slq(host, created_at=visit.created_at)
        return self._add(
            ReflectionSheet(
                visit=visit,
                host=host,
                facilitator=facilitator or visit.proposed_by,
                cycle_number=visit.cycle_number,
                slq=slq,
                slq_area_of_focus=slq.area_of_focus,
                slq_question=slq.question,
                data_summary=data_summary or {},
                considerations="More students asked questions when roles were assigned.",
                next_steps="Try assigned roles in two more lessons.",
                keeps_slq=keeps_slq,
                created_at=created_at or visit.ends_at + timedelta(hours=2),
            )
        )

    # --- meetings -----------------------------------------------------------------------

    def meeting(
        self,
        cohort: Cohort,
        kind: str,
        *,
        starts_at: datetime,
        created_by,
        cancelled_at: datetime | None = None,
        title: str = "",
        duration_minutes: int = 60,
        **fields,
    ) -> Meeting:
        """A meeting of the blue dots (group of 5) or of everyone (group of 13), set up a
        week before. `fields`: other Meeting fields (`location`, `notes`, ...)."""
        return self._add(
            Meeting(
                cohort=cohort,
                kind=kind,
                title=title or ("Group of 5" if kind == MeetingKind.BLUE_GROUP else "Group of 13"),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=duration_minutes),
                duration_minutes=duration_minutes,
                created_by=created_by,
                created_at=starts_at - timedelta(days=7),
                cancelled_at=cancelled_at,
                **fields,
            )
        )

    def agenda_item(
        self, meeting: Meeting, *, position: int, title: str, minutes: int, facilitator, **fields
    ) -> AgendaItem:
        return self._add(
            AgendaItem(
                meeting=meeting,
                position=position,
                title=title,
                minutes=minutes,
                facilitator=facilitator,
                **fields,
            )
        )

    # --- surveys ------------------------------------------------------------------------

    def instrument(self) -> Instrument:
        """The shipped trust and learning culture instrument (migration 0002 seeds it)."""
        if self._instrument is None:
            self._instrument = Instrument.objects.get(key=SHIPPED_INSTRUMENT)
        return self._instrument

    def administration(
        self,
        cohort: Cohort,
        kind: str,
        *,
        opens_at: datetime,
        closes_at: datetime,
        created_by,
        instrument: Instrument | None = None,
        cancelled_at: datetime | None = None,
        **fields,
    ) -> Administration:
        """A survey window for the cohort (the shipped instrument unless said).
        `fields`: other Administration fields (`follows`, `responses_opened_at`, ...)."""
        instrument = instrument or self.instrument()
        return self._add(
            Administration(
                instrument=instrument,
                school=cohort.school,
                cohort=cohort,
                kind=kind,
                title=f"{instrument.title}: {AdministrationKind(kind).label}",
                opens_at=opens_at,
                closes_at=closes_at,
                created_by=created_by,
                created_at=opens_at,
                cancelled_at=cancelled_at,
                **fields,
            )
        )

    def invitee(self, administration: Administration, person, *, has_responded: bool) -> Invitee:
        return self._add(
            Invitee(administration=administration, person=person, has_responded=has_responded)
        )

    def survey(
        self,
        cohort: Cohort,
        kind: str,
        *,
        opens_at: datetime,
        closes_at: datetime,
        created_by,
        invited: Iterable = (),
        responded: Iterable = (),
        cancelled_at: datetime | None = None,
    ) -> Administration:
        """A survey window for the cohort; `responded` people are invited and have answered
        (the who side only: no responses)."""
        administration = self.administration(
            cohort,
            kind,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=created_by,
            cancelled_at=cancelled_at,
        )
        answered = {person.pk for person in responded}
        people = {person.pk: person for person in [*invited, *responded]}
        for person_id, person in people.items():
            self.invitee(administration, person, has_responded=person_id in answered)
        return administration

    def response(self, administration: Administration, answers: Iterable[tuple]) -> Response:
        """An anonymous response with `answers` as (item, value) or (item, text) pairs.

        The response side never refers to the invitee side, and `save()` writes responses in
        a random order, so neither ids nor insertion order tell who answered."""
        response = self._add(Response(id=self.uuid(), administration=administration))
        for item, answer in answers:
            text = isinstance(answer, str)
            self._add(
                Answer(
                    id=self.uuid(),
                    response=response,
                    item=item,
                    value=None if text else answer,
                    text=answer if text else "",
                )
            )
        return response

    # --- notifications ------------------------------------------------------------------

    def notification(
        self,
        recipient,
        *,
        kind,
        key: str,
        due_at: datetime,
        status: str,
        delivered_at: datetime | None = None,
        title: str = "",
        body: str = "Tap to see the details in the app.",
        **fields,
    ) -> Notification:
        """An inbox row (`key` unique), titled with its kind unless said; attempted once when
        delivered."""
        return self._add(
            Notification(
                recipient=recipient,
                kind=kind,
                key=key,
                title=title or kind.label,
                body=body,
                due_at=due_at,
                status=status,
                attempts=1 if delivered_at else 0,
                delivered_at=delivered_at,
                **fields,
            )
        )

    def device(self, user, *, token: str, platform: str = "ANDROID") -> Device:
        return self._add(Device(user=user, token=token, platform=platform))

    # --- writing ------------------------------------------------------------------------

    @transaction.atomic
    def save(self) -> Counter[str]:
        """Insert everything collected, parents first, forget it, and return how many rows of
        each model (by model name) were written."""
        self.rng.shuffle(self.rows[Response])
        administrations = self.rows[Administration]
        # A follow-up survey refers to its baseline: write the ones without a new parent first.
        first = [a for a in administrations if a.follows_id or a.follows is None]
        then = [a for a in administrations if not (a.follows_id or a.follows is None)]
        self.rows[Administration] = first + then
        written: Counter[str] = Counter()
        for model in ORDER:
            rows = self.rows[model]
            if model is Administration:
                model.objects.bulk_create(first, batch_size=BATCH)
                model.objects.bulk_create(then, batch_size=BATCH)
            elif rows:
                model.objects.bulk_create(rows, batch_size=BATCH)
            if rows:
                written[model._meta.model_name] = len(rows)
            self.rows[model] = []
        self.written.update(written)
        return written
