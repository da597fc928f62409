"""Staff in the Django admin see what the API would show them, no more (issue 18, item 9).

The API keeps meeting notes within the group and a visit's content (the SLQ's words, the tool
crafted for it, the data collected, the reflection, photos) with the visit's people. Staff read
meeting notes in the admin all the same. Here every admin page staff can open (each
changelist and each object's change page, outside the surveys app, which is tested with its
own answers) is fetched and searched for the content strings.
"""

import uuid
from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from cohorts.models import Meeting
from observations.models import ObservationEntry, Photo, ReflectionSheet, Sharing
from tests.cohorts.factories import AgendaItemFactory, MeetingFactory
from tests.factories import StaffFactory, TeacherFactory
from tests.observations.factories import (
    CohortFactory,
    StudentLearningQuestionFactory,
    ToolFactory,
    visit,
)

SECRETS = {
    "meeting notes": "MEETINGNOTES-7f3a",
    "agenda item notes": "AGENDANOTES-91bc",
    "SLQ area": "SLQAREA-44d2",
    "SLQ question": "SLQQUESTION-0e6f",
    "tool name": "TOOLNAME-5b18",
    "tool description": "TOOLDESC-c2a9",
    "tool definition": "TOOLDEF-83e0",
    "visit notes": "VISITNOTES-6d71",
    "entry data": "ENTRYDATA-2f95",
    "reflection considerations": "CONSIDER-b7c4",
    "reflection next steps": "NEXTSTEPS-19ad",
    "reflection data summary": "SUMMARY-e508",
    "photo caption": "CAPTION-3c62",
}


@pytest.fixture
def content(school):
    host = TeacherFactory(school=school)
    visitor = TeacherFactory(school=school)
    cohort = CohortFactory(school=school, created_by=host)
    meeting = MeetingFactory(cohort=cohort, created_by=host, notes=SECRETS["meeting notes"])
    AgendaItemFactory(meeting=meeting, notes=SECRETS["agenda item notes"])
    slq = StudentLearningQuestionFactory(
        host=host, area_of_focus=SECRETS["SLQ area"], question=SECRETS["SLQ question"]
    )
    tool = ToolFactory(
        owner=host,
        name=SECRETS["tool name"],
        description=SECRETS["tool description"],
        sharing=Sharing.PRIVATE,
        slq=slq,
    )
    tool.definition = {**tool.definition, "prompt": SECRETS["tool definition"]}
    tool.save()
    seen = visit(host=host, visitor=visitor, slq=slq, tool=tool, notes=SECRETS["visit notes"])
    ObservationEntry.objects.create(
        visit=seen,
        client_id=uuid.uuid4(),
        recorded_at=datetime(2030, 1, 7, 15, 5, tzinfo=UTC),
        payload={"category": "asks", "text": SECRETS["entry data"]},
        submitted_by=visitor,
    )
    sheet = ReflectionSheet.objects.create(
        visit=seen,
        host=host,
        facilitator=visitor,
        cycle_number=1,
        slq=slq,
        slq_area_of_focus=SECRETS["SLQ area"],
        slq_question=SECRETS["SLQ question"],
        data_summary={"note": SECRETS["reflection data summary"]},
        considerations=SECRETS["reflection considerations"],
        next_steps=SECRETS["reflection next steps"],
        keeps_slq=True,
    )
    Photo.objects.create(
        reflection_sheet=sheet,
        uploaded_by=host,
        caption=SECRETS["photo caption"],
        image="photos/x.jpg",
        thumbnail="photos/x-thumb.jpg",
        width=10,
        height=10,
        thumbnail_width=5,
        thumbnail_height=5,
    )
    return meeting


def _pages(rf_user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = rf_user
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "surveys":
            continue  # survey answers are tested with their own content in tests/surveys
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        if not model_admin.has_view_permission(request):
            continue
        for pk in model_admin.get_queryset(request).values_list("pk", flat=True):
            yield reverse("admin:{}_{}_change".format(*info), args=[pk])


@pytest.mark.django_db
def test_staff_admin_pages_show_no_meeting_notes_or_visit_content(client, content):
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    fetched = 0
    leaks = []

    for url in _pages(staff):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = response.content.decode()
        fetched += 1
        leaks += [(url, what) for what, text in SECRETS.items() if text in page]

    assert fetched > 20
    assert leaks == [], leaks


@pytest.mark.django_db
def test_the_meeting_page_still_shows_its_logistics(client, content):
    client.force_login(StaffFactory(is_superuser=True))

    page = client.get(reverse("admin:cohorts_meeting_change", args=[content.pk])).content.decode()

    assert content.title in page
    assert Meeting.objects.get().notes == SECRETS["meeting notes"]


CREDENTIAL_SECRETS = {
    "evidence text": "EVIDENCETEXT-5e21",
    "evidence list": "EVIDENCELIST-a0c7",
    "packet content": "PACKETCONTENT-d93f",
    "packet manifest": "PACKETMANIFEST-71b4",
}


@pytest.mark.django_db
def test_staff_see_pursuit_and_packet_metadata_never_evidence_or_packet_content(client, school):
    from credentials.models import (
        Credential,
        CredentialVersion,
        EvidenceItem,
        Packet,
        Programme,
        Pursuit,
        PursuitState,
    )

    teacher = TeacherFactory(school=school)
    programme = Programme.objects.create(key="admin-privacy", title="Programme")
    credential = Credential.objects.create(programme=programme, key="c", position=1)
    version = CredentialVersion.objects.create(credential=credential, number=1, title="C")
    draft = Pursuit.objects.create(person=teacher, credential=credential, version=version)
    EvidenceItem.objects.create(
        pursuit=draft, slot_key="why", prompt_key="why", text=CREDENTIAL_SECRETS["evidence text"]
    )
    EvidenceItem.objects.create(
        pursuit=draft,
        slot_key="list",
        list_entries=[{"title": CREDENTIAL_SECRETS["evidence list"], "url": ""}],
    )
    other = Credential.objects.create(programme=programme, key="d", position=2)
    other_version = CredentialVersion.objects.create(credential=other, number=1, title="D")
    submitted = Pursuit.objects.create(
        person=teacher, credential=other, version=other_version, state=PursuitState.SUBMITTED
    )
    packet = Packet.objects.create(
        pursuit=submitted,
        attempt=1,
        version=other_version,
        submitted_at=datetime(2030, 1, 7, 15, 0, tzinfo=UTC),
        submitted_by=teacher,
        content={"requirements": [{"text": CREDENTIAL_SECRETS["packet content"]}]},
        manifest={"note": CREDENTIAL_SECRETS["packet manifest"]},
        manifest_sha256="ab" * 32,
    )
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)

    urls = [u for u in _pages(staff) if "/credentials/" in u]
    leaks, pages = [], {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        pages[url] = response.content.decode()
        leaks += [(url, what) for what, text in CREDENTIAL_SECRETS.items() if text in pages[url]]

    assert leaks == [], leaks
    # The pages were there and show the metadata.
    draft_page = pages[reverse("admin:credentials_pursuit_change", args=[draft.pk])]
    packet_page = pages[reverse("admin:credentials_packet_change", args=[packet.pk])]
    assert "DRAFT" in draft_page or "Gathering evidence" in draft_page
    assert "ab" * 32 in packet_page
