"""Print a new survey sealing key (private, base64) and its public key id.

Put the key in SURVEY_SEALING_KEY, kept with the other secrets and never in the database, its
backups or its WAL archive. To rotate: move the old key to SURVEY_SEALING_RETIRED_KEYS and set
the new one; drop the old key once no survey sealed with it is still unopened.
"""

import base64

from django.core.management.base import BaseCommand
from nacl.public import PrivateKey

from surveys.sealing import generate_key, key_id


class Command(BaseCommand):
    help = "Print a new private key for SURVEY_SEALING_KEY (and its public key id on stderr)."

    def handle(self, *args, **options):
        key = generate_key()
        public = PrivateKey(base64.b64decode(key)).public_key
        self.stderr.write(f"Public key id: {key_id(public)}")
        self.stdout.write(key)
