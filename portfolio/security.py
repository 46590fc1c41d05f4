"""The security log: failed logins, lockouts, refused permissions and API token use.

Everything goes to the logger named ``security`` (configured in settings.LOGGING). A line
names the user, the client address and what happened; it never holds a password or a full
API token (tokens appear by their id and key prefix).
"""

from __future__ import annotations

import functools
import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.utils.translation import gettext

logger = logging.getLogger("security")

#: longest username written to the log (a hostile client may send megabytes)
MAX_USERNAME = 150
#: X-Forwarded-For entries looked at, from the right (a chain of proxies is short)
MAX_FORWARDED_HOPS = 20

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.cache
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``settings.TRUSTED_PROXIES`` (addresses or CIDRs) as networks; a typo is an error."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from None
    return tuple(networks)


def parse_address(text: str) -> Address | None:
    """An address as a proxy writes it: ``1.2.3.4``, ``1.2.3.4:5678``, ``::1`` or
    ``[::1]:80``; None for anything else."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address: the one function behind the security log, django-axes
    (``AXES_CLIENT_IP_CALLABLE``) and the API's rate limits.

    The peer (``REMOTE_ADDR``) unless it is one of ``settings.TRUSTED_PROXIES``; then the
    right-most ``X-Forwarded-For`` entry that is not a trusted proxy. Entries to its left
    were written by the client and may say anything, so the left-most is never taken. A
    header with nothing usable leaves the peer's address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or remote is None:
        return remote
    peer = parse_address(remote)
    if peer is None or not any(peer in network for network in networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = forwarded.split(",")[::-1][:MAX_FORWARDED_HOPS]
    for hop in hops:
        address = parse_address(hop)
        if address is None:
            # Not written by a proxy we trust: what lies further left cannot be believed.
            return remote
        if not any(address in network for network in networks):
            return str(address)
    return remote


def client_ip(request) -> str:
    """:func:`client_address` for a log line ("-" when unknown)."""
    return client_address(request) or "-"


def _clean(value) -> str:
    """A value safe for one log line: no line breaks, bounded length."""
    text = str(value or "")[:MAX_USERNAME]
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _path(request) -> str:
    return _clean(getattr(request, "path", "-")) if request is not None else "-"


def _username(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return _clean(user.get_username())


@receiver(user_login_failed, dispatch_uid="security-login-failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` is already cleansed by Django (password -> ****), but only the username
    # is logged anyway.
    logger.warning(
        "login_failed username=%s ip=%s path=%s",
        _clean(credentials.get("username")),
        client_ip(request),
        _path(request),
    )


@receiver(user_logged_in, dispatch_uid="security-logged-in")
def log_logged_in(sender, request, user, **kwargs):
    logger.info(
        "login username=%s ip=%s path=%s", _username(user), client_ip(request), _path(request)
    )


def log_lockout(request, username) -> None:
    logger.warning(
        "lockout username=%s ip=%s path=%s", _clean(username), client_ip(request), _path(request)
    )


def log_permission_denied(request, *, status: int, reason: str = "") -> None:
    logger.warning(
        "permission_denied status=%s user=%s ip=%s method=%s path=%s%s",
        status,
        _username(getattr(request, "user", None)),
        client_ip(request),
        getattr(request, "method", "-"),
        _path(request),
        f" reason={_clean(reason)}" if reason else "",
    )


def log_token_used(request, token) -> None:
    logger.info(
        "api_token_used token_id=%s prefix=%s user=%s ip=%s method=%s path=%s",
        token.pk,
        token.prefix,
        _username(token.user),
        client_ip(request),
        getattr(request, "method", "-"),
        _path(request),
    )


def log_token_refused(request, *, reason: str) -> None:
    logger.warning(
        "api_token_refused reason=%s ip=%s method=%s path=%s",
        reason,
        client_ip(request),
        getattr(request, "method", "-"),
        _path(request),
    )


def log_axes_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    log_lockout(request, username)


class SecurityLogMiddleware:
    """Logs every refused request (401/403) of the admin, the dashboards and the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403):
            log_permission_denied(request, status=response.status_code)
        return response


class RevokeApiTokensOnPasswordChange:
    """Listed in ``AUTH_PASSWORD_VALIDATORS`` for its ``password_changed`` hook: Django calls
    it whenever a user's password is set and saved (the admin's password form, the
    ``changepassword`` command, the password-change and reset views), never when a login
    merely re-hashes the same password. A new password revokes every API token of the user:
    someone who knew the old password may have issued one. It validates nothing; its help
    text tells the user so."""

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is None or user.pk is None:
            return
        from portfolio.services import tokens_revoke_for_user

        revoked = tokens_revoke_for_user(user=user)
        if revoked:
            logger.info(
                "api_tokens_revoked reason=password_changed user=%s count=%s",
                _username(user),
                revoked,
            )

    def get_help_text(self) -> str:
        return gettext("A new password revokes the account's API tokens.")
