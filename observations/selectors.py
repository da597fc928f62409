"""Who may see what of the reflection cycle.

Two views of a visit:
- its *content* (`visits_visible_to`): SLQ, tool, notes, data, reflection sheet; host and
  visitors only. Not staff, not the cohort leader, not coordinators.
- its *summary* (`visit_summaries_visible_to`): who, when, status, cycle; also the current
  leader of the visit's cohort, the coordinators of the host's district, and staff.
A reflection sheet the host shared is readable by the current members of the visit's cohort.
A photo is content: it is seen by whoever may read what it is attached to (see
`photos_visible_to`).
"""

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from backend.accounts import scope
from backend.accounts.models import User
from cohorts.models import Membership, Role

from .models import (
    ACTIVE_STATUSES,
    ObservationEntry,
    Photo,
    ReflectionSheet,
    Sharing,
    StudentLearningQuestion,
    TimetablePeriod,
    Tool,
    Visit,
    VisitParticipant,
    VisitRole,
)


def _participates(user, visit_ref: str = "pk") -> Exists:
    return Exists(VisitParticipant.objects.filter(visit_id=OuterRef(visit_ref), person=user))


def visits_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Visits whose content `user` may read: the ones they host or visit."""
    queryset = Visit.objects.all() if queryset is None else queryset
    if not scope.signed_in(user):
        return queryset.none()
    return queryset.filter(_participates(user))


def led_cohort_ids(user) -> QuerySet:
    return Membership.objects.filter(person=user, role=Role.LEADER, ended_at__isnull=True).values(
        "cohort_id"
    )


def visit_summaries_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Visits `user` may know happened (who, when, status): participants, the leader of the
    visit's cohort, the coordinators of the host's district, staff."""
    queryset = Visit.objects.all() if queryset is None else queryset
    return scope.scoped(
        user,
        queryset,
        lambda user: (
            Q(_participates(user)) | Q(cohort_id__in=led_cohort_ids(user)) | scope.oversees(user)
        ),
    )


def visit_teachers_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """The people `user` may name as a visit's host or visitor: active teachers of any school
    of their district, since visits cross schools (someone without a school, such as a
    coordinator, does not teach); staff: any school's."""
    queryset = User.objects.all() if queryset is None else queryset
    teachers = queryset.filter(is_active=True, school__isnull=False).select_related("school")
    return scope.scoped(user, teachers, scope.in_district)


def participant_role(visit: Visit, user) -> str | None:
    """HOST, VISITOR or None, from prefetched participants when there are some."""
    if not scope.signed_in(user):
        return None
    cache = getattr(visit, "_prefetched_objects_cache", {}).get("participants")
    if cache is not None:
        return next((p.role for p in cache if p.person_id == user.pk), None)
    return (
        VisitParticipant.objects.filter(visit=visit, person=user)
        .values_list("role", flat=True)
        .first()
    )


def visit_list_queryset(queryset: QuerySet | None = None) -> QuerySet:
    """What a list of visits needs in a constant number of queries: people, SLQ, tool, sheet.

    SLQ, tool and sheet come by prefetch rather than joins: with the visibility filters, each
    join made PostgreSQL's join-order search dearer, and planning the joined query took
    ~20 ms against under 1 ms to run it; three small queries cost ~1 ms together."""
    queryset = Visit.objects.all() if queryset is None else queryset
    entry_total = (
        ObservationEntry.objects.filter(visit_id=OuterRef("pk"))
        .order_by()
        .values("visit_id")
        .annotate(total=Count("id"))
        .values("total")
    )
    return (
        queryset.select_related("host__school", "school")
        .annotate(entry_total=Coalesce(Subquery(entry_total), 0))
        .prefetch_related(
            "slq",
            "tool",
            "reflection_sheet",
            Prefetch(
                "participants",
                queryset=VisitParticipant.objects.select_related("person__school").order_by(
                    "role", "id"
                ),
            ),
        )
    )


def with_entries_in_order(queryset: QuerySet) -> QuerySet:
    """Prefetch each visit's entries in recorded order (as `entries_in_order`), for lists that
    summarise the data of every visit."""
    return queryset.prefetch_related(
        Prefetch(
            "entries",
            queryset=ObservationEntry.objects.select_related("submitted_by__school").order_by(
                "recorded_at", "id"
            ),
            to_attr="entries_in_order",
        )
    )


def visits_of_person(person, *, roles=(VisitRole.HOST, VisitRole.VISITOR)) -> QuerySet:
    """A person's visits, as host or visitor (e.g. for a calendar feed), soonest first."""
    return Visit.objects.filter(
        Exists(
            VisitParticipant.objects.filter(
                visit_id=OuterRef("pk"), person=person, role__in=list(roles)
            )
        )
    ).order_by("starts_at", "id")


def busy_ranges(people, *, start, end, exclude_visit_id: int | None = None) -> list[tuple]:
    """(person_id, starts_at, ends_at) of active visits overlapping [start, end)."""
    rows = VisitParticipant.objects.filter(
        person__in=people, is_active=True, starts_at__lt=end, ends_at__gt=start
    )
    if exclude_visit_id is not None:
        rows = rows.exclude(visit_id=exclude_visit_id)
    return list(rows.values_list("person_id", "starts_at", "ends_at"))


def slqs_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The host's own, the peer who helped craft it, and the visitors of visits that use it."""
    queryset = StudentLearningQuestion.objects.all() if queryset is None else queryset
    if not scope.signed_in(user):
        return queryset.none()
    in_visit = Exists(VisitParticipant.objects.filter(visit__slq_id=OuterRef("pk"), person=user))
    return queryset.filter(Q(host=user) | Q(crafted_with=user) | Q(in_visit))


def tools_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The library, your own, those shared with your school or district, and the tools of your
    visits. Coordinators see what is shared in their district."""
    queryset = Tool.objects.all() if queryset is None else queryset
    return scope.scoped(user, queryset, _tool_condition)


def _tool_condition(user) -> Q:
    in_visit = Exists(VisitParticipant.objects.filter(visit__tool_id=OuterRef("pk"), person=user))
    return (
        Q(sharing=Sharing.LIBRARY)
        | Q(owner=user)
        | Q(in_visit)
        | (Q(sharing=Sharing.SCHOOL) & scope.sees_into(user))
        | (Q(sharing=Sharing.DISTRICT) & scope.in_district(user))
    )


def current_slq_of(host) -> StudentLearningQuestion | None:
    """The host's current Student Learning Question: the newest one not replaced or dropped."""
    return (
        StudentLearningQuestion.objects.filter(host=host, retired_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def shares_cohort(person, other) -> bool:
    """Whether both are current members of one cohort (its leader, blue or yellow dots)."""
    theirs = Membership.objects.filter(person=other, ended_at__isnull=True).values("cohort_id")
    return Membership.objects.filter(
        person=person, ended_at__isnull=True, cohort_id__in=theirs
    ).exists()


def hosts_chosen_tools(host, slq: StudentLearningQuestion | None) -> QuerySet:
    """The tools the host chose for `slq` (one of theirs): crafted for it and visible to the
    host themselves (their own, one shared with them, or one already used in a visit of
    theirs). Newest first."""
    if slq is None or slq.host_id != host.pk:
        return Tool.objects.none()
    return tools_visible_to(host, Tool.objects.filter(slq=slq)).order_by("-created_at", "-pk")


def tools_attachable_to_visit(actor, host, slq: StudentLearningQuestion | None) -> QuerySet:
    """The tools `actor` may attach when proposing a visit to `host` about `slq`: those they
    can see, and, when they share a cohort with the host (the people the programme has visit
    each other), the host's chosen ones for that question."""
    visible = Q(pk__in=tools_visible_to(actor).values("pk"))
    if not shares_cohort(actor, host):
        return Tool.objects.filter(visible)
    return Tool.objects.filter(visible | Q(pk__in=hosts_chosen_tools(host, slq).values("pk")))


def reflection_sheets_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Participants of the visit; and, once the host shared it, the visit's cohort's current
    members (leader, blue and yellow dots). Never coordinators or staff by role alone."""
    queryset = ReflectionSheet.objects.all() if queryset is None else queryset
    if not scope.signed_in(user):
        return queryset.none()
    in_cohort = Exists(
        Membership.objects.filter(
            cohort_id=OuterRef("visit__cohort_id"), person=user, ended_at__isnull=True
        )
    )
    return queryset.filter(_participates(user, "visit_id") | Q(in_cohort, shared_with_cohort=True))


def room_photo_tools_of(user, queryset: QuerySet | None = None) -> QuerySet:
    """Tools whose room photo `user` may see: a room photo shows one teacher's classroom, so
    sharing the tool as a template (with a school, a district, the staff) does not share it.
    Its owner and the people of visits that use the tool see it."""
    queryset = Tool.objects.all() if queryset is None else queryset
    if not scope.signed_in(user):
        return queryset.none()
    in_visit = Exists(VisitParticipant.objects.filter(visit__tool_id=OuterRef("pk"), person=user))
    return tools_visible_to(user, queryset).filter(Q(owner=user) | Q(in_visit))


def photos_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Photos are content: a visit's for its host and visitors, a question's for whoever sees
    the question, a reflection sheet's by the sheet's sharing rule, a tool's room photo for
    its owner and the people of its visits. Never for a leader, coordinator or staff by role."""
    queryset = Photo.objects.all() if queryset is None else queryset
    if not scope.signed_in(user):
        return queryset.none()
    return queryset.filter(
        Q(visit__in=visits_visible_to(user).values("pk"))
        | Q(slq__in=slqs_visible_to(user).values("pk"))
        | Q(reflection_sheet__in=reflection_sheets_visible_to(user).values("pk"))
        | Q(tool__in=room_photo_tools_of(user).values("pk"))
    )


def photo_list_queryset(user) -> QuerySet:
    """Photos `user` may see, with what the Photo type reads (uploader, the owner of what it
    is attached to), in the order they were added."""
    return (
        photos_visible_to(user)
        .select_related("uploaded_by__school", "visit", "slq", "reflection_sheet", "tool")
        .order_by("created_at", "id")
    )


def timetable_of(person) -> QuerySet:
    return TimetablePeriod.objects.filter(person=person).select_related("bell_period")


def next_cycle_number(host) -> int:
    """The cycle a new visit to `host` belongs to when the proposer does not say: the host's
    latest cycle while it is under way (it has active visits and no reflection sheet yet),
    else the one after it (1 for a first visit)."""
    latest = highest_cycle_number(host)
    if latest == 0:
        return 1
    reflected = ReflectionSheet.objects.filter(host=host, cycle_number=latest).exists()
    return latest + 1 if reflected else latest


def highest_cycle_number(host) -> int:
    """The highest cycle of the host's active visits (0 when there are none)."""
    found = Visit.objects.filter(host=host, status__in=list(ACTIVE_STATUSES)).aggregate(
        highest=Max("cycle_number")
    )
    return found["highest"] or 0
