"""Reminder mails about founders' quarterly KPIs (issue 15; ``manage.py send_kpi_reminders``,
run daily from cron or a systemd timer: ``docs/founders.md``).

A founder of a startup that a request asks, and that has nothing submitted (or approved)
for the quarter yet -- a returned submission counts as nothing: it waits for the founder --
gets a mail when the request is due in 7 days (or fewer), when it is due today, and when it
is overdue: each kind at most once per request and founder (``KpiReminder``, unique), so a
second run the same day, or two runs at once, send nothing more. Only quarters that have
ended (the form is open then). The mail says what is due, by when, and links to the form.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from portfolio.models import FounderMembership, KpiReminder, KpiRequest, KpiSubmission
from portfolio.services.common import today
from portfolio.services.founders import founder_mail, site_url
from portfolio.services.kpis import quarter_end

#: how many days before the due date the first reminder goes out
DAYS_BEFORE = 7
Kind = KpiReminder.Kind


def reminder_kind(due_on: dt.date, on: dt.date) -> str | None:
    """The kind of reminder a request due on ``due_on`` calls for on ``on`` (None: none yet)."""
    days = (due_on - on).days
    if days < 0:
        return Kind.OVERDUE
    if days == 0:
        return Kind.DUE_TODAY
    if days <= DAYS_BEFORE:
        return Kind.DUE_SOON
    return None


@dataclass(frozen=True)
class Reminder:
    request: KpiRequest
    membership: FounderMembership
    kind: str


def kpi_reminders_due(on: dt.date | None = None) -> list[Reminder]:
    """The reminders to send on ``on`` (today) that have not been sent (four queries:
    the requests with the startups asked, what was submitted, the founders, the reminders
    already sent)."""
    on = on or today()
    requests = [
        request
        for request in KpiRequest.objects.filter(
            due_on__lte=on + dt.timedelta(days=DAYS_BEFORE)
        ).prefetch_related("startups")
        if quarter_end(request.year, request.quarter) < on
    ]
    if not requests:
        return []
    quarters = {(r.year, r.quarter) for r in requests}
    asked = {s.pk for r in requests for s in r.startups.all()}
    done = set(
        KpiSubmission.objects.filter(
            startup_id__in=asked,
            year__in={y for y, _q in quarters},
            status__in=[KpiSubmission.Status.SUBMITTED, KpiSubmission.Status.APPROVED],
        ).values_list("startup_id", "year", "quarter")
    )
    founders: dict[int, list[FounderMembership]] = {}
    for membership in (
        FounderMembership.objects.filter(startup_id__in=asked, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "startup")
        .order_by("startup_id", "user_id")
    ):
        founders.setdefault(membership.startup_id, []).append(membership)
    sent = set(
        KpiReminder.objects.filter(request__in=requests).values_list(
            "request_id", "founder_id", "kind"
        )
    )
    due = []
    for request in sorted(requests, key=lambda r: (r.year, r.quarter)):
        kind = reminder_kind(request.due_on, on)
        if kind is None:
            continue
        for startup in request.startups.all():
            if (startup.pk, request.year, request.quarter) in done:
                continue
            for membership in founders.get(startup.pk, []):
                if (request.pk, membership.user_id, kind) not in sent:
                    due.append(Reminder(request, membership, kind))
    return due


def reminder_link(request: KpiRequest, base_url: str | None = None) -> str:
    """The absolute address of the quarter's form."""
    path = reverse("founder:kpi-quarter", args=[request.year, request.quarter])
    return site_url(base_url) + path


@transaction.atomic
def kpi_reminder_send(*, reminder: Reminder, base_url: str | None = None) -> bool:
    """Record and mail one reminder; False when it was recorded already (a run at the same
    time sent it). A mail that cannot be sent raises and records nothing (the next run
    tries again)."""
    membership = reminder.membership
    try:
        with transaction.atomic():
            KpiReminder.objects.create(
                request=reminder.request,
                founder=membership.user,
                startup=membership.startup,
                kind=reminder.kind,
            )
    except IntegrityError:
        return False
    context = {
        "request": reminder.request,
        "startup": membership.startup,
        "kind": reminder.kind,
        "link": reminder_link(reminder.request, base_url),
        "name": membership.user.first_name,
    }
    subject, body = founder_mail("kpi_reminder", context)
    send_mail(subject, body, None, [membership.user.email])
    return True


@dataclass
class ReminderRun:
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # addresses whose mail failed


def kpi_reminders_send(*, on: dt.date | None = None, base_url: str | None = None) -> ReminderRun:
    """Send every reminder due on ``on`` (today), each in its own transaction: a mail that
    fails is not recorded (and is tried again next run) and does not undo the others."""
    run = ReminderRun()
    for reminder in kpi_reminders_due(on):
        try:
            if kpi_reminder_send(reminder=reminder, base_url=base_url):
                run.sent += 1
        except (smtplib.SMTPException, OSError):
            run.failed.append(reminder.membership.user.email)
    return run
