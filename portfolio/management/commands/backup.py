"""Write the whole database to one gzip-compressed JSON file (restore with `restore`).

The file is a JSON object: a header (``format``, ``version``, when it was written, the
migration state of every app, the number of rows of every model) and ``rows``, the
``dumpdata`` rows. `restore` refuses a file without the header or whose rows do not match
its counts. It holds password hashes, token digests and all fund data: the file is written
0600 and a folder it creates 0700, whatever the umask (bar R13).

Content types and permissions are not dumped: migrate recreates them, and rows that point
at them (groups' permissions) are written with natural keys, so the file loads into any
freshly migrated database of the same schema, SQLite or PostgreSQL.
"""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from portfolio.private_files import private_dir, private_writer

#: what a backup leaves out (apps and models): what ``migrate`` recreates, the logins
#: (sessions: credentials, and nothing a restore should bring back to life) and the API's
#: rate-limit counters (a minute's counts, meaningless once restored)
EXCLUDE = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "portfolio.browsersession",
    "portfolio.ratecounter",
    "admin.logentry",
]
FORMAT = "quantum-incubator-backup"
VERSION = 2


def migration_state() -> dict[str, list[str]]:
    """Every app's applied migrations, by name."""
    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def held(model) -> bool:
    """Whether a backup holds ``model``'s rows (``EXCLUDE``)."""
    return model._meta.app_label not in EXCLUDE and model._meta.label_lower not in EXCLUDE


def row_counts(rows: list[dict]) -> dict[str, int]:
    return dict(sorted(Counter(row["model"] for row in rows).items()))


class Command(BaseCommand):
    help = "Back up the whole database to a .json.gz file (mode 0600)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="file to write (default: backups/backup-<Asia/Shanghai timestamp>.json.gz)",
        )

    def handle(self, *args, path=None, **options):
        if path is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = Path("backups") / f"backup-{stamp}.json.gz"
        target = Path(path)
        private_dir(target.parent)
        buffer = io.StringIO()
        # One transaction: a consistent snapshot even while people keep working.
        with transaction.atomic():
            call_command(
                "dumpdata",
                exclude=EXCLUDE,
                natural_foreign=True,
                indent=None,
                stdout=buffer,
            )
            migrations = migration_state()
        rows = json.loads(buffer.getvalue())
        del buffer
        backup = {
            "format": FORMAT,
            "version": VERSION,
            "written_at": timezone.localtime().isoformat(),
            "migrations": migrations,
            "counts": row_counts(rows),
            "rows": rows,
        }
        with private_writer(target) as raw, gzip.GzipFile(fileobj=raw, mode="wb") as handle:
            handle.write(json.dumps(backup, ensure_ascii=False).encode("utf-8"))
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target} ({len(rows)} rows)"))
