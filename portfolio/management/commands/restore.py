"""Replace the database's contents with a backup written by `backup`, all or nothing."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portfolio.models import Startup


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
        try:
            with gzip.open(source, "rt", encoding="utf-8") as handle:
                rows = json.load(handle)
        except (OSError, EOFError, json.JSONDecodeError) as error:
            raise CommandError(f"{source} is not a readable backup: {error}") from error
        if not isinstance(rows, list):
            raise CommandError(f"{source} is not a backup written by `manage.py backup`.")
        if Startup.objects.exists() and not force:
            raise CommandError(
                "The database already holds data; add --force to replace it with the backup."
            )
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / "restore.json"
            fixture.write_text(json.dumps(rows), encoding="utf-8")
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
                call_command("loaddata", str(fixture), verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Restored {len(rows)} rows from {source}"))
