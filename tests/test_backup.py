"""Backup and restore round-trip the whole database, to the yuan (bar R9)."""

import gzip

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from portfolio.models import Fund, Startup
from portfolio.selectors import fund_holdings, fund_report, pipeline_report

pytestmark = pytest.mark.django_db


def snapshot():
    funds = {fund.name: (fund_report(fund), fund_holdings(fund)) for fund in Fund.objects.all()}
    fund_figures = {
        name: (report.figures, report.companies, report.compliance, holdings)
        for name, (report, holdings) in funds.items()
    }
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("portfolio").get_models()
    }
    counts["auth.Group"] = apps.get_model("auth", "Group").objects.count()
    counts["auth.User"] = apps.get_model("auth", "User").objects.count()
    return fund_figures, pipeline_report(), counts


def test_backup_and_restore_round_trip(tmp_path, capsys):
    call_command("seed_demo")
    before = snapshot()
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    assert path.stat().st_size > 0

    # Lose data, then restore.
    Startup.objects.filter(is_illustrative=True).update(name_en="changed")
    call_command("restore", str(path), "--force")
    after = snapshot()
    assert after == before
    assert not Startup.objects.filter(name_en="changed").exists()
    assert "Restored" in capsys.readouterr().out


def test_restore_refuses_to_overwrite_without_force(tmp_path):
    call_command("seed_demo")
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not gzip at all", "not a readable backup"),
        (gzip.compress(b"{not json", mtime=0), "not a readable backup"),
        (gzip.compress(b'{"a": 1}', mtime=0), "not a backup written by"),
    ],
)
def test_restore_refuses_a_broken_file(tmp_path, content, message):
    path = tmp_path / "broken.json.gz"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))


def test_restore_of_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.json.gz"))
