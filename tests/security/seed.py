"""Seed a live server's database with the authorization matrix's world; print what the tests
need (tokens of each kind of caller, global ids) as JSON.

    DATABASE_URL=... python -m tests.security.seed

Run by the fault tests and scripts/soak.py in a separate process, against the database the
live server (bench/server.py) uses.
"""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.db import transaction

    from backend.accounts.services.tokens import access_token_issue
    from tests.security.world import build_world

    extra = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    with transaction.atomic():
        world = build_world()
        tokens = {}
        for kind, user in world.users.items():
            if user is not None:
                tokens[kind] = access_token_issue(user=user, device_name=f"live {kind}")[1]
        teachers = _load_teachers(world, extra)
    ids = {
        "cohort": world.gid("Cohort", "cohort"),
        "done": world.gid("Visit", "done"),
        "proposed": world.gid("Visit", "proposed"),
        "accepted": world.gid("Visit", "accepted"),
        "host": world.gid("Person", "user_host"),
        "visitor": world.gid("Person", "user_visitor"),
        "notification": world.gid("Notification", "notification"),
        "survey": world.gid("SurveyAdministration", "survey"),
    }
    print(json.dumps({"tokens": tokens, "ids": ids, "teachers": teachers}))


def _load_teachers(world, count: int) -> list[dict]:
    """Extra teachers of the cohort's school for load generators: each signed in, visiting the
    next one's class in a visit that started a while ago (so it takes data and photos), with
    a few notifications in their inbox. Their visits never overlap (no double booking)."""
    from datetime import timedelta

    from django.utils import timezone

    from backend.accounts.services.tokens import access_token_issue
    from observations.models import VisitStatus
    from tests.factories import TeacherFactory
    from tests.notifications.factories import DeliveredNotificationFactory
    from tests.observations.factories import ToolFactory, visit

    if not count:
        return []
    now = timezone.now()
    people = [
        TeacherFactory(school=world.school_a1, full_name=f"Load teacher {index}")
        for index in range(count + 1)
    ]
    teachers = []
    for index, person in enumerate(people[:count]):
        tool = ToolFactory(owner=person, kind="SCRIPTING", definition={"prompts": []})
        started = now - timedelta(minutes=30 + 50 * index)
        own = visit(
            host=people[index + 1],
            visitor=person,
            tool=tool,
            status=VisitStatus.ACCEPTED,
            starts_at=started,
        )
        for _ in range(3):
            DeliveredNotificationFactory(recipient=person)
        teachers.append(
            {
                "token": access_token_issue(user=person, device_name="load")[1],
                "id": _gid("Person", person.pk),
                "visit": _gid("Visit", own.pk),
                "visit_starts_at": started.isoformat(),
                "next": _gid("Person", people[index + 1].pk),
            }
        )
    return teachers


def _gid(type_name: str, pk) -> str:
    from graphql_relay import to_global_id

    return to_global_id(type_name, pk)


if __name__ == "__main__":
    main()
