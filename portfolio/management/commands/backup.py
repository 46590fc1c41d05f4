"""Write the whole database to one gzip-compressed JSON file (restore with `restore`).

Content types and permissions are not dumped: migrate recreates them, and rows that point
at them (groups' permissions) are written with natural keys, so the file loads into any
freshly migrated database of the same schema, SQLite or PostgreSQL.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class Command(BaseCommand):
    help = "Back up the whole database to a .json.gz file."

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
        target.parent.mkdir(parents=True, exist_ok=True)
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
        partial = target.with_suffix(target.suffix + ".partial")
        with gzip.open(partial, "wt", encoding="utf-8") as handle:
            handle.write(buffer.getvalue())
        partial.replace(target)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))
