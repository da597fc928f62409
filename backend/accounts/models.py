"""People and the organisations they belong to: districts, schools, users, sign-in tokens,
invitations."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from backend.accounts.errors import AccountError
from backend.accounts.search import SEARCH_NAME_LENGTH, search_name


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"{value!r} is not an IANA time zone.", code=AccountError.INVALID_TIME_ZONE
        )


class District(models.Model):
    name = models.CharField(max_length=200, help_text="The district's name.")
    slug = models.SlugField(max_length=80, unique=True, help_text="Short unique name for URLs.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200, help_text="The school's name.")
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text="IANA time zone, e.g. America/Chicago. Visits and reminders use it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="school_name_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class UserQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # `save()` is skipped by bulk inserts (the seeders'): keep the search form right here.
        objs = list(objs)
        for user in objs:
            user.search_name = search_name(user.full_name)
        return super().bulk_create(objs, *args, **kwargs)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]  # from_queryset makes a class the stubs cannot follow
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Roles are derived from what they belong to:
    a teacher has a school, a coordinator coordinates a district, staff run the service."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    search_name = models.CharField(
        max_length=SEARCH_NAME_LENGTH,
        editable=False,
        default="",
        help_text="The name folded for search (backend.accounts.search); kept by save().",
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="teachers"
    )
    coordinated_district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinators",
        help_text="Set for district coordinators: they see the whole district, read only.",
    )
    is_teacher_leader = models.BooleanField(
        default=False, help_text="May create cohorts and invite teachers into their school."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(is_teacher_leader=False) | models.Q(school__isnull=False),
                name="teacher_leader_has_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def save(self, *args, **kwargs):
        self.search_name = search_name(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def district_id_for_scope(self) -> int | None:
        """The district whose data this person may see at most."""
        if self.coordinated_district_id:
            return self.coordinated_district_id
        return self.school.district_id if self.school is not None else None

    @property
    def is_coordinator(self) -> bool:
        return self.coordinated_district_id is not None


class AccessToken(models.Model):
    """A phone's sign-in. Only a hash of the token is kept, so a database leak signs nobody in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    device_name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_used_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.device_name} ({self.user_id})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and self.last_used_at + settings.ACCESS_TOKEN_IDLE_TIMEOUT > now
            and self.user.is_active
        )


class DistrictEmailDomain(models.Model):
    """An e-mail domain the district's accounts belong to. A district with none is unrestricted;
    with some, an invitation to another address waits for a coordinator's approval, and a person
    at another address joins no cohort of the district until a coordinator approves them (a
    leader must not be able to populate a survey audience with accounts they control)."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(max_length=253, help_text="Lower case, e.g. district.org.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["district_id", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["district", "domain"], name="district_domain_once"),
        ]

    def __str__(self) -> str:
        return self.domain


class OutsideDomainApproval(models.Model):
    """A coordinator (or staff) vouched for a person whose address is outside the district's
    domains: they may join the district's cohorts."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="outside_domain_approvals"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="domain_approvals"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "person"], name="domain_approval_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} approved in {self.district_id}"


class Approval(models.TextChoices):
    NOT_NEEDED = "NOT_NEEDED", "Within the district's domains (or unrestricted)"
    AWAITING = "AWAITING", "Waiting for a coordinator"
    APPROVED = "APPROVED", "Approved by a coordinator"
    REFUSED = "REFUSED", "Refused by a coordinator"


class Invitation(models.Model):
    """An invitation to join, accepted with a one-time code sent by e-mail. One outside the
    district's e-mail domains waits for a coordinator (`approval`); its code is made and sent
    only once approved, so no invitee holds a code that cannot work."""

    email = models.EmailField()
    full_name = models.CharField(
        max_length=200, blank=True, help_text="The invitee's name as the inviter gave it."
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    coordinated_district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    as_teacher_leader = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approval = models.CharField(
        max_length=10, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    approval_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approval_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(school__isnull=False)
                | models.Q(coordinated_district__isnull=False),
                name="invitation_has_scope",
            ),
            # One open invitation per address: inviting again replaces the code.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_open(self) -> bool:
        return (
            self.approval in (Approval.NOT_NEEDED, Approval.APPROVED)
            and self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
