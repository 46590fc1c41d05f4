"""Many app servers, one database (bar R12; issue 13, "Many app servers, one database").

Two separate server processes (gunicorn, two ports, the production configuration: DEBUG and
TESTING off) on this test run's PostgreSQL database, and on one Redis when ``REDIS_URL`` is
set. Through them: a login session works on both; the rate limit counts the requests to both
together; a lockout on one holds on the other; an import previewed on one is confirmed on the
other; 12 parallel commitments alternating between them never over-commit the fund.

Runs whenever the suite runs on PostgreSQL (``make test`` with ``DATABASE_URL``; the second
run of ``.ci/run``). On SQLite it is skipped, saying why: one SQLite file is not a database
several hosts share.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import override_settings

from portfolio.models import ApiToken, Commitment, Fund, Startup
from tests.support import factories
from tests.support.spreadsheets import good_startups, to_csv

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "Two-servers-Passphrase-31"  # noqa: S105
EXPORTS_PER_DAY = 4
# The servers check passwords with the production hasher; the test run's is MD5.
PRODUCTION_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def postgresql_only():
    configured = os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:"))
    if not on_postgresql() and configured:
        pytest.fail("DATABASE_URL names PostgreSQL but the test run is not using it")
    if not on_postgresql():
        reason = (
            "two-server test skipped: no PostgreSQL DATABASE_URL is configured (this run uses "
            "SQLite, which several app servers cannot share); run the suite with "
            "DATABASE_URL=postgres://... to include it"
        )
        print(reason, file=sys.stderr)
        pytest.skip(reason)


def database_url() -> str:
    """This test run's database (the test database pytest-django created) as a URL."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, port: int, process: subprocess.Popen, log: Path):
        self.port, self.process, self.log = port, process, log
        self.url = f"http://127.0.0.1:{port}"

    def __repr__(self) -> str:
        return f"server :{self.port}"


@pytest.fixture
def servers(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DEBUG="0",
        TESTING="0",
        DATABASE_URL=database_url(),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_MANIFEST="0",
        # A day's window: the limit counts in windows aligned on the clock
        # (portfolio/api/throttles.py), and a minute's could end between the requests.
        THROTTLE_EXPORTS=f"{EXPORTS_PER_DAY}/day",
        SECURITY_LOG_LEVEL="WARNING",
    )
    started = []
    try:
        for n in range(2):
            port = free_port()
            log = tmp_path / f"server-{n}.log"
            # Two hosts do not share a temporary folder: neither do these two servers.
            own_tmp = tmp_path / f"tmp-{n}"
            own_tmp.mkdir()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "incubator.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--timeout",
                    "120",
                ],
                cwd=settings.BASE_DIR,
                env={**env, "TMPDIR": str(own_tmp)},
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            started.append(Server(port, process, log))
        for server in started:
            wait_until_up(server)
        yield started
    finally:
        for server in started:
            server.process.terminate()
        for server in started:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


def wait_until_up(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server} exited:\n{server.log.read_text()[-4000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    pytest.fail(f"{server} did not answer /healthz:\n{server.log.read_text()[-4000:]}")


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def log_in(browser, server: Server, username: str, password: str, path: str = "/accounts/login/"):
    page = browser.get(f"{server.url}{path}", timeout=30)
    return browser.post(
        f"{server.url}{path}",
        data={
            "csrfmiddlewaretoken": csrf_of(page.text),
            "username": username,
            "password": password,
            "next": "/dashboard/",
        },
        headers={"Referer": f"{server.url}{path}"},
        allow_redirects=False,
        timeout=30,
    )


@pytest.fixture
def people(db):
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        staff = factories.UserFactory(username="staff2", role="incubator-staff")
        staff.set_password(PASSWORD)
        staff.save()
        target = factories.UserFactory(username="target", role="incubator-staff")
        target.set_password(PASSWORD)
        target.save()
        manager = factories.UserFactory(username="manager2", role="fund-managers")
    return staff, target, manager


def test_two_servers_share_one_database(servers, people):
    one, two = servers
    staff, target, manager = people

    # 1. A session opened on one server is valid on the other.
    browser = requests.Session()
    assert log_in(browser, one, "staff2", PASSWORD).status_code == 302
    for server in (one, two):
        response = browser.get(f"{server.url}/api/v1/stages/", timeout=30)
        assert response.status_code == 200, (server, response.text[:300])
    assert browser.get(f"{two.url}/admin/", timeout=30).status_code == 200

    # 2. The rate limit counts the requests to both servers together.
    _token, key = ApiToken.issue(staff)
    script = requests.Session()
    script.headers["Authorization"] = f"Token {key}"
    statuses = [
        script.get(f"{server.url}/api/v1/stages/?format=csv", timeout=30).status_code
        for server in (one, two) * EXPORTS_PER_DAY
    ]
    assert statuses[:EXPORTS_PER_DAY] == [200] * EXPORTS_PER_DAY
    assert statuses[EXPORTS_PER_DAY:] == [429] * EXPORTS_PER_DAY, statuses

    # 3. A lockout on one server holds on the other (and on its other login page).
    attacker = requests.Session()
    for _ in range(5):
        log_in(attacker, one, "target", "wrong-password")
    refused = log_in(attacker, two, "target", PASSWORD, path="/admin/login/")
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.text

    # 4. An import previewed on one server is confirmed on the other.
    factories.InstitutionFactory(name="清华大学", name_en="Tsinghua University")
    import_path = "/admin/portfolio/startup/import/"
    page = browser.get(f"{one.url}{import_path}", timeout=30)
    preview = browser.post(
        f"{one.url}{import_path}",
        data={"csrfmiddlewaretoken": csrf_of(page.text)},
        files={"file": ("startups.csv", to_csv(good_startups()), "text/csv")},
        headers={"Referer": f"{one.url}{import_path}"},
        timeout=60,
    )
    assert preview.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert token, preview.text[:2000]
    assert not Startup.objects.exists()
    confirmed = browser.post(
        f"{two.url}{import_path}",
        data={"csrfmiddlewaretoken": csrf_of(preview.text), "token": token.group(1)},
        headers={"Referer": f"{two.url}{import_path}"},
        allow_redirects=False,
        timeout=60,
    )
    assert confirmed.status_code == 302, confirmed.text[:2000]
    assert Startup.objects.count() == 3

    # 5. Twelve commitments at once, alternating between the servers: never over the size.
    fund = factories.FundFactory(max_single_company_pct=Decimal("100"))
    startups = [factories.StartupFactory(credit_code="") for _ in range(12)]
    amount = fund.size / 4 + 1  # at most three fit
    _token, manager_key = ApiToken.issue(manager)

    def commit(n: int) -> int:
        server = servers[n % 2]
        response = requests.post(
            f"{server.url}/api/v1/commitments/",
            json={
                "fund": fund.pk,
                "startup": startups[n].pk,
                "amount": str(amount),
                "approved_on": "2025-01-15",
            },
            headers={"Authorization": f"Token {manager_key}"},
            timeout=120,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(commit, range(12)))
    assert sorted(results) == [201] * 3 + [409] * 9, results
    committed = sum(c.amount for c in Commitment.objects.filter(fund=fund))
    assert committed <= Fund.objects.get(pk=fund.pk).size
    assert Commitment.objects.filter(fund=fund).count() == 3
