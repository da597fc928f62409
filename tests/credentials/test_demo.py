"""The demo's micro-credentials: what `make run` shows the leader (credentials/demo.py)."""

import io

import pytest
from pypdf import PdfReader

from backend import demo
from backend.accounts.models import User
from cohorts.models import Membership, Role
from credentials.demo import load_credentials_demo
from credentials.exports.json_export import render_json
from credentials.exports.pdf import render_pdf
from credentials.models import ConsentGrant, ConsentState, Packet, Pursuit, PursuitState

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(programme_catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert "credentials.demo" in demo.APP_DEMOS
    assert demo.load_demo() is True
    assert demo.load_demo() is False  # twice: nothing more
    assert load_credentials_demo() is False
    return User.objects.get(email="leader@demo.school")


def test_the_leader_pursues_four_credentials_and_has_submitted_building_will(loaded):
    pursuits = {p.credential.key: p.state for p in Pursuit.objects.filter(person=loaded)}

    assert pursuits == {
        "building-will": PursuitState.SUBMITTED,
        "measuring-impact-on-student-learning": PursuitState.DRAFT,
        "considering-impact-on-culture": PursuitState.DRAFT,
        "building-skills-in-others": PursuitState.DRAFT,
    }
    packet = Packet.objects.get()
    assert packet.pursuit.person == loaded
    assert packet.pursuit.credential.key == "building-will"
    assert Pursuit.objects.exclude(person=loaded).count() == 0
    # Four visits to blue dots and eight blue-dot visits to yellow dots, all in the packet.
    items = {r["key"]: len(r["items"]) for r in packet.content["requirements"]}
    assert items == {"blue-dot-visits": 4, "yellow-dot-visits": 8}


def test_one_yellow_dot_declined_and_shows_by_role_only(loaded):
    pursuit = Pursuit.objects.get(person=loaded, credential__key="building-will")
    consents = ConsentGrant.objects.filter(pursuit=pursuit)
    declined = consents.get(state=ConsentState.DECLINED)
    assert consents.filter(state=ConsentState.GRANTED).count() == 11
    assert not consents.filter(state=ConsentState.REQUESTED).exists()
    role = Membership.objects.get(cohort=pursuit.cohort, person=declined.grantor).role
    assert role == Role.YELLOW
    granted = consents.get(state=ConsentState.GRANTED, grantor__full_name="Amara Okafor")

    packet = Packet.objects.get()
    pdf = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(packet.content))).pages)
    text = " ".join(pdf.split())
    json_text = render_json(packet.content).decode()

    hidden = [
        person["role"]
        for requirement in packet.content["requirements"]
        for item in requirement["items"]
        for person in item["people"]
        if person["name"] is None
    ]
    assert len(hidden) == 1 and hidden[0].startswith("Yellow dot ")
    assert hidden[0] in text
    assert declined.grantor.full_name not in text
    assert declined.grantor.full_name not in json_text
    assert granted.grantor.full_name in text  # positive control: names granted appear
