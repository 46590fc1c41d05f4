"""Backup and restore round-trip the whole database, to the yuan (bar R9); the file is the
service account's only, and restore takes nothing but a whole backup, all or nothing (R13)."""

import contextlib
import gzip
import json
import os
import stat

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import override_settings

from incubator.keyfile import ensure_key_file
from portfolio.models import Fund, Stage, Startup
from portfolio.selectors import fund_holdings, fund_report, pipeline_report
from tests.support import factories
from tests.support.caches import DATABASE_CACHE
from tests.support.worlds import hand_checked_world

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


def test_a_backup_holds_no_logins(tmp_path):
    """Sessions are credentials: a backup file leaves them out (a restore brings back no
    one's login), as it leaves out what ``migrate`` recreates."""
    from django.test import Client

    from portfolio.models import BrowserSession

    Client().force_login(factories.UserFactory(username="staff"))
    assert BrowserSession.objects.count() == 1
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    backup = json.loads(gzip.decompress(path.read_bytes()))
    models = {row["model"] for row in backup["rows"]}
    assert "auth.user" in models
    assert not {model for model in models if "session" in model}, models
    assert "portfolio.browsersession" not in backup["counts"]


def test_a_backup_holds_no_rate_counts(tmp_path):
    """The API's rate-limit counters (a window's counts of each client) are not data: a
    backup leaves them out, and a restore starts every count at zero."""
    from portfolio.api.throttles import count_request
    from portfolio.models import RateCounter

    with override_settings(CACHES={"default": DATABASE_CACHE}):
        count_request(caches["default"], "throttle_token-burst_1_1", 60)
    assert RateCounter.objects.count() == 1
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    backup = json.loads(gzip.decompress(path.read_bytes()))
    assert "portfolio.ratecounter" not in {row["model"] for row in backup["rows"]}
    assert "portfolio.ratecounter" not in backup["counts"]


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
        # the finding: any JSON list was taken for a backup and wiped the database
        (gzip.compress(b"[]", mtime=0), "no backup header"),
        (gzip.compress(b'[{"model": "auth.user", "pk": 1, "fields": {}}]', mtime=0), "header"),
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


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def read(path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def write(path, backup: dict) -> None:
    path.write_bytes(gzip.compress(json.dumps(backup).encode(), mtime=0))


@pytest.fixture
def backup_file(tmp_path):
    """A backup of a small world (seed_demo takes seconds) with its users."""
    hand_checked_world()
    factories.UserFactory(username="staff", role="incubator-staff")
    factories.UserFactory(username="root", is_superuser=True)
    path = tmp_path / "made" / "here" / "backup.json.gz"
    with umask(0o022):
        call_command("backup", str(path))
    return path


def test_backup_is_readable_by_the_service_account_only(backup_file, tmp_path):
    assert mode(backup_file) == 0o600
    assert mode(backup_file.parent) == 0o700  # the folders it created
    assert mode(backup_file.parent.parent) == 0o700
    assert not list(backup_file.parent.glob("*.partial"))


def test_an_existing_folder_keeps_its_mode(db, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    with umask(0o022):
        call_command("backup", str(shared / "b.json.gz"))
    assert mode(shared) == 0o755
    assert mode(shared / "b.json.gz") == 0o600


def test_the_default_backup_folder_is_private(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with umask(0o022):
        call_command("backup")
    (written,) = (tmp_path / "backups").iterdir()
    assert mode(tmp_path / "backups") == 0o700
    assert mode(written) == 0o600


def test_the_secret_key_file_is_private(tmp_path):
    key = tmp_path / ".secret-key"
    with umask(0o022):
        ensure_key_file(key)
    assert mode(key) == 0o600
    assert len(key.read_text().strip()) >= 50
    first = key.read_text()
    key.chmod(0o644)  # as an older `make serve` left it
    ensure_key_file(key)
    assert mode(key) == 0o600
    assert key.read_text() == first  # kept, not replaced


def test_backup_has_a_header(backup_file):
    backup = read(backup_file)
    assert backup["format"] == "quantum-incubator-backup"
    assert backup["version"] == 2
    assert "0001_initial" in backup["migrations"]["portfolio"]
    assert backup["counts"]["portfolio.startup"] == Startup.objects.count()
    assert backup["counts"]["auth.user"] == get_user_model().objects.count()
    assert backup["counts"]["portfolio.stage"] == Stage.objects.count()
    assert sum(backup["counts"].values()) == len(backup["rows"])


def without(backup: dict, model: str) -> dict:
    rows = [row for row in backup["rows"] if row["model"] != model]
    # keep the rows loadable: nothing may point at what was taken out
    counts = {label: n for label, n in backup["counts"].items() if label != model}
    return {**backup, "rows": rows, "counts": counts}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: without(b, "auth.user"), "no users"),
        (lambda b: without(b, "portfolio.stage"), "no stages"),
        (lambda b: {**b, "counts": {**b["counts"], "portfolio.startup": 1}}, "counts"),
        (lambda b: {**b, "version": 1}, "format version"),
        (
            lambda b: {**b, "migrations": {**b["migrations"], "portfolio": ["9999_future"]}},
            "9999_future",
        ),
        (lambda b: {key: value for key, value in b.items() if key != "format"}, "header"),
    ],
)
def test_restore_refuses_an_incomplete_backup_and_changes_nothing(
    backup_file, tmp_path, change, message
):
    broken = tmp_path / "broken.json.gz"
    write(broken, change(read(backup_file)))
    Startup.objects.update(name_en="kept")
    before = Startup.objects.filter(name_en="kept").count()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(broken), "--force")
    assert Startup.objects.filter(name_en="kept").count() == before > 0


def test_restore_keeps_the_old_data_when_loading_fails(backup_file, tmp_path, capsys):
    backup = read(backup_file)
    startup = next(row for row in backup["rows"] if row["model"] == "portfolio.startup")
    startup["fields"]["trl"] = 99  # the database's TRL 1-9 constraint refuses the load
    broken = tmp_path / "fails.json.gz"
    write(broken, backup)
    Startup.objects.update(name_en="kept")
    counts = {model: model.objects.count() for model in (Startup, Fund, get_user_model())}
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("restore", str(broken), "--force")
    assert {model: model.objects.count() for model in counts} == counts
    assert Startup.objects.filter(name_en="kept").exists()


def test_restore_prints_what_it_replaces(backup_file, capsys):
    capsys.readouterr()
    startups = Startup.objects.count()
    call_command("restore", str(backup_file), "--force")
    out = capsys.readouterr().out
    assert "Replacing" in out
    line = next(line for line in out.splitlines() if "portfolio.startup " in line)
    assert line.split()[1:] == [str(startups), "->", str(startups)]
    assert "auth.user" in out
