"""KPI reminder mails (issue 15, ``manage.py send_kpi_reminders``): founders of a startup that
has not submitted a requested quarter get one mail due in 7 days, one on the due date, one
once overdue -- each once; a second run sends nothing; founders whose startup submitted or
was approved get none; the mail links to the form with an absolute address."""

from __future__ import annotations

import datetime as dt
import io
import re
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command

from portfolio.models import KpiReminder
from portfolio.services import kpi_reminders, kpis
from portfolio.services.common import today
from tests.support import factories
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db

DUE = dt.date(2024, 4, 30)  # the request for 2024 Q1


@pytest.fixture
def round_(staff_user):
    """A request asking four startups: one silent (two founders), one submitted, one
    approved, one returned (waits for its founder)."""
    silent, submitted, approved, returned = (
        factories.StartupFactory(name=name) for name in ("静科技", "交科技", "准科技", "退科技")
    )
    founders = {
        "silent": make_founder(silent, "silent1"),
        "silent2": make_founder(silent, "silent2"),
        "submitted": make_founder(submitted, "submitted"),
        "approved": make_founder(approved, "approved"),
        "returned": make_founder(returned, "returned"),
    }
    request = kpis.kpi_request_open(
        year=2024,
        quarter=1,
        due_on=DUE,
        startups=[s.pk for s in (silent, submitted, approved, returned)],
    )
    kpis.kpi_submission_create(startup=submitted, year=2024, quarter=1, figures={})
    done = kpis.kpi_submission_create(startup=approved, year=2024, quarter=1, figures={})
    kpis.kpi_submission_review(submission=done, decision="approve", by=staff_user)
    back = kpis.kpi_submission_create(startup=returned, year=2024, quarter=1, figures={})
    kpis.kpi_submission_review(submission=back, decision="return", comment="缺", by=staff_user)
    return request, founders


def run(on: dt.date) -> str:
    out = io.StringIO()
    call_command("send_kpi_reminders", "--date", on.isoformat(), stdout=out)
    return out.getvalue().strip()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


EXPECTED = ["returned@example.com", "silent1@example.com", "silent2@example.com"]


@pytest.mark.parametrize(
    ("on", "kind", "says"),
    [
        (DUE - dt.timedelta(days=7), "due_soon", "2024-04-30"),
        (DUE - dt.timedelta(days=2), "due_soon", "2024-04-30"),
        (DUE, "due_today", "2024-04-30"),
        (DUE + dt.timedelta(days=30), "overdue", "2024-04-30"),
    ],
)
def test_each_kind_goes_to_the_founders_who_have_not_submitted(round_, on, kind, says):
    request, founders = round_
    assert run(on) == "sent 3 reminders"
    assert recipients() == EXPECTED
    assert set(KpiReminder.objects.values_list("kind", flat=True)) == {kind}
    assert {r.founder for r in KpiReminder.objects.all()} == {
        founders["silent"],
        founders["silent2"],
        founders["returned"],
    }
    for message in mail.outbox:
        assert says in message.body and "2024" in message.subject
    assert run(on) == "sent 0 reminders"  # idempotent the same day
    assert len(mail.outbox) == 3


def test_each_kind_is_sent_once_over_the_days(round_):
    sent = {}
    on = DUE - dt.timedelta(days=12)
    while on <= DUE + dt.timedelta(days=10):
        sent[on] = int(run(on).split()[1])
        on += dt.timedelta(days=1)
    assert sum(sent.values()) == 9  # three founders x three kinds
    assert [day for day, n in sent.items() if n] == [
        DUE - dt.timedelta(days=7),
        DUE,
        DUE + dt.timedelta(days=1),
    ]
    assert KpiReminder.objects.count() == 9


def test_nothing_before_the_window_or_for_a_quarter_not_ended(round_):
    assert run(DUE - dt.timedelta(days=8)) == "sent 0 reminders"
    startup = factories.StartupFactory()
    make_founder(startup, "early")
    # a request for the current quarter, due on its first day: overdue, but the quarter
    # has not ended, so there is no form to fill in yet and no reminder
    on = today()
    quarter = (on.month - 1) // 3 + 1
    current = kpis.kpi_request_open(
        year=on.year,
        quarter=quarter,
        due_on=kpis.quarter_start(on.year, quarter),
        startups=[startup.pk],
    )
    due = kpi_reminders.kpi_reminders_due(on)
    assert due and current not in {r.request for r in due}  # the 2024 Q1 ones only


def test_a_submission_after_the_first_reminder_stops_the_next(round_):
    request, founders = round_
    assert run(DUE - dt.timedelta(days=7)) == "sent 3 reminders"
    silent = founders["silent"].founder_membership.startup
    kpis.kpi_submission_create(startup=silent, year=2024, quarter=1, figures={})
    mail.outbox.clear()
    assert run(DUE) == "sent 1 reminders"
    assert recipients() == ["returned@example.com"]


def test_the_mail_links_to_the_quarters_form_with_an_absolute_address(round_, settings):
    settings.SITE_URL = "https://incubator.example.cn"
    run(DUE)
    message = mail.outbox[0]
    links = re.findall(r"https?://\S+", message.body)
    assert links and set(links) == {"https://incubator.example.cn/founder/kpis/2024/1/"}
    assert message.body.count("----------") == 1  # Chinese, then English
    assert "静科技" in message.body or "退科技" in message.body


def test_without_site_url_the_link_uses_the_same_base_as_the_invitation(round_, settings):
    from portfolio.services.founders import FALLBACK_SITE, site_url

    settings.SITE_URL = ""
    run(DUE)
    assert site_url() == FALLBACK_SITE
    assert f"{FALLBACK_SITE}/founder/kpis/2024/1/" in mail.outbox[0].body


def test_a_mail_that_fails_is_not_recorded_and_goes_next_time(round_, monkeypatch):
    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(kpi_reminders, "send_mail", broken)
    with pytest.raises(Exception, match="3 reminders could not be sent"):
        run(DUE)
    assert not KpiReminder.objects.exists()
    monkeypatch.undo()
    assert run(DUE) == "sent 3 reminders"


def test_a_founder_without_an_address_or_inactive_gets_none(round_):
    _request, founders = round_
    founders["silent"].is_active = False
    founders["silent"].save()
    founders["silent2"].email = ""
    founders["silent2"].save()
    assert run(DUE) == "sent 1 reminders"
    assert recipients() == ["returned@example.com"]
