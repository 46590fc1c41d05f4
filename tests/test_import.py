"""Bulk import (CSV/XLSX, admin page and command): all or nothing, every bad row named."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from portfolio import services
from portfolio.models import FundingRound, KpiReport, Participation, StageTransition, Startup
from portfolio.services import importing
from tests.support import factories
from tests.support.admin import admin_url
from tests.support.clients import login
from tests.support.spreadsheets import STARTUP_HEADER, good_startups, to_csv, to_xlsx


@pytest.fixture
def institution(db):
    return factories.InstitutionFactory(name="清华大学", name_en="Tsinghua University")


def errors_of(result) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in result.errors}


def test_good_startup_file_dry_run_writes_nothing_then_writes_whole(institution, staff_user):
    content = to_csv(good_startups())
    preview = importing.run_import("startups", content, "s.csv", dry_run=True)
    assert preview.ok and preview.rows == 3
    assert not Startup.objects.exists()
    result = importing.run_import("startups", content, "s.csv", dry_run=False, user=staff_user)
    assert result.ok and result.written == 3
    weici = Startup.objects.get(name="未磁科技")
    assert (weici.stage.slug, weici.trl, weici.institution) == ("prototype", 5, institution)
    assert weici.stage_entered_on.isoformat() == "2021-01-10"
    assert StageTransition.objects.count() == 3  # each through startup_create
    assert Startup.objects.get(name="相干科技").tech_area == "computing"
    assert weici.history.get().history_user == staff_user


def test_bad_startup_file_is_refused_whole_with_every_row_named(institution):
    code = factories.credit_code(3)
    rows = good_startups() + [
        [
            "坏码公司",
            "",
            code[:-1] + ("0" if code[-1] != "0" else "1"),
            "sensing",
            "",
            "lab",
            "2",
            "",
            "",
            "",
        ],  # row 5: check character
        ["无阶段", "", "", "sensing", "", "moon", "2", "", "", ""],  # row 6: unknown stage
        ["", "", "", "sensing", "", "lab", "12", "", "", ""],  # row 7: no name, TRL 12
        ["未磁科技", "", "", "sensing", "", "lab", "2", "", "", ""],  # row 8: duplicate name
        ["早录取", "", "", "sensing", "北大", "lab", "2", "2022-01-01", "2021-01-01", ""],
        ["终点", "", "", "sensing", "", "exited", "8", "", "", ""],  # row 10: terminal start
    ]
    result = importing.run_import("startups", to_csv(rows), "s.csv", dry_run=False)
    assert not result.ok
    assert errors_of(result) == {
        (5, "credit_code"),
        (6, "stage"),
        (7, "name"),
        (7, "trl"),
        (8, "name"),
        (9, "institution"),  # unknown; the date rule is checked once the row parses
        (10, "stage"),
    }
    assert result.written == 0
    assert not Startup.objects.exists()
    assert not StageTransition.objects.exists()


def test_admission_before_founding_is_named_on_its_column(db):
    rows = [
        STARTUP_HEADER,
        ["早录取", "", "", "sensing", "", "lab", "2", "2022-01-01", "2021-01-01", ""],
    ]
    result = importing.run_import("startups", to_xlsx(rows), "s.xlsx", dry_run=False)
    assert [(e.row, e.column) for e in result.errors] == [(2, "admitted_on")]
    assert not Startup.objects.exists()


def test_header_problems_are_reported_on_row_one(db):
    result = importing.run_import("startups", to_csv([["name", "colour"], ["x", "y"]]), "a.csv")
    assert errors_of(result) == {(1, "colour"), (1, "tech_area"), (1, "stage"), (1, "trl")}


def test_unreadable_files_are_refused(db):
    assert not importing.run_import("kpi", b"\xff\xfe\x00", "k.csv").ok
    assert not importing.run_import("kpi", b"not a zip", "k.xlsx").ok
    assert not importing.run_import("kpi", b"a,b", "k.txt").ok


ROUND_HEADER = [
    "startup",
    "round_type",
    "closed_on",
    "amount",
    "amount_precision",
    "announced_as",
    "lead_investor",
    "participants",
]


@pytest.fixture
def cast(db):
    startup = factories.StartupFactory(name="未磁科技", credit_code=factories.credit_code(9))
    idg = factories.InvestorFactory(name="IDG资本", name_en="IDG Capital")
    robots = factories.InvestorFactory(name="北京市机器人基金", name_en="Beijing Robotics Fund")
    return startup, idg, robots


def test_good_rounds_xlsx_with_participants(cast, staff_user):
    startup, idg, robots = cast
    rows = [
        ROUND_HEADER,
        [
            factories.credit_code(9),
            "B",
            "2024-04-01",
            100000000,
            "exact",
            "1亿元",
            "IDG资本",
            "IDG资本=60000000; 北京市机器人基金=40000000",
        ],
        [
            "未磁科技",
            "seed",
            "2021-05-01",
            None,
            "undisclosed",
            "数千万元",
            "",
            "Beijing Robotics Fund",
        ],
    ]
    result = importing.run_import("rounds", to_xlsx(rows), "r.xlsx", dry_run=False, user=staff_user)
    assert result.ok, result.errors
    b_round = FundingRound.objects.get(round_type="b")
    assert b_round.amount == Decimal("100000000.00")
    assert {(p.investor, p.amount) for p in b_round.participations.all()} == {
        (idg, Decimal("60000000.00")),
        (robots, Decimal("40000000.00")),
    }
    seed = FundingRound.objects.get(round_type="seed")
    assert seed.amount is None and seed.participations.get().investor == robots
    assert Participation.history.filter(history_user=staff_user).count() == 3


def test_bad_rounds_file_names_rows_and_writes_nothing(cast):
    rows = [
        ROUND_HEADER,
        ["未磁科技", "a", "2024-01-01", "50000000", "", "", "IDG资本", "IDG资本=10000000"],
        [
            "未磁科技",
            "a",
            "2024-01-01",
            "50000000",
            "",
            "",
            "",
            "IDG资本=40000000; 北京市机器人基金=20000000",
        ],  # row 3: participants above the round
        ["不存在", "z", "2024-13-01", "abc", "", "", "", ""],  # row 4: four bad cells
        ["未磁科技", "a", "2024-01-01", "", "exact", "", "", "红杉=5"],  # row 5
        ["未磁科技", "a", "2099-01-01", "1000", "", "", "", ""],  # row 6: future
    ]
    result = importing.run_import("rounds", to_csv(rows), "r.csv", dry_run=False)
    assert errors_of(result) == {
        (3, "participants"),
        (4, "startup"),
        (4, "round_type"),
        (4, "closed_on"),
        (4, "amount"),
        (5, "participants"),
        (6, "closed_on"),
    }
    assert not FundingRound.objects.exists()
    assert not Participation.objects.exists()


KPI_HEADER = [
    "startup",
    "year",
    "quarter",
    "revenue",
    "rd_spend",
    "headcount",
    "cash",
    "runway_months",
]


def test_kpi_good_and_bad(cast):
    good = [
        KPI_HEADER,
        ["未磁科技", "2024", "1", "1,000,000", "500000", "30", "8000000", "18.5"],
        ["未磁科技", "2024", "2", "1200000", "", "32", "", ""],
    ]
    assert importing.run_import("kpi", to_csv(good), "k.csv", dry_run=False).written == 2
    bad = [
        KPI_HEADER,
        ["未磁科技", "2024", "3", "1", "1", "1", "1", "1"],
        ["未磁科技", "2024", "5", "1", "1", "1", "1", "1"],  # row 3: quarter 5
        ["未磁科技", "2024", "1", "1", "1", "1", "1", "1"],  # row 4: Q1 exists
        ["未磁科技", "2024", "4", "-1", "1", "x", "1", "1"],
    ]  # row 5: revenue, headcount
    result = importing.run_import("kpi", to_csv(bad), "k.csv", dry_run=False)
    assert {e.row for e in result.errors} == {3, 4, 5}
    assert {(5, "revenue"), (5, "headcount"), (3, "quarter")} <= errors_of(result)
    assert KpiReport.objects.count() == 2


def test_templates_have_the_columns(staff_user):
    client = login(staff_user)
    response = client.get(admin_url(Startup, "import_template", "csv"))
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").strip().split(",")
    assert header == [c.name for c in importing.StartupImporter.columns]
    response = client.get(admin_url(FundingRound, "import_template", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [c.name for c in importing.RoundImporter.columns]


def test_admin_import_preview_then_confirm(staff_user, institution):
    client = login(staff_user)
    url = admin_url(Startup, "import")
    assert "import-link" in client.get(admin_url(Startup, "changelist")).content.decode()
    upload = SimpleUploadedFile("startups.xlsx", to_xlsx(good_startups()))
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    assert preview.context["result"].ok
    assert "import-preview" in preview.content.decode()
    assert not Startup.objects.exists()
    done = client.post(url, {"token": preview.context["token"]})
    assert done.status_code == 302
    assert Startup.objects.count() == 3


def test_admin_import_lists_bad_rows(staff_user, institution):
    rows = good_startups() + [["", "", "", "sensing", "", "lab", "2", "", "", ""]]
    response = login(staff_user).post(
        admin_url(Startup, "import"), {"file": SimpleUploadedFile("s.csv", to_csv(rows))}
    )
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(5, "name")]
    assert "import-errors" in response.content.decode()
    assert not response.context["token"]
    assert not Startup.objects.exists()


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_import_needs_the_add_permission(persona):
    client = login(persona)
    response = client.post(
        admin_url(Startup, "import"), {"file": SimpleUploadedFile("s.csv", to_csv(good_startups()))}
    )
    assert response.status_code == 403
    assert "import-link" not in client.get(admin_url(Startup, "changelist")).content.decode()


def test_command_imports_and_refuses(tmp_path, institution, staff_user):
    good = tmp_path / "startups.csv"
    good.write_bytes(to_csv(good_startups()))
    call_command("import_data", "startups", str(good), "--dry-run")
    assert not Startup.objects.exists()
    call_command("import_data", "startups", str(good), "--user", "staff")
    assert Startup.objects.count() == 3
    assert Startup.history.filter(history_user=staff_user).count() == 3
    bad = tmp_path / "kpi.csv"
    bad.write_bytes(to_csv([KPI_HEADER, ["未磁科技", "2024", "1"], ["未磁科技", "2024", "9"]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_data", "kpi", str(bad), stderr=err)
    assert "3, quarter" in err.getvalue()
    assert not KpiReport.objects.exists()
    assert services  # the importer writes through the services module
