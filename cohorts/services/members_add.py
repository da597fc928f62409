"""Adding and inviting many people to a cohort in one call, each on their own.

Each person goes through the one-person services (`membership_add`, `cohort_peer_invite`), so
every rule holds exactly as for a single add: the school, closed accounts, the district's
e-mail domains, strict role targets, the invitation rate limit and its throttles. Each runs in
its own savepoint: a refused person leaves no trace and the others are still added (partial
success, the person's refusals reported under `people.<index>.<field>`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.accounts.selectors import people_visible_to
from cohorts.errors import CohortError

from ..models import Cohort, CohortInvitation, Membership
from .common import ensure_can_change
from .memberships import cohort_peer_invite, membership_add

MAX_PEOPLE = 50


@dataclass(frozen=True)
class MemberEntry:
    """One person to add: an account (`person`) or an address (`email`, with `full_name`)."""

    role: str
    person: User | None = None
    email: str = ""
    full_name: str = ""


@dataclass
class MemberOutcome:
    """What happened to one entry: added (a membership), invited, or refused (`error`)."""

    index: int
    person: User | None = None
    membership: Membership | None = None
    invitation: CohortInvitation | None = None
    error: ValidationError | None = None


def _under(index: int, error: ValidationError, *, renamed: dict[str, str]) -> ValidationError:
    """`error` keyed under `people.<index>.` (a refusal about no field: `people.<index>`)."""
    prefix = f"people.{index}"
    if not hasattr(error, "error_dict"):
        return ValidationError({prefix: error})
    keyed = {}
    for key, errors in error.error_dict.items():
        name = prefix if key == NON_FIELD_ERRORS else f"{prefix}.{renamed.get(key, key)}"
        keyed[name] = errors
    return ValidationError(keyed)


def _visible_account(actor, email: str) -> User | None:
    """The account with this address if `actor` sees it. One they may not see is treated as a
    new address (`invitation_create` invites without revealing it), never named."""
    email = (email or "").strip()
    if not email:
        return None
    return (
        people_visible_to(actor, User.objects.filter(email__iexact=email))
        .select_related("school")
        .first()
    )


def _duplicates(entries: dict[int, MemberEntry]) -> dict[int, ValidationError]:
    seen: dict[object, int] = {}
    refused = {}
    for index, entry in entries.items():
        key: object
        if entry.person is not None:
            key, name = ("person", entry.person.pk), "personId"
        else:
            key, name = ("email", entry.email.strip().lower()), "email"
        if key in seen:
            refused[index] = ValidationError(
                {
                    name: ValidationError(
                        f"Listed twice (also at {seen[key]}).", code=CohortError.INVALID
                    )
                }
            )
        else:
            seen[key] = index
    return refused


@transaction.atomic
def cohort_members_add(
    *, actor, cohort: Cohort, entries: dict[int, MemberEntry]
) -> list[MemberOutcome]:
    """Add existing people (by account, or by an address that belongs to an account the actor
    sees) and invite the others by e-mail, each in the role given. `entries` are keyed by
    their position in the caller's list (the error paths use it; a caller that refused some
    entries itself leaves them out). Returns one outcome per entry, in order. Refused as a
    whole only when the actor may not change the cohort (PermissionDenied), it is archived,
    or the list is empty or too long."""
    ensure_can_change(actor, cohort)
    if not entries:
        raise ValidationError(
            {"people": ValidationError("Add someone.", code=CohortError.REQUIRED)}
        )
    if len(entries) > MAX_PEOPLE:
        raise ValidationError(
            {
                "people": ValidationError(
                    f"At most {MAX_PEOPLE} people at a time.", code=CohortError.INVALID
                )
            }
        )
    refused = _duplicates(entries)
    outcomes = []
    for index, entry in sorted(entries.items()):
        outcome = MemberOutcome(index=index)
        outcomes.append(outcome)
        if index in refused:
            outcome.error = _under(index, refused[index], renamed={})
            continue
        person, renamed = entry.person, {}
        if person is None:
            person = _visible_account(actor, entry.email)
            renamed = {"personId": "email"}
        try:
            with transaction.atomic():
                if person is not None:
                    outcome.membership = membership_add(
                        actor=actor, cohort=cohort, person=person, role=entry.role
                    )
                    outcome.person = person
                else:
                    outcome.invitation = cohort_peer_invite(
                        actor=actor,
                        cohort=cohort,
                        email=entry.email,
                        full_name=entry.full_name,
                        role=entry.role,
                    )
        except ValidationError as exc:
            outcome.membership = outcome.invitation = outcome.person = None
            outcome.error = _under(index, exc, renamed=renamed)
    return outcomes
