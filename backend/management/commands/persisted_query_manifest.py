"""Write (or check) the persisted query manifest of the app's operations.

`manage.py persisted_query_manifest` reads `client/operations/*.graphql` and writes
`client/persisted-query-manifest.json` (Apollo's manifest format, see backend/graphql/manifest.py),
the documents the server runs in allow-list mode (`GRAPHQL_PERSISTED_QUERIES=allowlist`).
`--check` writes nothing and exits 1 when the committed file differs (CI's test does the same).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backend.graphql.manifest import build_manifest

OPERATIONS = Path(settings.BASE_DIR) / "client" / "operations"
MANIFEST = Path(settings.BASE_DIR) / "client" / "persisted-query-manifest.json"


def manifest_text(folder: Path = OPERATIONS) -> str:
    return json.dumps(build_manifest(folder), indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write client/persisted-query-manifest.json from client/operations (--check: compare)."

    def add_arguments(self, parser):
        parser.add_argument("--operations", default=str(OPERATIONS), help="folder of .graphql")
        parser.add_argument("--out", default=str(MANIFEST), help="manifest file to write")
        parser.add_argument("--check", action="store_true", help="fail if the file is stale")

    def handle(self, *args, operations, out, check, **options):
        text = manifest_text(Path(operations))
        target = Path(out)
        if check:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                raise CommandError(
                    f"{target} is stale: run `manage.py persisted_query_manifest` and commit it."
                )
            self.stdout.write(f"{target} is up to date.")
            return
        target.write_text(text, encoding="utf-8")
        count = len(json.loads(text)["operations"])
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} operations to {target}."))
