"""Reads of the improvement library: entries, their questions and answers (design §3).

Who sees an entry:
- a teacher in its scope sees it while it is live: a SCHOOL entry the teachers of that school
  (teacher leaders too), a DISTRICT entry the teachers of every school of that district;
- its owner always sees it, unpublished too (the questions asked stay theirs);
- nobody else: not signed out, not a coordinator or staff by role (they get counts elsewhere,
  never content), not a teacher of another school or district.

Whoever sees an entry sees its questions and answers, with the asker's name: a question is
asked of a colleague in the open, like a comment in a staff room, and the owner needs to know
whom they answer. Teachers are named as everywhere else in the app (`Person`).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from backend.accounts import scope

from .models import LibraryEntry, LibraryQuestion, LibraryScope


def in_scope(viewer) -> Q:
    """Live entries `viewer` reaches as a teacher (nothing for anyone without a school)."""
    if not viewer.school_id:
        return scope.NOTHING
    return Q(unpublished_at__isnull=True) & (
        Q(scope=LibraryScope.SCHOOL, school_id=viewer.school_id)
        | Q(scope=LibraryScope.DISTRICT, district__schools=viewer.school_id)
    )


def entries_visible_to(viewer, queryset: QuerySet | None = None) -> QuerySet:
    queryset = LibraryEntry.objects.all() if queryset is None else queryset
    if not scope.signed_in(viewer):
        return queryset.none()
    return queryset.filter(in_scope(viewer) | Q(owner_id=viewer.pk))


def entries_in_scope_of(viewer, queryset: QuerySet | None = None) -> QuerySet:
    """Live entries a colleague may ask about: in scope, not the viewer's own."""
    queryset = LibraryEntry.objects.all() if queryset is None else queryset
    if not scope.signed_in(viewer):
        return queryset.none()
    return queryset.filter(in_scope(viewer)).exclude(owner_id=viewer.pk)


def library_of(viewer, library_scope: str | None = None) -> QuerySet:
    """The library a teacher browses: live entries in scope, their own live ones included,
    newest first; `library_scope` keeps one scope."""
    entries = entries_visible_to(viewer).filter(unpublished_at__isnull=True)
    if library_scope:
        entries = entries.filter(scope=library_scope)
    return entries.select_related("owner__school", "pdsa").order_by("-published_at", "-id")


def live_entries_of_owner(owner_id: int) -> dict[int, LibraryEntry]:
    """Every live entry of the owner by cycle id (one query; the owner reads them)."""
    entries = with_questions(
        LibraryEntry.objects.filter(owner_id=owner_id, unpublished_at__isnull=True).select_related(
            "owner__school"
        )
    )
    return {entry.pdsa_id: entry for entry in entries}


def questions_of(entry_ids) -> QuerySet:
    """The questions of the entries (already checked visible), oldest first, with their
    askers and answers."""
    return (
        LibraryQuestion.objects.filter(entry_id__in=entry_ids)
        .select_related("asker__school", "answer")
        .order_by("asked_at", "id")
    )


def with_questions(entries: QuerySet) -> QuerySet:
    """Entries with their questions, askers and answers fetched: three queries for a page."""
    return entries.prefetch_related(
        Prefetch(
            "questions",
            queryset=LibraryQuestion.objects.select_related("asker__school", "answer").order_by(
                "asked_at", "id"
            ),
        )
    )
