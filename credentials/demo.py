"""Demo micro-credentials: the Maple leader (leader@demo.school) pursues four credentials of
the "My school" tier and has submitted one packet, Building Will, whose visits the other demos
made (four visits to blue dots, eight blue-dot visits to yellow dots).

Everything goes through the services a teacher's phone calls (start, add evidence, answer
consent, submit), so loading the demo runs the whole flow: eleven peers let their names
appear, one yellow dot declines and the packet shows them as "Yellow dot N".
"""

from __future__ import annotations

from backend.accounts.models import User
from cohorts.models import Cohort, Membership, Role
from observations.models import Visit

from .models import ConsentScope, ConsentState, Credential, Pursuit
from .selectors import pursuit_progress
from .services.consent import consent_decline, consent_grant
from .services.definitions import catalogue_load
from .services.evidence import evidence_item_add
from .services.packets import packet_submit
from .services.pursuits import pursuit_start

LEADER_EMAIL = "leader@demo.school"
PROGRAMME = "slrc"
PURSUED = (
    "building-will",
    "measuring-impact-on-student-learning",
    "considering-impact-on-culture",
    "building-skills-in-others",
)
SUBMITTED = "building-will"


def load(context) -> None:
    """The demo loader's hook (backend/demo.py APP_DEMOS)."""
    load_credentials_demo(cohort=context.extra.get("maple_cohort"))


def load_credentials_demo(cohort: Cohort | None = None) -> bool:
    """Create the leader's pursuits and packet unless they exist; returns whether it did.

    Needs the people, cohort and visits of the other demos; without them it does nothing."""
    leader = User.objects.filter(email=LEADER_EMAIL).first()
    if leader is None or Pursuit.objects.filter(person=leader).exists():
        return False
    cohort = cohort or _led_cohort(leader)
    if cohort is None:
        return False
    # The migration loads the catalogue; load it again (idempotent) where something emptied
    # the tables since, as a test database's flush does.
    catalogue_load()
    credentials = {
        c.key: c for c in Credential.objects.filter(programme__key=PROGRAMME, key__in=PURSUED)
    }
    if len(credentials) != len(PURSUED):
        return False  # the catalogue is not loaded (migration 0002)
    pursuits = {
        key: pursuit_start(person=leader, credential=credentials[key], cohort=cohort)
        for key in PURSUED
    }
    _submit_building_will(leader, cohort, pursuits[SUBMITTED])
    return True


def _led_cohort(leader) -> Cohort | None:
    membership = (
        Membership.objects.filter(person=leader, role=Role.LEADER, ended_at=None)
        .select_related("cohort")
        .order_by("started_at")
        .first()
    )
    return membership.cohort if membership else None


def _submit_building_will(leader, cohort: Cohort, pursuit: Pursuit) -> None:
    """Add the visits that meet both requirements, let the peers answer, submit."""
    for row in pursuit_progress([pursuit])[pursuit.pk]:
        visits = Visit.objects.filter(pk__in=row.candidates).order_by("starts_at", "pk")
        for visit in visits[: row.need]:
            evidence_item_add(person=leader, pursuit=pursuit, slot_key=row.slot_key, record=visit)

    # One yellow dot keeps their name out: the packet shows them by role and number.
    decliner = (
        Membership.objects.filter(cohort=cohort, role=Role.YELLOW, ended_at=None)
        .order_by("started_at", "pk")
        .values_list("person_id", flat=True)
        .last()
    )
    asked = pursuit.consents.filter(scope=ConsentScope.NAME, state=ConsentState.REQUESTED)
    for consent in asked.select_related("grantor").order_by("pk"):
        if consent.grantor_id == decliner:
            consent_decline(person=consent.grantor, consent=consent)
        else:
            consent_grant(person=consent.grantor, consent=consent)

    pursuit.refresh_from_db()
    packet_submit(person=leader, pursuit=pursuit, expected_revision=pursuit.revision)
