"""Load the demo district: idempotent, so `make run` can call it every time."""

from django.core.management.base import BaseCommand
from django.db import transaction

from backend.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create the demo district, schools, people and (as apps add them) cohorts and visits."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        with transaction.atomic():
            created = load_demo()
        if quiet:
            return
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already present.")
        self.stdout.write(
            "Sign in as leader@demo.school, coordinator@demo.school or any peer "
            f"(peer01@demo.school ... peer12@demo.school) with password {DEMO_PASSWORD!r}; "
            "admin: admin@demo.school."
        )
