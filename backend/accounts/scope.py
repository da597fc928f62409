"""Who may see what in a school or district: each role's reach, written once.

Every selector that filters by school or district builds its filter from these pieces, so what
a role reaches is decided here and nowhere else:

- signed out: nothing; staff: everything (`scoped`);
- a teacher (and a teacher leader) *sees into* their own school (`sees_into`): what is shared
  with the school, its people, its protocols and instruments; cohorts and visits only by taking
  part in them (the selectors add that);
- a district coordinator *oversees* every school of their district (`oversees`), read only:
  they see into each of those schools, and also see the cohorts, visit summaries and survey
  reports there, which a teacher sees only by taking part;
- what is shared with a district reaches everyone whose district it is (`in_district`): the
  district a person coordinates, else their school's (`User.district_id_for_scope`);
- people: yourself, your school's, and for a coordinator everyone under their district, its
  other coordinators included (`people_seen`, `oversees_people`).

Conditions take `school`, the path from the filtered model to its School ("school",
"cohort__school"), and return a `Q`. A condition a person cannot meet is `NOTHING`: Django
leaves it out of an OR (the SQL is the same as without it) and answers a filter on it alone
without a query. A resolver holding one loaded row asks the same rule with `sees_person`,
`oversees_row` and `in_district_row` instead of comparing ids itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from .models import District, School

NOTHING = Q(pk__in=[])
"""A condition no row meets."""


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def scoped(user, queryset: QuerySet, condition: Callable[[Any], Q]) -> QuerySet:
    """`queryset` as `user` may see it: nothing when signed out, everything for staff, else the
    rows that meet `condition(user)` (called only for a signed-in person who is not staff)."""
    if not signed_in(user):
        return queryset.none()
    if user.is_staff:
        return queryset
    return queryset.filter(condition(user))


def own_school(user, school: str = "school") -> Q:
    """The school at `school` is the person's own."""
    return Q(**{f"{school}_id": user.school_id}) if user.school_id else NOTHING


def oversees(user, school: str = "school") -> Q:
    """The school at `school` is one of the district this person coordinates."""
    district_id = user.coordinated_district_id
    return Q(**{f"{school}__district_id": district_id}) if district_id else NOTHING


def sees_into(user, school: str = "school") -> Q:
    """The school at `school` is one the person sees into: their own, and for a coordinator
    every school of their district."""
    return own_school(user, school) | oversees(user, school)


def in_district(user, district: str = "school__district_id") -> Q:
    """The district id at `district` ("pk" for a District, "district_id" for a School) is the
    person's district: what is shared with a district reaches them."""
    district_id = user.district_id_for_scope
    return Q(**{district: district_id}) if district_id else NOTHING


# --- people -----------------------------------------------------------------------------------


def oversees_people(
    user, school: str = "school", coordinated_district: str = "coordinated_district_id"
) -> Q:
    """People (or invitations of people) under the district this person coordinates: at one
    of its schools (`school`), or coordinating it (`coordinated_district`, where the row keeps
    the id of the district its person coordinates)."""
    district_id = user.coordinated_district_id
    if not district_id:
        return NOTHING
    return oversees(user, school) | Q(**{coordinated_district: district_id})


def people_seen(user) -> Q:
    """People `user` sees: themselves, the people of their school, and for a coordinator the
    people under their district (`oversees_people`). `sees_person` is the same rule on one
    loaded row."""
    return Q(pk=user.pk) | own_school(user) | oversees_people(user)


def sees_person(viewer, person) -> bool:
    """`people_seen` for one person already loaded: no query, except one per request for a
    coordinator (the ids of their district's schools, kept on the viewer object)."""
    if not signed_in(viewer):
        return False
    if viewer.pk == person.pk or viewer.is_staff:
        return True
    if viewer.school_id and viewer.school_id == person.school_id:
        return True
    if viewer.coordinated_district_id:
        if person.coordinated_district_id == viewer.coordinated_district_id:
            return True
        return person.school_id in overseen_school_ids(viewer)
    return False


def overseen_school_ids(user) -> frozenset[int]:
    """The ids of the schools a coordinator oversees (empty for anyone else, without a query).

    Kept on the user object, which lives for one request: one query per request, not per row."""
    if not user.coordinated_district_id:
        return frozenset()
    cached = getattr(user, "_overseen_school_ids", None)
    if cached is None:
        cached = frozenset(
            School.objects.filter(district_id=user.coordinated_district_id).values_list(
                "id", flat=True
            )
        )
        user._overseen_school_ids = cached
    return cached


# --- one loaded row ---------------------------------------------------------------------------
# The conditions above filter querysets; these ask the same of one row a resolver already has,
# staff included as `scoped` includes them. `district` is the dotted path from the row to a
# district id ("school.district_id" for a cohort, "district_id" for a school, "id" for a
# district); it is followed only when the answer depends on it, so a school not loaded costs
# no query to anyone else.


def _district_of(row, district: str):
    for name in district.split("."):
        row = getattr(row, name)
    return row


def oversees_row(user, row, district: str = "school.district_id") -> bool:
    """`scoped(user, ..., oversees)` on one row: staff, or the coordinator of its district."""
    if not signed_in(user):
        return False
    if user.is_staff:
        return True
    district_id = user.coordinated_district_id
    return bool(district_id) and _district_of(row, district) == district_id


def in_district_row(user, row, district: str = "school.district_id") -> bool:
    """`scoped(user, ..., in_district)` on one row: staff, or someone whose district it is."""
    if not signed_in(user):
        return False
    if user.is_staff:
        return True
    district_id = user.district_id_for_scope
    return district_id is not None and _district_of(row, district) == district_id


def belongs_at(person, school) -> bool:
    """Whether `person` belongs where `school` is, by their place alone (being staff does not
    count): they teach there, or it is a school of their district (the one they coordinate,
    else their school's). Who may be invited to a meeting of the school's cohort."""
    if person.school_id == school.pk:
        return True
    district_id = person.district_id_for_scope
    return district_id is not None and district_id == school.district_id


def reads_district_counts(viewer, district_id: int, school_id: int | None = None) -> bool:
    """Whether `viewer` may read a district's (or one of its schools') counts of activity
    (credentials, improvement): staff, and the coordinators of the district, for a district
    that exists and a school in it. Callers answer every refusal alike (null)."""
    if not signed_in(viewer) or not viewer.is_active:
        return False
    if not (viewer.is_staff or viewer.coordinated_district_id == district_id):
        return False
    if not District.objects.filter(pk=district_id).exists():
        return False
    return (
        school_id is None or School.objects.filter(pk=school_id, district_id=district_id).exists()
    )
