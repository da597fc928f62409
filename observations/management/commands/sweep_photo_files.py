"""Delete photo files that no photo row names (run daily, e.g. from cron).

Uploads delete their own files when they fail; this is the net for a process that died
between writing the files and committing the row.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from observations.photo_files import sweep_unreferenced


class Command(BaseCommand):
    help = "Delete photo files that no photo refers to and that are older than --hours."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=24,
            help="Only files older than this many hours (younger ones may still be committing).",
        )

    def handle(self, *args, hours: int, **options):
        deleted = sweep_unreferenced(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} unreferenced photo file(s).")
