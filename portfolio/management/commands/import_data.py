"""Bulk import from the command line: the same checks and rules as the admin import page.

manage.py import_data startups path/to/startups.xlsx --dry-run
manage.py import_data rounds rounds.csv --user staff
manage.py import_data kpi kpi.csv
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portfolio.management.users import user_named
from portfolio.services import importing


class Command(BaseCommand):
    help = "Import startups, funding rounds (with participants) or KPI reports from CSV/XLSX."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importing.IMPORTERS))
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--user", help="username recorded as the author in the history")

    def handle(self, *args, kind, path, dry_run, user, **options):
        author = user_named(user) if user else None
        try:
            importing.check_upload_size(path.stat().st_size)  # before reading it
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except ValidationError as error:
            raise CommandError(f"{path.name}: {error.messages[0]}") from None
        result = importing.run_import(kind, content, path.name, dry_run=dry_run, user=author)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name}: {len(result.errors)} problem(s) in the file; nothing was written."
            )
        if dry_run:
            self.stdout.write(f"{path.name}: {result.rows} row(s) pass every check (dry run).")
        else:
            self.stdout.write(self.style.SUCCESS(f"{path.name}: {result.written} row(s) imported."))
