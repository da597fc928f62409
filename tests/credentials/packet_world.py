"""A pursuit ready to submit, for test_packets.py, test_packet_exports.py and
test_packet_links.py.

The cohort is conftest's `world` (Lee Leader, Blue 1-4, Yellow 1-8). Lee pursues a small
published credential built here:

- `data`: three completed visits of Lee's to blue dots' classes, each on the host's question
  with a tool of a real kind (scripting, seating chart, tally) and Lee's entries, which name
  children in their structured fields (the host's consent per visit);
- `sheet`: a reflection sheet Lee facilitated for Blue 3, its data summary keyed by the
  tally's groups (the host's consent);
- `will`: two visits of blue dots to yellow dots (Blue 1 to Yellow 1, Blue 2 to Yellow 3) in
  which Lee took no part; everyone named is asked for their name and Yellow 3 declines;
- `reflect`: a written answer that names a child the data names too;
- `photo`: a photo of Lee's from the first visit.

Every child's name below is something the packet must never say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from graphql_relay import to_global_id

from credentials.models import ConsentGrant, ConsentScope, Programme, Pursuit
from credentials.services.consent import consent_decline, consent_grant
from credentials.services.evidence import (
    evidence_item_add,
    evidence_item_confirm,
    evidence_text_save,
)
from credentials.services.pursuits import pursuit_start
from observations.models import Photo, VisitStatus
from observations.tool_kinds import summarize, validate_definition, validate_entry

from .conftest import Catalogue, at_day, records, text

TITLE = "Opening Doors Together"
PHOTO_BYTES = b"\xff\xd8\xff\xe0 a photo's bytes, frozen as they were \xff\xd9"

SCRIPTED = ["Xiomara Quist", "Bartholomew Finch"]
SEATS = {
    "layout": "grid",
    "seats": [
        {"key": "tobias", "label": "Tobias Renwick", "x": 0, "y": 0},
        {"key": "ilse", "label": "Ilse Varga", "x": 1, "y": 0},
    ],
    "marks": [{"key": "q", "label": "Question"}],
}
GROUPS = {
    "categories": [{"key": "talk", "label": "Talk"}],
    "student_groups": [
        {"key": "otters", "label": "Otters Table"},
        {"key": "falcons", "label": "Falcons Table"},
    ],
}
# Every identifier of a child the sources hold: entries' students, seats' keys and labels,
# groups' keys and labels (the sheet's summary is keyed by the groups' keys).
STUDENT_IDENTIFIERS = [
    *SCRIPTED,
    "tobias",
    "Tobias Renwick",
    "ilse",
    "Ilse Varga",
    "otters",
    "Otters Table",
    "falcons",
    "Falcons Table",
]
REFLECTION = "Opening my room let peers hear Xiomara Quist explain halves to the class."
SLQ_QUESTION = "Which students explain their thinking aloud?"
# What is inside a visit between two peers, which the packet must never hold.
PEER_QUESTION = "Do quiet students answer when given wait time?"
PEER_NOTE = "Long pause before the answer came"
PEER_STUDENT = "Ottoline Brisk"


def credential_slots() -> list[dict]:
    return [
        records("data", "DATA_SET_COLLECTED", 3) | {"consent_from": "HOST"},
        records(
            "sheet",
            "REFLECTION_SHEET_AS_FACILITATOR",
            1,
            host_role="BLUE",
            per_host_max=1,
            max_hosts=1,
        )
        | {"consent_from": "HOST"},
        records("will", "VISIT_BY_ROLE_TO_ROLE", 2, host_role="YELLOW", visitor_role="BLUE")
        | {"consent_from": "NAMED_PEERS"},
        text("reflect", "What opening doors changed"),
        {"key": "photo", "kind": "UPLOAD", "title": "A photo", "spec": {"media": "PHOTO"}},
    ]


@dataclass
class Ready:
    """The pursuit and the records behind it."""

    world: object
    pursuit: Pursuit
    visits: list
    will_visits: list
    later_visit: object
    sheet: object
    slqs: list
    photo: Photo
    items: dict = field(default_factory=dict)

    @property
    def leader(self):
        return self.world.leader

    @property
    def gid(self) -> str:
        return to_global_id("Pursuit", self.pursuit.pk)

    def revision(self) -> int:
        self.pursuit.refresh_from_db()
        return self.pursuit.revision


def make_credential(key: str = "opening-doors"):
    programme = Programme.objects.create(key=f"programme-{key}", title="Packet programme")
    return Catalogue(programme).add(key, TITLE, credential_slots())


def make_records(world):
    """The records Lee's evidence comes from (written, not yet added)."""
    seeder = world.seeder
    blue1, blue2, blue3, blue4 = world.blues
    slqs, visits = [], []
    kinds = [
        ("SCRIPTING", {}, blue1),
        ("SEATING_CHART", SEATS, blue2),
        ("TALLY", GROUPS, blue3),
    ]
    entries_of = {
        "SCRIPTING": [
            {
                "at": "2026-09-05T09:00:00Z",
                "text": f"{SCRIPTED[0]} asked why halves match",
                "student": SCRIPTED[0],
            },
            {
                "at": "2026-09-05T09:10:00Z",
                "text": "Explained with a drawing",
                "student": SCRIPTED[1],
            },
        ],
        "SEATING_CHART": [
            {"at": "2026-09-05T09:00:00Z", "seat": "tobias", "mark": "q"},
            {
                "at": "2026-09-07T09:00:00Z",
                "seat": "ilse",
                "mark": "q",
                "note": "Ilse Varga asked twice",
            },
        ],
        "TALLY": [
            {"at": "2026-09-05T09:00:00Z", "category": "talk", "group": "otters"},
            {"at": "2026-09-06T09:00:00Z", "category": "talk", "group": "falcons"},
        ],
    }
    tally_tool = None
    for day, (kind, definition, host) in enumerate(kinds, start=3):
        slq = seeder.slq(host, created_at=at_day(1), question=SLQ_QUESTION)
        tool = seeder.tool(
            host, kind=kind, definition=validate_definition(kind, definition), slq=slq
        )
        visit = world.visit(world.leader, host, day, slq=slq, tool=tool)
        for minute, raw in enumerate(entries_of[kind]):
            seeder.entry(
                visit,
                recorded_at=visit.starts_at + timedelta(minutes=minute + 1),
                payload=validate_entry(kind, definition, raw),
            )
        slqs.append(slq)
        visits.append(visit)
        if kind == "TALLY":
            tally_tool = tool
    summary = summarize("TALLY", tally_tool.definition, entries_of["TALLY"])
    sheet = seeder.reflection(visits[2], facilitator=world.leader, data_summary=summary)
    # Blue 1's visit to Yellow 1 has a question, a tool and data of its own: Lee may know the
    # visit happened, never read what was in it.
    yellow_slq = seeder.slq(world.yellows[0], created_at=at_day(1), question=PEER_QUESTION)
    yellow_tool = seeder.tool(
        world.yellows[0], kind="SCRIPTING", definition=validate_definition("SCRIPTING", {}),
        slq=yellow_slq,
    )  # fmt: skip
    will_visits = [
        world.visit(blue1, world.yellows[0], 6, slq=yellow_slq, tool=yellow_tool,
                    room="Room of a peer"),
        world.visit(blue2, world.yellows[2], 7),
    ]  # fmt: skip
    seeder.entry(
        will_visits[0],
        recorded_at=will_visits[0].starts_at + timedelta(minutes=3),
        payload=validate_entry(
            "SCRIPTING",
            {},
            {"at": "2026-09-07T09:00:00Z", "text": PEER_NOTE, "student": PEER_STUDENT},
        ),
    )
    later = world.visit(world.leader, blue4, 12)
    world.save()
    name = default_storage.save("photos/board.jpg", ContentFile(PHOTO_BYTES))
    photo = Photo.objects.create(
        visit=visits[0], uploaded_by=world.leader, caption="Anchor chart by the door",
        image=name, thumbnail=name, width=10, height=10, thumbnail_width=5, thumbnail_height=5,
    )  # fmt: skip
    return visits, will_visits, later, sheet, slqs, photo


def ready(world, *, decline=(2,), answer=True, confirm=True, credential=None) -> Ready:
    """Lee's pursuit with every requirement met; consents answered (the yellow dots at
    `decline`, indexes into world.yellows, decline their names) and items confirmed unless
    told otherwise."""
    credential = credential or make_credential()
    visits, will_visits, later, sheet, slqs, photo = make_records(world)
    leader = world.leader
    pursuit = pursuit_start(person=leader, credential=credential, cohort=world.cohort)
    items = {}
    for n, visit in enumerate(visits):
        items[f"data{n}"] = evidence_item_add(
            person=leader, pursuit=pursuit, slot_key="data", record=visit
        )
    items["sheet"] = evidence_item_add(
        person=leader, pursuit=pursuit, slot_key="sheet", record=sheet
    )
    for n, visit in enumerate(will_visits):
        items[f"will{n}"] = evidence_item_add(
            person=leader, pursuit=pursuit, slot_key="will", record=visit
        )
    items["reflect"] = evidence_text_save(
        person=leader, pursuit=pursuit, slot_key="reflect", prompt_key="answer", text=REFLECTION
    )
    items["photo"] = evidence_item_add(
        person=leader, pursuit=pursuit, slot_key="photo", record=photo
    )
    if answer:
        answer_consents(pursuit, decline=[world.yellows[i] for i in decline])
    if confirm:
        for key in ("reflect", "photo"):
            evidence_item_confirm(person=leader, item=items[key])
    pursuit.refresh_from_db()
    return Ready(world, pursuit, visits, will_visits, later, sheet, slqs, photo, items)


def answer_consents(pursuit, *, decline=()):
    declined = {person.pk for person in decline}
    for grant in ConsentGrant.objects.filter(pursuit=pursuit).select_related("grantor"):
        if grant.scope == ConsentScope.NAME and grant.grantor_id in declined:
            consent_decline(person=grant.grantor, consent=grant)
        else:
            consent_grant(person=grant.grantor, consent=grant)


def cancel(visit):
    type(visit).objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)


SUBMIT = """
mutation($input: PacketSubmitInput!) {
  packetSubmit(input: $input) {
    packet {
      id attempt manifestSha256 submittedAt state versionNumber
      pdfDownload { url contentType expiresAt }
      zipDownload { url contentType expiresAt }
      jsonDownload { url contentType expiresAt }
    }
    pursuit { id state revision }
    errors { field code message }
  }
}
"""

PREVIEW = """
query($id: ID!) { pursuit(id: $id) { revision state packetPreviewJson } }
"""


def submit(client, ready_: Ready, revision: int | None = None) -> dict:
    rev = ready_.revision() if revision is None else revision
    return client.data(SUBMIT, {"input": {"pursuitId": ready_.gid, "expectedRevision": rev}})[
        "packetSubmit"
    ]
