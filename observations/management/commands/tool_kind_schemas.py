"""Write (or check) the JSON Schemas of the tool kinds under schema/tool-kinds/.

They are generated from the shapes the server validates with (observations/tool_kinds), so
run this after changing a kind; `--check` fails when the committed files are stale (CI and
tests/observations/test_tool_kind_json_schema.py do the same)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from observations.tool_kinds.published import published_files

DEFAULT_DIR = Path(settings.BASE_DIR) / "schema" / "tool-kinds"


class Command(BaseCommand):
    help = "Write the tool kinds' JSON Schemas to schema/tool-kinds/ (or --check them)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="Where to write.")
        parser.add_argument(
            "--check", action="store_true", help="Only compare; fail when a file is stale."
        )

    def handle(self, *args, dir: Path, check: bool, **options):
        files = published_files()
        stale = sorted(
            name
            for name, text in files.items()
            if not (dir / name).exists() or (dir / name).read_text(encoding="utf-8") != text
        )
        extra = (
            sorted(p.name for p in dir.glob("*.json") if p.name not in files)
            if dir.exists()
            else []
        )
        if check:
            if stale or extra:
                raise CommandError(
                    f"Stale tool kind schemas in {dir}: {', '.join(stale + extra)}. "
                    "Run `manage.py tool_kind_schemas`."
                )
            self.stdout.write(f"{len(files)} tool kind schemas are up to date.")
            return
        dir.mkdir(parents=True, exist_ok=True)
        for name in extra:
            (dir / name).unlink()
        for name, text in files.items():
            (dir / name).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {len(files)} tool kind schemas to {dir}.")
