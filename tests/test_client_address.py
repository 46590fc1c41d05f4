"""Behind the proxy (issue 13, finding 3): the client's address is the right-most
X-Forwarded-For entry that is not a trusted proxy, for the lockouts, the security log and
the rate limits alike. Before, axes saw only the proxy's address: five wrong passwords from
anywhere locked the real user out."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from portfolio.security import client_address, client_ip
from tests.support import factories

PASSWORD = "pass-for-tests-1"  # noqa: S105 (the factories' password)
PROXY = "10.0.0.5"
LOGIN_PAGES = ("login", "admin:login")


def request(remote: str | None, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote} if remote else {}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    made = RequestFactory().get("/", **extra)
    if remote is None:
        del made.META["REMOTE_ADDR"]
    return made


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=[PROXY])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # the proxy appends the real client
        (PROXY, "203.0.113.9", "203.0.113.9"),
        # a client's own header (spoofed left-most entries) is never believed
        (PROXY, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (PROXY, "127.0.0.1, 10.0.0.5, 203.0.113.9", "203.0.113.9"),
        # a request not from the proxy: its header is the client's own
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # the proxy without a header, or with garbage where its entry should be
        (PROXY, None, PROXY),
        (PROXY, "", PROXY),
        (PROXY, "198.51.100.1, not-an-address", PROXY),
        # ports and IPv6 as proxies write them
        (PROXY, "203.0.113.9:51234", "203.0.113.9"),
        (PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (PROXY, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_right_most_untrusted_entry(remote, forwarded, expected):
    assert client_address(request(remote, forwarded)) == expected


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8:ffff::/48"])
def test_a_chain_of_trusted_proxies_by_network():
    chain = "198.51.100.1, 203.0.113.9, 10.2.3.4, 2001:db8:ffff::1"
    assert client_address(request("10.9.9.9", chain)) == "203.0.113.9"
    # every entry a trusted proxy (a health check from the balancer itself): the peer
    assert client_address(request("10.9.9.9", "10.1.1.1")) == "10.9.9.9"


def test_unknown_peer():
    assert client_address(None) is None
    assert client_ip(request(None)) == "-"


def test_a_misspelt_trusted_proxy_is_a_configuration_error():
    with override_settings(TRUSTED_PROXIES=["10.0.0.300"]), pytest.raises(ImproperlyConfigured):
        client_address(request(PROXY, "203.0.113.9"))


def test_settings_refuse_a_misspelt_trusted_proxy():
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env={
            "DJANGO_SETTINGS_MODULE": "incubator.settings",
            "TESTING": "1",
            "DEBUG": "1",  # TESTING with DEBUG off refuses to start outside the suite
            "TRUSTED_PROXIES": "10.0.0.1,proxy.example.org",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "proxy.example.org" in result.stderr


# --- the lockout behind the proxy --------------------------------------------------------


def behind_proxy(forwarded: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded, HTTP_ACCEPT_LANGUAGE="en")


def attempt(client: Client, page: str, password: str):
    return client.post(reverse(page), {"username": "staff", "password": password})


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="staff", role="incubator-staff")


@override_settings(TRUSTED_PROXIES=[PROXY])
@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_one_client_behind_the_proxy_locked_out_the_other_not(staff, page):
    attacker = behind_proxy("203.0.113.66")
    for _ in range(5):
        attempt(attacker, page, "wrong-password")
    assert attempt(attacker, page, PASSWORD).status_code == 429
    # the real user, through the same proxy from their own address, logs in
    assert attempt(behind_proxy("198.51.100.7"), page, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXIES=[PROXY])
@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_spoofed_left_most_entries_do_not_move_the_lockout(staff, page):
    """The attacker names the victim's address (and others) in their own header: nginx
    appends the attacker's real address, and that is the one counted."""
    for spoof in ("198.51.100.7", "198.51.100.7, 1.1.1.1", "198.51.100.7, 10.0.0.5"):
        attempt(behind_proxy(f"{spoof}, 203.0.113.66"), page, "wrong-password")
    attempt(behind_proxy("203.0.113.66"), page, "wrong-password")
    attempt(behind_proxy("203.0.113.66"), page, "wrong-password")
    assert attempt(behind_proxy("203.0.113.66"), page, PASSWORD).status_code == 429
    assert attempt(behind_proxy("198.51.100.7"), page, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_a_forged_header_does_not_escape_the_lockout(staff):
    """Straight to the app (no proxy configured), X-Forwarded-For is the client's own
    text: changing it gives no fresh count."""
    for n in range(5):
        client = Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        attempt(client, "login", "wrong-password")
    fresh = Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert attempt(fresh, "login", PASSWORD).status_code == 429


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_security_log_names_the_forwarded_client(staff, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        attempt(behind_proxy("198.51.100.1, 203.0.113.66"), "login", "wrong-password")
    lines = [r.getMessage() for r in caplog.records if r.name == "security"]
    assert any("login_failed" in line and "ip=203.0.113.66" in line for line in lines), lines
    assert not any("198.51.100.1" in line or PROXY in line for line in lines)


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_rate_limits_count_the_forwarded_client():
    """DRF's own reading of X-Forwarded-For (NUM_PROXIES) is not used: the same function."""
    from portfolio.api.throttles import ExportRateThrottle

    throttle = ExportRateThrottle()
    one = throttle.get_ident(request(PROXY, "198.51.100.1, 203.0.113.66"))
    other = throttle.get_ident(request(PROXY, "203.0.113.67"))
    assert (one, other) == ("203.0.113.66", "203.0.113.67")
