"""The demo district every app extends: one place that decides what `make run` shows.

Each app contributes a `demo.py` with `load(context)`; they run in dependency order inside one
transaction, only the first time.
"""

import importlib
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from backend.accounts.models import District, School, User
from backend.seeding.rows import Seeder

DEMO_PASSWORD = "observe-and-reflect"  # noqa: S105 (demo accounts only)
DEMO_DISTRICT_SLUG = "riverside-unified"
APP_DEMOS = (
    "cohorts.demo",
    "observations.demo",
    "surveys.demo",
    "notifications.demo",
    # Adds a third school and cohorts at other stages so the district map is worth a look.
    "networks.demo",
    "improvement.demo",
    # Last: the leader's pursuits count what every app above recorded.
    "credentials.demo",
)

PEER_NAMES = [
    "Amara Okafor", "Ben Whitaker", "Carmen Ruiz", "Dev Patel", "Elena Novak", "Farah Haddad",
    "Gabe Thompson", "Hana Sato", "Isaac Mensah", "Julia Kowalski", "Kofi Asante", "Lena Fischer",
]  # fmt: skip


@dataclass
class DemoContext:
    district: District
    schools: list[School]
    leader: User
    peers: list[User]
    coordinator: User
    admin: User
    other_school_teachers: list[User] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def load_demo() -> bool:
    """Create the demo data unless it exists. Returns whether it created anything."""
    if District.objects.filter(slug=DEMO_DISTRICT_SLUG).exists():
        return False
    context = _load_people()
    for module_name in APP_DEMOS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.load(context)
    return True


def _load_people() -> DemoContext:
    district = District.objects.create(name="Riverside Unified", slug=DEMO_DISTRICT_SLUG)
    maple = School.objects.create(
        district=district, name="Maple Elementary", time_zone="America/Chicago"
    )
    harbor = School.objects.create(
        district=district, name="Harbor Middle School", time_zone="America/Los_Angeles"
    )

    seeder = Seeder()
    password = make_password(DEMO_PASSWORD)  # hashed once, for everyone

    def person(email, name, **fields):
        return seeder.person(email=email, password=password, full_name=name, **fields)

    leader = person("leader@demo.school", "Rosa Delgado", school=maple, is_teacher_leader=True)
    peers = [
        person(f"peer{n:02d}@demo.school", name, school=maple)
        for n, name in enumerate(PEER_NAMES, start=1)
    ]
    coordinator = person("coordinator@demo.school", "Marcus Bell", coordinated_district=district)
    admin = person("admin@demo.school", "Service Admin", is_staff=True, is_superuser=True)
    harbor_leader = person(
        "harbor.leader@demo.school", "Noah Kim", school=harbor, is_teacher_leader=True
    )
    harbor_peers = [
        person(f"harbor{n:02d}@demo.school", f"Harbor Teacher {n}", school=harbor)
        for n in range(1, 7)
    ]
    seeder.save()
    return DemoContext(
        district=district,
        schools=[maple, harbor],
        leader=leader,
        peers=peers,
        coordinator=coordinator,
        admin=admin,
        other_school_teachers=[harbor_leader, *harbor_peers],
    )
