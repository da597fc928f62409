"""A district's own e-mail domains, and who may join its cohorts from outside them.

Why: a leader invited accounts at addresses they controlled, put them in a survey's audience and
subtracted their known answers from the report to recover one teacher's. With domains set, an
invitation to another address waits for a coordinator (invitations.py), and nobody at another
address joins a cohort of the district until a coordinator has approved them
(`may_join_cohorts_in`, checked by cohorts/services/memberships.py). No domains: unrestricted.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from backend.accounts.errors import AccountError
from backend.audit.models import Action
from backend.audit.services import audit_record

from ..models import (
    Approval,
    District,
    DistrictEmailDomain,
    Invitation,
    OutsideDomainApproval,
    User,
)

MAX_DOMAINS = 20
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN_PATTERN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})+$")


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def district_domains(district_id: int | None) -> frozenset[str]:
    if district_id is None:
        return frozenset()
    return frozenset(
        DistrictEmailDomain.objects.filter(district_id=district_id).values_list("domain", flat=True)
    )


def within_domains(*, email: str, district_id: int | None) -> bool:
    """True when the district is unrestricted or the address is at one of its domains."""
    domains = district_domains(district_id)
    return not domains or email_domain(email) in domains


def may_coordinate(actor: User, district_id: int | None) -> bool:
    return bool(
        actor.is_authenticated
        and (actor.is_staff or (district_id and actor.coordinated_district_id == district_id))
    )


def invitation_district_id(invitation: Invitation) -> int | None:
    if invitation.school is not None:
        return invitation.school.district_id
    return invitation.coordinated_district_id


def approval_for_new_invitation(*, inviter: User, email: str, district_id: int) -> str:
    """NOT_NEEDED inside the domains; APPROVED at once when a coordinator of the district (or
    staff) invites, since they are who would approve; otherwise AWAITING."""
    if within_domains(email=email, district_id=district_id):
        return Approval.NOT_NEEDED
    if may_coordinate(inviter, district_id):
        return Approval.APPROVED
    return Approval.AWAITING


def may_join_cohorts_in(*, person: User, district_id: int) -> bool:
    if within_domains(email=person.email, district_id=district_id):
        return True
    return OutsideDomainApproval.objects.filter(district_id=district_id, person=person).exists()


def _clean_domain(raw: str) -> str:
    domain = (raw or "").strip().lower().removeprefix("@").rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        domain = ""
    if not DOMAIN_PATTERN.match(domain):
        raise ValidationError(
            {
                "domains": ValidationError(
                    f"{raw!r} is not a domain such as district.org.",
                    code=AccountError.INVALID_DOMAIN,
                )
            }
        )
    return domain


@transaction.atomic
def district_email_domains_set(*, actor: User, district: District, domains: list[str]) -> list[str]:
    """Replace the district's domains (an empty list lifts the restriction). The GraphQL
    mutation (coordinators) and the admin (staff) both come here."""
    if not may_coordinate(actor, district.pk):
        raise PermissionDenied("Only the district's coordinators can set its e-mail domains.")
    cleaned = sorted({_clean_domain(domain) for domain in domains})
    if len(cleaned) > MAX_DOMAINS:
        raise ValidationError(
            {
                "domains": ValidationError(
                    f"At most {MAX_DOMAINS} domains.", code=AccountError.INVALID
                )
            }
        )
    # One change at a time per district, so two coordinators saving at once end in one list.
    District.objects.select_for_update().filter(pk=district.pk).first()
    previous = sorted(district_domains(district.pk))
    DistrictEmailDomain.objects.filter(district=district).exclude(domain__in=cleaned).delete()
    DistrictEmailDomain.objects.bulk_create(
        [
            DistrictEmailDomain(district=district, domain=domain, created_by=actor)
            for domain in cleaned
            if domain not in previous
        ]
    )
    if previous != cleaned:
        audit_record(
            actor=actor,
            action=Action.EMAIL_DOMAINS_SET,
            target=district,
            details={"domains": cleaned, "previous": previous},
        )
    return cleaned


@transaction.atomic
def person_domain_approve(*, actor: User, person: User) -> OutsideDomainApproval:
    """Vouch for someone already in the district whose address is outside its domains (an
    account made before the domains were set), so they can join its cohorts."""
    district_id = person.school.district_id if person.school is not None else None
    # Someone without a school belongs to no district to be approved in (not even by staff).
    if district_id is None or not may_coordinate(actor, district_id):
        raise PermissionDenied("Only the district's coordinators can approve its teachers.")
    approval, created = OutsideDomainApproval.objects.get_or_create(
        district_id=district_id, person=person, defaults={"approved_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action=Action.PERSON_DOMAIN_APPROVED,
            target=person,
            details={"district_id": district_id},
        )
    return approval
