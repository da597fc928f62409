"""Inviting teachers and coordinators by e-mail, accepted with a one-time code."""

import hmac
import logging
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.errors import AccountError
from backend.audit.models import Action
from backend.audit.services import audit_record
from backend.throttle import RateLimit

from ..models import (
    AccessToken,
    Approval,
    District,
    Invitation,
    OutsideDomainApproval,
    School,
    User,
)
from ..selectors import people_visible_to
from .email_domains import (
    approval_for_new_invitation,
    invitation_district_id,
    may_coordinate,
)
from .sign_in import throttle_reserve
from .tokens import access_token_issue, hash_token

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: the code is typed on a phone from an e-mail.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
INVITES_PER_HOUR = RateLimit("invitations", 60, 3600)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def can_invite(*, inviter: User, school: School | None, district: District | None) -> bool:
    if inviter.is_staff:
        return True
    if district is not None:
        return inviter.coordinated_district_id == district.id
    if school is None:
        return False
    if inviter.coordinated_district_id == school.district_id:
        return True
    return inviter.is_teacher_leader and inviter.school_id == school.id


@transaction.atomic
def invitation_create(
    *,
    inviter: User,
    email: str,
    full_name: str = "",
    school: School | None = None,
    coordinated_district: District | None = None,
    as_teacher_leader: bool = False,
) -> tuple[Invitation, str | None]:
    """Invite someone; inviting the same address again replaces the earlier code. The code is
    None when the invitation waits for a coordinator's approval (outside the domains)."""
    if not can_invite(inviter=inviter, school=school, district=coordinated_district):
        raise PermissionDenied("You cannot invite people there.")
    if as_teacher_leader and not (inviter.is_staff or inviter.coordinated_district_id):
        raise PermissionDenied("Only coordinators can invite teacher leaders.")
    if school is not None:
        district_id = school.district_id
    elif coordinated_district is not None:
        district_id = coordinated_district.id
    else:
        raise ValidationError(
            {"school": ValidationError("Choose a school.", code=AccountError.REQUIRED)}
        )
    email = _clean_email(email)
    full_name = _clean_name(full_name, required=False)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and _visible(inviter, existing):
        raise ValidationError(
            {
                "email": ValidationError(
                    "This person already has an account.", code=AccountError.ALREADY_EXISTS
                )
            }
        )
    # An account the inviter may not see (another school or district) must not be revealed by
    # a different answer: the invitation is made as for a new address, but no code is sent;
    # the account's owner is told instead. It stays pending and expires like an ignored one.
    if INVITES_PER_HOUR.hit(str(inviter.id)) > INVITES_PER_HOUR.limit:
        raise ValidationError(
            "Too many invitations this hour.", code=AccountError.TOO_MANY_ATTEMPTS
        )

    Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    code = _new_code()
    approval = approval_for_new_invitation(inviter=inviter, email=email, district_id=district_id)
    decided = approval == Approval.APPROVED
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        school=school,
        coordinated_district=coordinated_district,
        as_teacher_leader=as_teacher_leader,
        invited_by=inviter,
        code_hash=hash_token(code),
        expires_at=timezone.now() + settings.INVITATION_LIFETIME,
        approval=approval,
        approval_decided_by=inviter if decided else None,
        approval_decided_at=timezone.now() if decided else None,
    )
    audit_record(
        actor=inviter,
        action=Action.INVITATION_SENT,
        target=invitation,
        details={
            "school_id": school.id if school else None,
            "coordinated_district_id": coordinated_district.id if coordinated_district else None,
            "as_teacher_leader": as_teacher_leader,
            "approval": approval,
        },
    )
    if approval == Approval.AWAITING:
        # Outside the district's domains: no code until a coordinator approves (then it is
        # made afresh and sent), so the invitee never holds a code that cannot work. The
        # coordinators hear of it; the list is `invitationsAwaitingApproval`.
        transaction.on_commit(lambda: _ask_coordinators(invitation, district_id))
        return invitation, None
    _send_on_commit(invitation, code, existing_account=existing is not None)
    # Nobody gets the code of an invitation to an existing account: it could not be used.
    return invitation, None if existing is not None else code


def _send_on_commit(invitation: Invitation, code: str, *, existing_account: bool) -> None:
    if existing_account:
        transaction.on_commit(lambda: _send_existing_account_notice(invitation))
    else:
        transaction.on_commit(lambda: _send_invitation_email(invitation, code))


@transaction.atomic
def invitation_decide(*, actor: User, invitation: Invitation, approve: bool) -> Invitation:
    """A coordinator approves or refuses an invitation outside the district's e-mail domains.
    Approving makes a fresh code and e-mails it; refusing withdraws the invitation."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=invitation.pk)
    )
    if not may_coordinate(actor, invitation_district_id(invitation)):
        raise PermissionDenied("Only the district's coordinators decide its invitations.")
    if (
        invitation.approval != Approval.AWAITING
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
    ):
        raise ValidationError(
            {
                "invitationId": ValidationError(
                    "This invitation is not waiting for approval.",
                    code=AccountError.NOT_AWAITING_APPROVAL,
                )
            }
        )
    now = timezone.now()
    invitation.approval_decided_by, invitation.approval_decided_at = actor, now
    if approve:
        code = _new_code()
        invitation.approval = Approval.APPROVED
        invitation.code_hash = hash_token(code)
        invitation.expires_at = now + settings.INVITATION_LIFETIME
        invitation.save()
        audit_record(actor=actor, action=Action.INVITATION_APPROVED, target=invitation)
        existing = User.objects.filter(email__iexact=invitation.email).exists()
        _send_on_commit(invitation, code, existing_account=existing)
    else:
        invitation.approval = Approval.REFUSED
        invitation.revoked_at = now
        invitation.save()
        audit_record(actor=actor, action=Action.INVITATION_REFUSED, target=invitation)
    return invitation


def _visible(inviter: User, person: User) -> bool:
    return people_visible_to(inviter, User.objects.filter(pk=person.pk)).exists()


def _clean_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": ValidationError("Enter a valid e-mail address.", code=AccountError.INVALID)}
        ) from exc
    max_length = User._meta.get_field("email").max_length
    if max_length is not None and len(email) > max_length:
        raise ValidationError(
            {"email": ValidationError("That address is too long.", code=AccountError.INVALID)}
        )
    return email


def _clean_name(name: str, *, required: bool) -> str:
    name = name.strip()
    if required and not name:
        raise ValidationError(
            {"fullName": ValidationError("Enter your name.", code=AccountError.REQUIRED)}
        )
    max_length = User._meta.get_field("full_name").max_length
    if max_length is not None and len(name) > max_length:
        raise ValidationError(
            {"fullName": ValidationError("That name is too long.", code=AccountError.INVALID)}
        )
    return name


def _send_invitation_email(invitation: Invitation, code: str) -> None:
    where = invitation.school or invitation.coordinated_district
    body = (
        f"Hello{' ' + invitation.full_name if invitation.full_name else ''},\n\n"
        f"{invitation.invited_by.full_name} invites you to the peer observation app for {where}.\n"
        f"Open the app, choose 'I have an invitation', and enter this code with your e-mail:\n\n"
        f"    {code[:4]}-{code[4:]}\n\n"
        f"The code works once and expires on {invitation.expires_at:%d %B %Y}.\n"
    )
    try:
        send_mail("Your invitation to peer observation", body, None, [invitation.email])
    except Exception:
        # The invitation stands; the inviter can invite again to send a fresh code.
        logger.exception("Could not send invitation %s", invitation.id)


def _ask_coordinators(invitation: Invitation, district_id: int) -> None:
    recipients = list(
        User.objects.filter(coordinated_district_id=district_id, is_active=True).values_list(
            "email", flat=True
        )
    )
    if not recipients:
        return
    body = (
        f"{invitation.invited_by.full_name} invited {invitation.email} to "
        f"{invitation.school or invitation.coordinated_district}. The address is outside your "
        "district's e-mail domains, so no code was sent. Open the app to approve or refuse "
        "the invitation (Invitations awaiting approval).\n"
    )
    try:
        send_mail("An invitation waits for your approval", body, None, recipients)
    except Exception:
        logger.exception("Could not ask coordinators about invitation %s", invitation.id)


def _send_existing_account_notice(invitation: Invitation) -> None:
    where = invitation.school or invitation.coordinated_district
    body = (
        f"{invitation.invited_by.full_name} invited this address to the peer observation app "
        f"for {where}, but it already has an account, so no code was sent. Sign in as usual; "
        "if you should join there, ask them or your coordinator to arrange it.\n"
    )
    try:
        send_mail("An invitation to peer observation", body, None, [invitation.email])
    except Exception:
        logger.exception("Could not send the notice for invitation %s", invitation.id)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    if not (actor.is_staff or invitation.invited_by_id == actor.id):
        raise PermissionDenied("Only the person who invited can withdraw the invitation.")
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=Action.INVITATION_REVOKED, target=invitation)
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    email: str,
    code: str,
    password: str,
    full_name: str,
    device_name: str,
    address: str,
) -> tuple[User, AccessToken, str]:
    """Create the account from an open invitation and sign the new person in."""
    email = email.strip().lower()
    # The slot is taken before the code is compared, so concurrent guesses cannot slip past.
    attempt = throttle_reserve(account_key=f"invite:{email}", address=address)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            approval__in=[Approval.NOT_NEEDED, Approval.APPROVED],
        )
        .first()
    )
    expected = invitation.code_hash if invitation else hash_token(_new_code())
    if invitation is None or not hmac.compare_digest(expected, hash_token(normalise_code(code))):
        raise ValidationError(
            {
                "code": ValidationError(
                    "This code does not match an invitation.", code=AccountError.INVALID_CODE
                )
            }
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            {
                "code": ValidationError(
                    "This invitation has expired. Ask for a new one.", code=AccountError.EXPIRED
                )
            }
        )
    name = _clean_name(full_name or invitation.full_name, required=True)
    candidate = User(email=email, full_name=name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError(
            {
                "password": [
                    ValidationError(m, code=AccountError.WEAK_PASSWORD) for m in exc.messages
                ]
            }
        ) from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=name,
                school=invitation.school,
                coordinated_district=invitation.coordinated_district,
                is_teacher_leader=invitation.as_teacher_leader,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {
                "email": ValidationError(
                    "This person already has an account.", code=AccountError.ALREADY_EXISTS
                )
            }
        ) from exc
    attempt.succeeded()
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    if invitation.approval == Approval.APPROVED and invitation.school is not None:
        # The coordinator vouched for this address: it may join the district's cohorts.
        OutsideDomainApproval.objects.get_or_create(
            district_id=invitation.school.district_id,
            person=user,
            defaults={
                "approved_by": invitation.approval_decided_by,
                "approved_at": invitation.approval_decided_at or timezone.now(),
            },
        )
    audit_record(actor=user, action=Action.INVITATION_ACCEPTED, target=invitation)
    token, raw = access_token_issue(user=user, device_name=device_name)
    return user, token, raw
