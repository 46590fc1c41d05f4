"""Imports of space leases, facility bookings and mentoring sessions (issue 16): each row
through its service, a bad row named by its row and column, the whole file written or
nothing, the admin's upload with its preview, and the templates' columns."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from portfolio.models import FacilityBooking, MentoringSession, SpaceLease
from portfolio.services import importing
from tests.support.admin import admin_url
from tests.support.clients import login
from tests.support.factories import (
    FacilityBookingFactory,
    FacilityFactory,
    MentorFactory,
    SpaceLeaseFactory,
    StartupFactory,
)
from tests.support.spreadsheets import to_csv, to_xlsx

pytestmark = pytest.mark.django_db


def errors_of(result) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in result.errors]


@pytest.fixture
def world():
    alpha = StartupFactory(name="阿尔法量子(测试)")
    beta = StartupFactory(name="贝塔量子(测试)")
    fridge = FacilityFactory(name="稀释制冷机一号(测试)")
    mentor = MentorFactory(name="王导师(测试)")
    return alpha, beta, fridge, mentor


LEASE_HEADER = ["startup", "unit", "kind", "area_m2", "starts_on", "ends_on", "list_rent",
                "actual_rent", "subsidy", "subsidy_source", "is_public_service_area"]  # fmt: skip


def test_leases_are_written_whole_through_the_service(world, staff_user):
    alpha, beta, *_ = world
    rows = [
        LEASE_HEADER,
        [alpha.credit_code, "A座 301", "office", "120.5", "2025-01-01", "", "12000",
         "9000", "3000", "海淀区房租补贴", "no"],
        ["贝塔量子(测试)", "B座 洁净室", "洁净室", "40", "2025/03/01", "2026-02-28", "20000",
         "", "0", "", "否"],
    ]  # fmt: skip
    dry = importing.run_import("leases", to_csv(rows), "l.csv", dry_run=True, user=staff_user)
    assert dry.ok and dry.rows == 2 and not SpaceLease.objects.exists()
    done = importing.run_import("leases", to_csv(rows), "l.csv", dry_run=False, user=staff_user)
    assert done.ok and done.written == 2
    office = SpaceLease.objects.get(startup=alpha)
    assert (office.unit, office.kind, office.area_m2) == ("A座 301", "office", Decimal("120.50"))
    assert (office.list_rent, office.actual_rent, office.subsidy) == (
        Decimal("12000.00"), Decimal("9000.00"), Decimal("3000.00"),
    )  # fmt: skip
    assert office.created_by == staff_user
    clean = SpaceLease.objects.get(startup=beta)
    assert clean.kind == "clean_room"  # the Chinese label
    assert clean.actual_rent == clean.list_rent == Decimal("20000.00")  # empty: the list rent
    assert clean.ends_on == dt.date(2026, 2, 28)


def test_a_bad_lease_file_names_each_row_and_column_and_writes_nothing(world):
    alpha, *_ = world
    SpaceLeaseFactory(startup=alpha, unit="A座 301", starts_on=dt.date(2025, 1, 1))
    before = SpaceLease.objects.count()
    rows = [
        LEASE_HEADER,
        ["阿尔法量子(测试)", "A座 302", "office", "50", "2025-01-01", "", "6000", "", "", "", ""],
        ["无名公司", "A座 303", "office", "50", "2025-01-01", "", "6000", "", "", "", ""],
        ["阿尔法量子(测试)", "A座 304", "garage", "50", "2025-01-01", "", "6000", "", "", "", ""],
        ["阿尔法量子(测试)", "A座 305", "office", "50", "2025-13-01", "", "6000", "", "", "", ""],
        ["阿尔法量子(测试)", "A座 301", "office", "50", "2025-06-01", "", "6000", "", "", "", ""],
        ["阿尔法量子(测试)", "A座 306", "office", "50", "2025-01-01", "", "6000", "7000", "", "",
         ""],
        ["阿尔法量子(测试)", "A座 307", "office", "50", "2025-01-01", "", "6000", "", "", "",
         "maybe"],
    ]  # fmt: skip
    result = importing.run_import("leases", to_csv(rows), "l.csv", dry_run=False)
    assert errors_of(result) == [
        (3, "startup"),  # no such startup
        (4, "kind"),  # not a kind of space
        (5, "starts_on"),  # not a date
        (6, "starts_on"),  # A座 301 is leased on that day
        (7, "actual_rent"),  # above the list rent
        (8, "is_public_service_area"),  # neither yes nor no
    ]
    assert result.written == 0 and SpaceLease.objects.count() == before  # row 2 neither


BOOKING_HEADER = ["facility", "startup", "starts_at", "ends_at", "units", "helium_litres", "note"]


def test_bookings_are_read_in_beijing_time_and_overlaps_refused_in_the_file(world, staff_user):
    alpha, beta, fridge, _mentor = world
    rows = [
        BOOKING_HEADER,
        ["稀释制冷机一号(测试)", "阿尔法量子(测试)", "2025-04-01 09:00", "2025-04-08 09:00",
         "1", "120.5", "一次降温"],
        ["稀释制冷机一号(测试)", "贝塔量子(测试)", "2025-04-08 09:00", "2025-04-15 09:00",
         "1", "110", ""],
    ]  # fmt: skip
    done = importing.run_import("bookings", to_xlsx(rows), "b.xlsx", dry_run=False, user=staff_user)
    assert done.ok and done.written == 2
    first = FacilityBooking.objects.get(startup=alpha)
    shanghai = timezone.get_default_timezone()
    assert first.starts_at == dt.datetime(2025, 4, 1, 9, 0, tzinfo=shanghai)
    assert first.helium_litres == Decimal("120.5") and first.units == Decimal("1")
    assert FacilityBooking.objects.get(startup=beta).facility == fridge

    overlapping = [
        BOOKING_HEADER,
        ["稀释制冷机一号(测试)", "贝塔量子(测试)", "2025-05-01 09:00", "2025-05-03 09:00",
         "1", "", ""],
        ["稀释制冷机一号(测试)", "阿尔法量子(测试)", "2025-05-02 09:00", "2025-05-04 09:00",
         "1", "", ""],  # overlaps the row above
        ["稀释制冷机一号(测试)", "阿尔法量子(测试)", "2025-04-07 09:00", "2025-04-09", "1",
         "", ""],  # overlaps April's bookings
        ["稀释制冷机二号", "阿尔法量子(测试)", "2025-06-01 09:00", "2025-06-02 09:00", "1",
         "", ""],  # no such facility
        ["稀释制冷机一号(测试)", "阿尔法量子(测试)", "next tuesday", "2025-06-02 09:00", "1",
         "", ""],
        ["稀释制冷机一号(测试)", "阿尔法量子(测试)", "2025-06-03 09:00", "2025-06-02 09:00",
         "1", "", ""],  # ends before it starts
    ]  # fmt: skip
    result = importing.run_import("bookings", to_csv(overlapping), "b.csv", dry_run=False)
    assert errors_of(result) == [
        (3, "starts_at"),
        (4, "starts_at"),
        (5, "facility"),
        (6, "starts_at"),
        (7, "ends_at"),
    ]
    assert FacilityBooking.objects.count() == 2


def test_an_xlsx_date_time_cell_keeps_its_time(world):
    _alpha, _beta, fridge, _mentor = world
    FacilityBookingFactory(facility=fridge)  # another booking, far from April 2026
    rows = [
        BOOKING_HEADER,
        [fridge.name, "阿尔法量子(测试)", dt.datetime(2026, 4, 1, 14, 30),
         dt.datetime(2026, 4, 1, 18, 0), 3.5, None, None],
    ]  # fmt: skip
    assert importing.run_import("bookings", to_xlsx(rows), "b.xlsx", dry_run=False).ok
    booking = FacilityBooking.objects.get(starts_at__year=2026)
    local = timezone.localtime(booking.starts_at)
    assert (local.hour, local.minute, booking.units) == (14, 30, Decimal("3.5"))


SESSION_HEADER = ["mentor", "startup", "held_on", "hours", "topic", "follow_ups"]


def test_mentoring_sessions_are_imported_and_refused_by_column(world, staff_user):
    alpha, beta, _fridge, mentor = world
    MentorFactory(name="李导师(测试)")
    MentorFactory(name="李导师(测试)")  # two mentors of one name
    good = [
        SESSION_HEADER,
        ["王导师(测试)", "阿尔法量子(测试)", "2025-03-10", "2", "融资路演辅导", "修改BP"],
        ["王导师(测试)", "贝塔量子(测试)", "2025-03-11", "1.5", "知识产权布局", ""],
    ]
    done = importing.run_import("mentoring-sessions", to_csv(good), "m.csv", dry_run=False,
                                user=staff_user)  # fmt: skip
    assert done.ok and done.written == 2
    session = MentoringSession.objects.get(startup=alpha)
    assert (session.mentor, session.hours, session.topic) == (mentor, Decimal("2"), "融资路演辅导")
    bad = [
        SESSION_HEADER,
        ["李导师(测试)", "阿尔法量子(测试)", "2025-03-10", "2", "路演", ""],  # ambiguous
        ["王导师(测试)", "阿尔法量子(测试)", "2025-03-10", "25", "路演", ""],  # > 24 hours
        ["王导师(测试)", "阿尔法量子(测试)", "2025-03-10", "2", "", ""],  # no topic
        ["王导师(测试)", "贝塔量子(测试)", "2025-03-12", "1", "财务", ""],  # good, not written
    ]
    result = importing.run_import("mentoring-sessions", to_csv(bad), "m.csv", dry_run=False)
    assert errors_of(result) == [(2, "mentor"), (3, "hours"), (4, "topic")]
    assert "李导师(测试)" in str(result.errors[0].message)
    assert MentoringSession.objects.count() == 2


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        (SpaceLease, "leases"),
        (FacilityBooking, "bookings"),
        (MentoringSession, "mentoring-sessions"),
    ],
)
def test_the_admin_offers_the_template_and_imports_after_a_preview(world, staff_user, model, kind):
    client = login(staff_user)
    assert "import-link" in client.get(admin_url(model, "changelist")).content.decode()
    columns = [column.name for column in importing.IMPORTERS[kind].columns]
    response = client.get(admin_url(model, "import_template", "xlsx"))
    assert [
        cell.value for cell in load_workbook(io.BytesIO(response.content)).worksheets[0][1]
    ] == (columns)
    csv_header = client.get(admin_url(model, "import_template", "csv"))
    assert csv_header.content.decode("utf-8-sig").strip().split(",") == columns
    rows = {
        "leases": [LEASE_HEADER[:5], ["阿尔法量子(测试)", "C-1", "lab", "30", "2025-02-01"]],
        "bookings": [BOOKING_HEADER[:4], ["稀释制冷机一号(测试)", "阿尔法量子(测试)",
                                          "2025-07-01 08:00", "2025-07-02 08:00"]],
        "mentoring-sessions": [SESSION_HEADER[:5], ["王导师(测试)", "阿尔法量子(测试)",
                                                    "2025-03-10", "2", "路演"]],
    }[kind]  # fmt: skip
    before = model.objects.count()
    preview = client.post(
        admin_url(model, "import"), {"file": SimpleUploadedFile("f.csv", to_csv(rows))}
    )
    assert preview.status_code == 200 and preview.context["result"].ok
    assert model.objects.count() == before
    done = client.post(admin_url(model, "import"), {"token": preview.context["token"]})
    assert done.status_code == 302
    assert model.objects.count() == before + 1


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_other_roles_cannot_import_operations(persona):
    client = login(persona)
    for model in (SpaceLease, FacilityBooking, MentoringSession):
        response = client.post(
            admin_url(model, "import"), {"file": SimpleUploadedFile("f.csv", b"startup\n")}
        )
        assert response.status_code == 403, model
