"""One small district with every kind of caller, and secrets planted where only some may look.

The authorization matrix (test_authorization_matrix.py) runs every root field as every kind of
caller against this world. Every piece of content carries a unique marker string, and
`SECRETS` says who may ever see each marker: a response that contains a marker its caller may
not see is a leak, whichever field or nesting it came through.

Layout:
- district A: school A1 (the cohort, another cohort) and school A2 (a teacher of another
  school); its coordinator. District B: school B1 and its coordinator. Staff.
- cohort C at A1: leader L, blue dots V (the visitor) and B2, yellow dots H (the host), M
  (a cohort member in no visit) and Y3. Cohort C2 at A1: its leader and O (a member of
  another cohort).
- visits of H by V: `done` (completed, with SLQ, scripting data, a private reflection sheet and
  a photo), `shared` (completed earlier, reflection sheet shared with the cohort), `proposed`
  (next week), `accepted` (an hour ago, not yet marked done).
- meetings of C (one held, with notes and agenda notes; one next week) and of C2 (with notes).
- surveys launched by L to C: one open with answers (one open-text), a closed baseline and its
  closed follow-up with a report note.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from graphql_relay import to_global_id

from backend.accounts.models import Approval, Invitation, User
from backend.accounts.services.invitations import invitation_create
from backend.accounts.services.tokens import access_token_issue, hash_token
from cohorts.models import AgendaItem, BlueYellowLink, Meeting, MeetingKind, Membership, Role
from cohorts.services.memberships import cohort_peer_invite
from notifications.models import Kind
from observations.models import (
    BellPeriod,
    ObservationEntry,
    Photo,
    ReflectionSheet,
    Sharing,
    VisitStatus,
)
from observations.tool_kinds import validate_entry
from surveys.models import AdministrationKind, InstrumentKind, ReportNote
from tests.cohorts.factories import CohortFactory, ProtocolFactory
from tests.factories import (
    CoordinatorFactory,
    DistrictFactory,
    LeaderFactory,
    SchoolFactory,
    StaffFactory,
    TeacherFactory,
)
from tests.notifications.factories import DeliveredNotificationFactory, DeviceFactory
from tests.observations.factories import StudentLearningQuestionFactory, ToolFactory, visit
from tests.surveys.factories import administration, answer, small_instrument

# --- the kinds of caller ----------------------------------------------------------------------
ANONYMOUS = "anonymous"
OTHER_SCHOOL_TEACHER = "teacher_of_another_school"
OTHER_COHORT_MEMBER = "member_of_another_cohort"
COHORT_MEMBER = "cohort_member"
HOST = "host"
VISITOR = "visitor"
LEADER = "leader"
OTHER_COORDINATOR = "coordinator_of_another_district"
COORDINATOR = "coordinator"
STAFF = "staff"

CALLERS = (
    ANONYMOUS,
    OTHER_SCHOOL_TEACHER,
    OTHER_COHORT_MEMBER,
    COHORT_MEMBER,
    HOST,
    VISITOR,
    LEADER,
    OTHER_COORDINATOR,
    COORDINATOR,
    STAFF,
)
SIGNED_IN = frozenset(CALLERS) - {ANONYMOUS}
EVERYONE = frozenset(CALLERS)
NOBODY: frozenset[str] = frozenset()
PARTICIPANTS = frozenset({HOST, VISITOR})
COHORT = frozenset({LEADER, COHORT_MEMBER, HOST, VISITOR})
# Teachers of school A1 (where the cohort is): they see each other's e-mail addresses.
SCHOOL_A1 = COHORT | {OTHER_COHORT_MEMBER}


def _marker(name: str) -> str:
    # Lower case, no characters JSON escapes, unlikely anywhere else.
    return f"zq{name}qz"


# --- secrets: marker -> who may ever see it ------------------------------------------------------
SLQ_PRIVATE = _marker("slqprivate")
VISIT_NOTES = _marker("visitnotes")
OBSERVATION_DATA = _marker("observationdata")
REFLECTION_PRIVATE = _marker("reflectionprivate")
PHOTO_CAPTION = _marker("photocaption")
SLQ_SHARED = _marker("slqshared")
REFLECTION_SHARED = _marker("reflectionshared")
MEETING_NOTES = _marker("meetingnotes")
AGENDA_NOTES = _marker("agendanotes")
OTHER_COHORT_NOTES = _marker("othercohortnotes")
SURVEY_ANSWER = _marker("surveyanswer")
REPORT_NOTE = _marker("reportnote")
NOTIFICATION_BODY = _marker("notificationbody")
DEVICE_TOKEN = _marker("devicetoken")
TOOL_NAME = _marker("privatetool")
HOST_EMAIL = f"{_marker('hostmail')}@example.org"
INVITEE_EMAIL = f"{_marker('inviteemail')}@example.org"
EVIDENCE_TEXT = _marker("evidencetext")
PDSA_TEXT = _marker("pdsatext")
LIBRARY_TEXT = _marker("librarytext")

SECRETS: dict[str, frozenset[str]] = {
    # A visit's content: its host and visitor only (never the leader, coordinators or staff).
    SLQ_PRIVATE: PARTICIPANTS,
    VISIT_NOTES: PARTICIPANTS,
    OBSERVATION_DATA: PARTICIPANTS,
    REFLECTION_PRIVATE: PARTICIPANTS,
    PHOTO_CAPTION: PARTICIPANTS,
    # A reflection sheet the host shared (with its copy of the SLQ): the cohort's members.
    SLQ_SHARED: COHORT,
    REFLECTION_SHARED: COHORT,
    # Meeting notes: the meeting's group (a whole-group meeting: every member).
    MEETING_NOTES: COHORT,
    AGENDA_NOTES: COHORT,
    OTHER_COHORT_NOTES: frozenset({OTHER_COHORT_MEMBER}),
    # Survey answers are never shown to anyone (the open survey has no report yet).
    SURVEY_ANSWER: NOBODY,
    # Notes on a report: whoever reads the report (the leader, the district's coordinator).
    REPORT_NOTE: frozenset({LEADER, COORDINATOR, STAFF}),
    # Someone's inbox and phones are theirs.
    NOTIFICATION_BODY: frozenset({HOST}),
    DEVICE_TOKEN: NOBODY,
    # A private tool: its owner, the people of visits using it, and staff (templates).
    TOOL_NAME: frozenset({VISITOR, HOST, STAFF}),
    # Addresses: their school, their district's coordinator, staff.
    HOST_EMAIL: SCHOOL_A1 | {COORDINATOR, STAFF},
    # A pending invitation: the leader who sent it, the district's coordinator, staff.
    INVITEE_EMAIL: frozenset({LEADER, COORDINATOR, STAFF}),
    # What a teacher writes for a credential: theirs alone (not their leader's, nor staff's).
    EVIDENCE_TEXT: frozenset({VISITOR}),
    # A PDSA cycle, its measures and notes: its owner's alone until published.
    PDSA_TEXT: frozenset({VISITOR}),
    # A cycle shared in the library with school A1, its questions and answers: the teachers
    # of school A1 (not a coordinator or staff by role, not another school's teachers).
    LIBRARY_TEXT: SCHOOL_A1,
}


@dataclass
class World:
    users: dict[str, User | None]
    objects: dict[str, object] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None

    def gid(self, type_name: str, name: str) -> str:
        return to_global_id(type_name, self.objects[name].pk)


def build_world() -> World:
    now = timezone.now()
    district_a, district_b = DistrictFactory(), DistrictFactory()
    a1 = SchoolFactory(district=district_a)
    a2 = SchoolFactory(district=district_a)
    b1 = SchoolFactory(district=district_b)

    leader = LeaderFactory(school=a1, full_name="Lena Leader")
    visitor = TeacherFactory(school=a1, full_name="Victor Visitor")
    host = TeacherFactory(school=a1, full_name="Hana Host", email=HOST_EMAIL)
    member = TeacherFactory(school=a1, full_name="Mira Member")
    blue_2 = TeacherFactory(school=a1, full_name="Bo Blue")
    yellow_3 = TeacherFactory(school=a1, full_name="Yara Yellow")
    other_leader = LeaderFactory(school=a1, full_name="Otto Otherleader")
    other_member = TeacherFactory(school=a1, full_name="Olga Othercohort")
    other_school_teacher = TeacherFactory(school=a2, full_name="Ada Elsewhere")
    coordinator = CoordinatorFactory(coordinated_district=district_a, full_name="Cora Ordinator")
    other_coordinator = CoordinatorFactory(
        coordinated_district=district_b, full_name="Bram Otherdistrict"
    )
    staff = StaffFactory(full_name="Stan Staff")
    signin_user = TeacherFactory(school=b1, email="signin-only@example.org")
    newcomer = TeacherFactory(school=a1, full_name="Nia Newcomer")

    cohort = CohortFactory(school=a1, created_by=leader, name="Maple group")
    memberships = {
        "m_leader": Membership.objects.create(cohort=cohort, person=leader, role=Role.LEADER),
        "m_visitor": Membership.objects.create(cohort=cohort, person=visitor, role=Role.BLUE),
        "m_blue_2": Membership.objects.create(cohort=cohort, person=blue_2, role=Role.BLUE),
        "m_host": Membership.objects.create(cohort=cohort, person=host, role=Role.YELLOW),
        "m_member": Membership.objects.create(cohort=cohort, person=member, role=Role.YELLOW),
        "m_yellow_3": Membership.objects.create(cohort=cohort, person=yellow_3, role=Role.YELLOW),
    }
    link = BlueYellowLink.objects.create(
        cohort=cohort, blue=memberships["m_visitor"], yellow=memberships["m_host"]
    )
    BlueYellowLink.objects.create(
        cohort=cohort, blue=memberships["m_visitor"], yellow=memberships["m_member"]
    )
    other_cohort = CohortFactory(school=a1, created_by=other_leader, name="Oak group")
    Membership.objects.create(cohort=other_cohort, person=other_leader, role=Role.LEADER)
    Membership.objects.create(cohort=other_cohort, person=other_member, role=Role.BLUE)

    # --- the reflection cycle ------------------------------------------------------------------
    slq = StudentLearningQuestionFactory(
        host=host, crafted_with=visitor, area_of_focus="Group work", question=SLQ_PRIVATE
    )
    slq_shared = StudentLearningQuestionFactory(
        host=host, crafted_with=visitor, area_of_focus="Talk", question=SLQ_SHARED
    )
    tool = ToolFactory(
        owner=visitor, kind="SCRIPTING", name=TOOL_NAME, definition={"prompts": []}, slq=slq
    )
    seating_tool = ToolFactory(owner=visitor, name="Room layout", sharing=Sharing.PRIVATE)
    done = visit(
        host=host,
        visitor=visitor,
        cohort=cohort,
        slq=slq,
        tool=tool,
        notes=VISIT_NOTES,
        status=VisitStatus.COMPLETED,
        cycle_number=2,
        starts_at=now - timedelta(days=3),
    )
    entry = validate_entry("SCRIPTING", tool.definition, {"at": 300, "text": OBSERVATION_DATA})
    ObservationEntry.objects.create(
        visit=done,
        client_id=uuid.uuid4(),
        recorded_at=done.starts_at + timedelta(minutes=5),
        payload=entry,
        submitted_by=visitor,
    )
    sheet = ReflectionSheet.objects.create(
        visit=done,
        host=host,
        facilitator=visitor,
        cycle_number=2,
        slq=slq,
        slq_area_of_focus=slq.area_of_focus,
        slq_question=slq.question,
        data_summary={"kind": "SCRIPTING", "entry_count": 1},
        considerations=REFLECTION_PRIVATE,
        next_steps=REFLECTION_PRIVATE,
        keeps_slq=True,
    )
    photo = Photo.objects.create(
        visit=done,
        uploaded_by=visitor,
        caption=PHOTO_CAPTION,
        image="photos/matrix-main.jpg",
        thumbnail="photos/matrix-thumb.jpg",
        width=10,
        height=10,
        thumbnail_width=10,
        thumbnail_height=10,
    )
    shared = visit(
        host=host,
        visitor=visitor,
        cohort=cohort,
        slq=slq_shared,
        status=VisitStatus.COMPLETED,
        cycle_number=1,
        starts_at=now - timedelta(days=20),
    )
    shared_sheet = ReflectionSheet.objects.create(
        visit=shared,
        host=host,
        facilitator=visitor,
        cycle_number=1,
        slq=slq_shared,
        slq_area_of_focus=slq_shared.area_of_focus,
        slq_question=slq_shared.question,
        data_summary={},
        considerations=REFLECTION_SHARED,
        next_steps="Try talk moves.",
        keeps_slq=False,
        shared_with_cohort=True,
        shared_at=now - timedelta(days=19),
    )
    proposed = visit(
        host=host,
        visitor=visitor,
        cohort=cohort,
        slq=slq,
        status=VisitStatus.PROPOSED,
        cycle_number=3,
        starts_at=(now + timedelta(days=7)).replace(hour=15, minute=0, second=0, microsecond=0),
    )
    accepted = visit(
        host=host,
        visitor=visitor,
        cohort=cohort,
        slq=slq,
        tool=tool,
        status=VisitStatus.ACCEPTED,
        cycle_number=3,
        starts_at=now - timedelta(minutes=90),
        minutes=45,
    )
    bell_period = BellPeriod.objects.create(
        school=a1, name="Period 1", start_time="08:00", end_time="08:50"
    )

    # --- meetings ----------------------------------------------------------------------------
    held = Meeting.objects.create(
        cohort=cohort,
        kind=MeetingKind.WHOLE_GROUP,
        title="Group of 13",
        starts_at=now - timedelta(days=2),
        duration_minutes=60,
        notes=MEETING_NOTES,
        created_by=leader,
    )
    AgendaItem.objects.create(
        meeting=held, position=1, title="Norms", minutes=10, notes=AGENDA_NOTES
    )
    upcoming = Meeting.objects.create(
        cohort=cohort,
        kind=MeetingKind.WHOLE_GROUP,
        title="Next round",
        starts_at=now + timedelta(days=7),
        duration_minutes=60,
        created_by=leader,
    )
    other_meeting = Meeting.objects.create(
        cohort=other_cohort,
        kind=MeetingKind.WHOLE_GROUP,
        title="Oak meeting",
        starts_at=now - timedelta(days=1),
        duration_minutes=60,
        notes=OTHER_COHORT_NOTES,
        created_by=other_leader,
    )
    protocol = ProtocolFactory(school=a1, created_by=leader)

    # --- surveys -----------------------------------------------------------------------------
    instrument = small_instrument(school=a1)
    voice_instrument = small_instrument(school=a1)
    voice_instrument.kind = InstrumentKind.STUDENT_VOICE
    voice_instrument.save(update_fields=["kind"])
    respondents = [visitor, blue_2, host, member, yellow_3]
    survey = administration(
        instrument=instrument, people=respondents, created_by=leader, cohort=cohort
    )
    receipt = answer(survey, host, {"q1": 4, "q2": 2, "q3": SURVEY_ANSWER})
    answer(survey, visitor, {"q1": 3, "q2": 3})
    baseline = administration(
        instrument=instrument,
        people=respondents,
        created_by=leader,
        cohort=cohort,
        kind=AdministrationKind.BASELINE,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=50),
    )
    follow_up = administration(
        instrument=instrument,
        people=respondents,
        created_by=leader,
        cohort=cohort,
        kind=AdministrationKind.SIX_MONTH,
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=5),
        follows=baseline,
    )
    note = ReportNote.objects.create(administration=baseline, author=leader, text=REPORT_NOTE)
    unanswered = administration(
        instrument=instrument, people=respondents, created_by=leader, cohort=cohort
    )

    credentials = _credentials(
        now, visitor=visitor, host=host, leader=leader, cohort=cohort, done=done
    )
    improvement = _improvement(now, visitor=visitor)
    library = _library(now, visitor=visitor, host=host)

    # --- inbox, phones, invitations ------------------------------------------------------------
    notification = DeliveredNotificationFactory(
        recipient=host, kind=Kind.VISIT_TOMORROW, body=NOTIFICATION_BODY
    )
    device = DeviceFactory(user=host, token=DEVICE_TOKEN)
    cohort_invitation = cohort_peer_invite(
        actor=leader, cohort=cohort, email=INVITEE_EMAIL, full_name="Ivy Invitee", role=Role.YELLOW
    )
    host_session, _raw = access_token_issue(user=host, device_name="Host's tablet")
    open_invitation, code = invitation_create(
        inviter=leader, email="accept-me@example.org", full_name="Ari Accept", school=a1
    )
    # An invitation outside district A's e-mail domains, waiting for its coordinator.
    awaiting_invitation = Invitation.objects.create(
        email="outside@elsewhere.example",
        school=a1,
        invited_by=leader,
        code_hash=hash_token(uuid.uuid4().hex),
        expires_at=timezone.now() + timedelta(days=14),
        approval=Approval.AWAITING,
    )

    users = {
        ANONYMOUS: None,
        OTHER_SCHOOL_TEACHER: other_school_teacher,
        OTHER_COHORT_MEMBER: other_member,
        COHORT_MEMBER: member,
        HOST: host,
        VISITOR: visitor,
        LEADER: leader,
        OTHER_COORDINATOR: other_coordinator,
        COORDINATOR: coordinator,
        STAFF: staff,
    }
    objects = {
        "district_a": district_a,
        "district_b": district_b,
        "school_a1": a1,
        "school_a2": a2,
        "school_b1": b1,
        "cohort": cohort,
        "link": link,
        "bell_period": bell_period,
        "other_cohort": other_cohort,
        "blue_2": blue_2,
        "other_leader": other_leader,
        "signin_user": signin_user,
        "newcomer": newcomer,
        "host_session": host_session,
        "unanswered": unanswered,
        "item_q1": instrument.items.get(key="q1"),
        "slq": slq,
        "slq_shared": slq_shared,
        "tool": tool,
        "seating_tool": seating_tool,
        "done": done,
        "sheet": sheet,
        "photo": photo,
        "shared": shared,
        "shared_sheet": shared_sheet,
        "proposed": proposed,
        "accepted": accepted,
        "held": held,
        "agenda_item": held.agenda_items.get(),
        "upcoming": upcoming,
        "other_meeting": other_meeting,
        "protocol": protocol,
        "instrument": instrument,
        "voice_instrument": voice_instrument,
        "survey": survey,
        "baseline": baseline,
        "follow_up": follow_up,
        "note": note,
        "notification": notification,
        "device": device,
        "cohort_invitation": cohort_invitation,
        "invitation": cohort_invitation.invitation,
        "open_invitation": open_invitation,
        "awaiting_invitation": awaiting_invitation,
        **memberships,
        **credentials,
        **improvement,
        **library,
        **{f"user_{kind}": user for kind, user in users.items() if user is not None},
    }
    values = {"receipt": receipt, "invitation_code": code, "password": "correct-horse-battery"}
    return World(users=users, objects=objects, values=values)


def _credentials(now, *, visitor, host, leader, cohort, done) -> dict:
    """Three credentials: one the visitor gathers evidence for (the `done` visit to the host,
    which asks the host's consent; a text; the leader's granted consent to be named), one
    the visitor has submitted a packet of, one nobody pursues."""
    from credentials.models import (
        ConsentGrant,
        ConsentScope,
        ConsentState,
        Credential,
        CredentialVersion,
        EvidenceItem,
        Packet,
        Programme,
        Pursuit,
        PursuitState,
        RequirementSlot,
    )

    programme = Programme.objects.create(key="matrix", title="Matrix programme")

    def credential(key: str, position: int, slots: list[dict]) -> CredentialVersion:
        made = Credential.objects.create(programme=programme, key=key, position=position)
        version = CredentialVersion.objects.create(credential=made, number=1, title=key.title())
        parents = {}
        for index, slot in enumerate(slots, start=1):
            parent = parents.get(slot.pop("parent", None))
            parents[slot["key"]] = RequirementSlot.objects.create(
                version=version, parent=parent, position=index, **slot
            )
        CredentialVersion.objects.filter(pk=version.pk).update(status="PUBLISHED", published_at=now)
        version.refresh_from_db()
        return version

    text = {"prompts": [{"key": "why", "text": "Why?"}], "words": {"min": 0, "max": 100}}
    gathering = credential(
        "matrix-gathering",
        1,
        [
            {
                "key": "visits",
                "kind": "RECORDS",
                "title": "Visits",
                "consent_from": "HOST",
                "spec": {
                    "source": "VISIT_AS_VISITOR_TO_ROLE",
                    "count": 2,
                    "rules": {"host_role": "YELLOW"},
                },
            },
            {"key": "why", "kind": "TEXT", "title": "Why", "spec": text},
            {"key": "how", "kind": "CHOICE", "title": "How", "spec": {"choose": 1}},
            {
                "key": "how-words",
                "kind": "TEXT",
                "title": "In words",
                "spec": text,
                "parent": "how",
            },
            {"key": "sources", "kind": "LIST", "title": "Sources", "spec": {"count": {"min": 1}}},
            {
                "key": "promise",
                "kind": "ATTESTATION",
                "title": "Promise",
                "spec": {"statement": "I will."},
            },
            {
                "key": "work",
                "kind": "UPLOAD",
                "title": "Student work",
                "spec": {"media": "PHOTO", "count": 1},
            },
        ],
    )
    ready = credential(
        "matrix-ready",
        4,
        [{"key": "promise", "kind": "ATTESTATION", "title": "P", "spec": {"statement": "I am."}}],
    )
    submitted = credential(
        "matrix-submitted",
        2,
        [{"key": "promise", "kind": "ATTESTATION", "title": "P", "spec": {"statement": "I did."}}],
    )
    unpursued = credential(
        "matrix-open",
        3,
        [{"key": "promise", "kind": "ATTESTATION", "title": "P", "spec": {"statement": "I do."}}],
    )
    pursuit = Pursuit.objects.create(
        person=visitor, credential=gathering.credential, version=gathering, cohort=cohort
    )
    visit_item = EvidenceItem.objects.create(pursuit=pursuit, slot_key="visits", visit=done)
    text_item = EvidenceItem.objects.create(
        pursuit=pursuit, slot_key="why", prompt_key="why", text=f"Because {EVIDENCE_TEXT}"
    )
    consent = ConsentGrant.objects.create(
        pursuit=pursuit, grantor=host, scope=ConsentScope.ITEM, evidence_item=visit_item
    )
    granted = ConsentGrant.objects.create(
        pursuit=pursuit,
        grantor=leader,
        scope=ConsentScope.NAME,
        state=ConsentState.GRANTED,
        decided_at=now,
    )
    ready_pursuit = Pursuit.objects.create(
        person=visitor, credential=ready.credential, version=ready
    )
    EvidenceItem.objects.create(pursuit=ready_pursuit, slot_key="promise", attested_at=now)
    done_pursuit = Pursuit.objects.create(
        person=visitor,
        credential=submitted.credential,
        version=submitted,
        state=PursuitState.SUBMITTED,
    )
    packet = Packet.objects.create(
        pursuit=done_pursuit,
        attempt=1,
        version=submitted,
        submitted_at=now,
        submitted_by=visitor,
        content={"teacher": {"name": "Victor Visitor"}, "requirements": []},
        manifest={},
        manifest_sha256="0" * 64,
    )
    return {
        "credential_version": gathering,
        "open_credential": unpursued,
        "pursuit": pursuit,
        "ready_pursuit": ready_pursuit,
        "evidence_item": text_item,
        "consent": consent,
        "consent_granted": granted,
        "packet": packet,
    }


def _improvement(now, *, visitor) -> dict:
    """A PDSA cycle of the visitor's (at DO, for their own question) judged by a measure with
    three points and a note, and a second measure of theirs not linked yet."""
    import uuid as uuid_module

    from improvement.models import Annotation, DataPoint, Measure, Pdsa, PdsaMeasure, Stage

    today = timezone.localdate()
    own_slq = StudentLearningQuestionFactory(host=visitor, question="How do my students explain?")
    pdsa = Pdsa.objects.create(
        owner=visitor,
        slq=own_slq,
        change_idea=f"Think-pair-share before answers {PDSA_TEXT}",
        predictions=f"More students explain {PDSA_TEXT}",
        stage=Stage.DO,
        do_started_on=today - timedelta(days=5),
    )
    measure = Measure.objects.create(owner=visitor, name=f"Students explaining {PDSA_TEXT}")
    PdsaMeasure.objects.create(pdsa=pdsa, measure=measure)
    for days, value in ((6, 4.0), (3, 7.0), (1, 9.0)):
        DataPoint.objects.create(
            measure=measure,
            client_id=uuid_module.uuid4(),
            on=today - timedelta(days=days),
            value=value,
        )
    Annotation.objects.create(
        measure=measure, on=today - timedelta(days=2), text=f"Quiz {PDSA_TEXT}"
    )
    unlinked = Measure.objects.create(owner=visitor, name="Hands up")
    return {
        "pdsa_slq": own_slq,
        "pdsa": pdsa,
        "pdsa_measure": measure,
        "unlinked_measure": unlinked,
    }


def _library(now, *, visitor, host) -> dict:
    """A done cycle of the visitor's shared in the library with school A1, with the host's
    question answered; and a cycle at ACT not shared yet."""
    from improvement.models import LibraryScope, Pdsa, Stage
    from improvement.services.library import pdsa_publish
    from improvement.services.questions import library_question_answer, library_question_ask

    today = timezone.localdate()
    slq = StudentLearningQuestionFactory(host=visitor, question="How do my students argue?")

    def cycle(stage, idea):
        return Pdsa.objects.create(
            owner=visitor,
            slq=slq,
            change_idea=idea,
            predictions=f"More claims with evidence {LIBRARY_TEXT}",
            stage=stage,
            do_started_on=today - timedelta(days=20),
            do_ended_on=today - timedelta(days=5),
            study_results="Claims with evidence went from 4 to 9",
            act_decision="ADOPT" if stage == Stage.DONE else "",
        )

    shared = cycle(Stage.DONE, f"Sentence starters for claims {LIBRARY_TEXT}")
    ready = cycle(Stage.ACT, "Sentence starters for counterclaims")
    entry = pdsa_publish(
        actor=visitor, pdsa=shared, scope=LibraryScope.SCHOOL, commit_to_answer=True
    )
    question = library_question_ask(
        actor=host, entry=entry, text=f"Which starters worked best? {LIBRARY_TEXT}"
    )
    library_question_answer(
        actor=visitor, question=question, text=f"The because-one {LIBRARY_TEXT}"
    )
    return {
        "library_pdsa": shared,
        "library_ready_pdsa": ready,
        "library_entry": entry,
        "library_question": question,
    }
