"""Replace the database's contents with a backup written by `backup`, all or nothing.

Refused before anything is touched: a file without the backup header (format, version,
migration state, per-model counts), rows that do not match the header's counts, a backup
without users or stages (it would leave nobody able to log in and no pipeline), and a backup
of migrations this database has not applied. It then prints what it replaces (this
database's rows per model) and what it restores, and loads everything in one transaction:
when anything fails, the old data stays.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portfolio.management.commands.backup import (
    FORMAT,
    VERSION,
    held,
    migration_state,
    row_counts,
)
from portfolio.models import Startup
from portfolio.private_files import write_private

#: a backup must hold rows of these models, or the restored site is unusable
REQUIRED = {"auth.user": "users", "portfolio.stage": "stages"}


def read_backup(source: Path) -> dict:
    try:
        with gzip.open(source, "rt", encoding="utf-8") as handle:
            backup = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"{source} is not a readable backup: {error}") from error
    if not (
        isinstance(backup, dict)
        and backup.get("format") == FORMAT
        and isinstance(backup.get("rows"), list)
        and isinstance(backup.get("counts"), dict)
        and isinstance(backup.get("migrations"), dict)
    ):
        raise CommandError(
            f"{source} is not a backup written by `manage.py backup`: it has no backup "
            "header (format, version, migration state, counts)."
        )
    if backup.get("version") != VERSION:
        raise CommandError(
            f"{source} is a backup of format version {backup.get('version')!r}; "
            f"this version restores version {VERSION}."
        )
    rows = backup["rows"]
    if not all(isinstance(row, dict) and isinstance(row.get("model"), str) for row in rows):
        raise CommandError(f"{source}: a row is not a model row; the file is damaged.")
    if row_counts(rows) != backup["counts"]:
        raise CommandError(
            f"{source}: the rows do not match the header's counts; the file is damaged."
        )
    missing = [what for label, what in REQUIRED.items() if not backup["counts"].get(label)]
    if missing:
        raise CommandError(
            f"{source} holds no {' and no '.join(missing)}: restoring it would leave a "
            "database nobody can use. Refused."
        )
    applied = migration_state()
    ahead = sorted(
        f"{app}.{name}"
        for app, names in backup["migrations"].items()
        for name in names
        if name not in applied.get(app, [])
    )
    if ahead:
        raise CommandError(
            f"{source} was written by a newer schema; this database lacks the migrations "
            f"{', '.join(ahead)}. Run `manage.py migrate` first."
        )
    return backup


def current_counts() -> dict[str, int]:
    """This database's rows per model, for the models a backup holds."""
    counts = {}
    for model in apps.get_models():
        if held(model):
            counts[model._meta.label_lower] = model._default_manager.count()
    return counts


class Command(BaseCommand):
    help = "Restore a backup (.json.gz from `backup`); replaces all current data."

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup file written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data even though the database is not empty",
        )

    def handle(self, *args, path, force=False, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No backup file at {source}.")
        backup = read_backup(source)
        rows, counts = backup["rows"], backup["counts"]
        if Startup.objects.exists() and not force:
            raise CommandError(
                "The database already holds data; add --force to replace it with the backup."
            )
        before = current_counts()
        self.stdout.write(
            f"Backup of {backup.get('written_at', '?')}: {len(rows)} rows. "
            "Replacing (this database -> the backup):"
        )
        for label in sorted(set(before) | set(counts)):
            now, then = before.get(label, 0), counts.get(label, 0)
            if now or then:
                self.stdout.write(f"  {label:<32} {now:>8} -> {then:>8}")
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / "restore.json"
            write_private(fixture, json.dumps(rows).encode("utf-8"))
            # flush + loaddata in one transaction: a failed load leaves the old data in place.
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # TRUNCATE refuses to run while deferred foreign-key checks of this
                    # transaction are pending: check them now, defer again for the load.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=False)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                try:
                    call_command("loaddata", str(fixture), verbosity=0)
                except Exception as error:
                    raise CommandError(
                        f"{source} did not load ({error}); nothing was changed."
                    ) from error
                after = current_counts()
                wrong = sorted(
                    label for label, count in counts.items() if after.get(label) != count
                )
                if wrong:
                    raise CommandError(
                        f"{source}: after loading, the rows of {', '.join(wrong)} do not "
                        "match the backup; nothing was changed."
                    )
        self.stdout.write(self.style.SUCCESS(f"Restored {len(rows)} rows from {source}"))
