"""Who may see which instruments and administrations, and the lists other apps read.

Roles around one administration:
- its **managers**: the leader who launched it and whoever currently leads its cohort (and staff)
  launch, edit, see who has not responded, read the report and write notes;
- **coordinators** of its school's district read the aggregated report and the response rate;
- **invitees** see it in their list and answer it once. Nobody sees anyone's answers.

A class's student voice survey (audience CLASS_CODES, issue 23) is its teacher's alone: no
leader, coordinator or staff member manages it or reads its report.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from backend.accounts import scope
from cohorts.models import Membership, Role

from .models import Administration, AudienceKind, Instrument, Invitee

# A class's students' survey: read by the teacher who launched it and nobody else.
_CLASS_SURVEY = Q(audience=AudienceKind.CLASS_CODES)


def _scoped(user, queryset: QuerySet, condition) -> QuerySet:
    """`scope.scoped`, except that staff, who see every school's surveys, do not see a
    teacher's class survey."""
    rows = scope.scoped(user, queryset, condition)
    if scope.signed_in(user) and user.is_staff:
        rows = rows.exclude(_CLASS_SURVEY & ~Q(created_by=user))
    return rows


def instruments_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The shipped instruments, and those built at your school (coordinators: district)."""
    queryset = Instrument.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, lambda user: Q(school__isnull=True) | scope.sees_into(user))


def _leads_cohort_of(user) -> Exists:
    return Exists(
        Membership.objects.filter(
            cohort=OuterRef("cohort_id"), person=user, role=Role.LEADER, ended_at__isnull=True
        )
    )


def managed_condition(user) -> Q:
    """Administrations `user` manages (signed-in, non-staff users)."""
    return Q(created_by=user) | Q(_leads_cohort_of(user))


def reported_condition(user) -> Q:
    """Administrations whose aggregated report `user` may read: managers and coordinators
    (never a class survey, which has no cohort: only its teacher manages it)."""
    return managed_condition(user) | (scope.oversees(user) & ~_CLASS_SURVEY)


def administrations_managed_by(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Administration.objects.all() if queryset is None else queryset
    return _scoped(user, queryset, managed_condition)


def administrations_reported_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Administration.objects.all() if queryset is None else queryset
    return _scoped(user, queryset, reported_condition)


def administrations_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Managers, coordinators, and the people invited to answer."""
    queryset = Administration.objects.all() if queryset is None else queryset
    return _scoped(user, queryset, _seen_condition)


def _seen_condition(user) -> Q:
    invited = Exists(Invitee.objects.filter(administration=OuterRef("pk"), person=user))
    return reported_condition(user) | Q(invited)


def can_manage(user, administration: Administration) -> bool:
    return administrations_managed_by(user).filter(pk=administration.pk).exists()


def can_read_report(user, administration: Administration) -> bool:
    return administrations_reported_to(user).filter(pk=administration.pk).exists()


def administrations_waiting_for(user, *, now=None, include_answered: bool = False) -> QuerySet:
    """What a person has been invited to answer and can answer now (or, with
    `include_answered`, everything they were invited to that has opened)."""
    now = now or timezone.now()
    invited = Invitee.objects.filter(administration=OuterRef("pk"), person=user)
    if not include_answered:
        invited = invited.filter(has_responded=False)
        window = Q(opens_at__lte=now, closes_at__gt=now)
    else:
        window = Q(opens_at__lte=now)
    return (
        Administration.objects.filter(window, Exists(invited), cancelled_at__isnull=True)
        .select_related("instrument")
        .order_by("closes_at", "id")
    )


# --- read by the notifications app ---------------------------------------------------------


def administrations_open(*, now=None) -> QuerySet:
    """Administrations accepting responses now (their windows are `opens_at`/`closes_at`)."""
    now = now or timezone.now()
    return Administration.objects.filter(
        opens_at__lte=now, closes_at__gt=now, cancelled_at__isnull=True
    )


def non_responders(administration: Administration) -> QuerySet:
    """The people invited who have not responded yet: for reminders, never for reports."""
    return get_user_model().objects.filter(
        Exists(
            Invitee.objects.filter(
                administration=administration, person=OuterRef("pk"), has_responded=False
            )
        )
    )
