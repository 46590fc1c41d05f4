"""``send_kpi_reminders``: mail the founders whose startup has not submitted a requested
quarter's KPIs (due in 7 days, due today, overdue; each once). Run it daily (cron or a
systemd timer: ``docs/founders.md``); the rules are in ``portfolio.services.kpi_reminders``."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from portfolio.services.kpi_reminders import kpi_reminders_send


class Command(BaseCommand):
    help = (
        "Email founders about KPI requests due in 7 days, due today or overdue that their "
        "startup has not submitted; each reminder once per request, founder and kind."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD); default: today (Asia/Shanghai).",
        )

    def handle(self, *args, date=None, **options):
        run = kpi_reminders_send(on=date)
        self.stdout.write(f"sent {run.sent} reminders")
        if run.failed:
            raise CommandError(
                f"{len(run.failed)} reminders could not be sent (tried again next run): "
                + ", ".join(run.failed)
            )
