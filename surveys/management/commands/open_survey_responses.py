"""Open the sealed responses of every survey that has closed (or was cancelled).

The reminder worker does this about once a minute and reports open a survey on first read, so
this command is for operators: after restoring a key, or to open surveys without a worker.
"""

from django.core.management.base import BaseCommand

from surveys.services.responses import responses_open_due


class Command(BaseCommand):
    help = "Open the sealed responses of surveys that have closed; cancelled ones are discarded."

    def handle(self, *args, **options):
        opened = responses_open_due()
        self.stdout.write(f"Opened {opened} survey(s).")
