"""How a request is recognised: API tokens for scripts, stored hashed (the key is shown once,
only its digest is kept), the browser's sessions (``BrowserSession``) and the API's
rate-limit counters kept in the database (``RateCounter``).

A token has a scope (read-write, or read-only: 403 on every write), may expire (401 from
then on), is revoked by hand (command or admin) and is revoked when its user's password
changes (``portfolio.security.RevokeApiTokensOnPasswordChange``). Issued and revoked by
``portfolio.services.tokens``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.models.common import belongs_to
from portfolio.models.rules import one_of, positive

PREFIX_LENGTH = 8


class TokenScope(models.TextChoices):
    READ_WRITE = "read-write", _("read and write")
    READ_ONLY = "read-only", _("read only")


def token_digest(key: str) -> str:
    """SHA-256 of the key: keys are long random strings, so a fast hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key for ``Authorization: Token <key>``; revoked keys stop working at once."""

    user = belongs_to(settings.AUTH_USER_MODEL, _("user"), "api_tokens", on_delete=models.CASCADE)
    prefix = models.CharField(
        _("key prefix"),
        max_length=PREFIX_LENGTH,
        help_text=_("The first characters of the key, to recognise it; the key is not stored."),
    )
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)
    scope = models.CharField(
        _("scope"), max_length=16, choices=TokenScope.choices, default=TokenScope.READ_WRITE
    )
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: the token does not expire.")
    )

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            one_of(
                "api_token_scope_known",
                "scope",
                TokenScope,
                message=_("A token's scope is read-write or read-only."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @property
    def read_only(self) -> bool:
        return self.scope == TokenScope.READ_ONLY

    def expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def status(self, now: dt.datetime | None = None) -> str:
        """ "revoked", "expired" or "active" (for lists; the API checks the fields)."""
        if self.revoked:
            return "revoked"
        return "expired" if self.expired(now) else "active"

    @classmethod
    def issue(
        cls,
        user,
        *,
        name: str = "",
        scope: str = TokenScope.READ_WRITE,
        expires_at: dt.datetime | None = None,
    ) -> tuple[ApiToken, str]:
        """Create a token for ``user``; returns it with the plain key (shown only now)."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            prefix=key[:PREFIX_LENGTH],
            digest=token_digest(key),
            name=name,
            scope=scope,
            expires_at=expires_at,
        )
        return token, key


class BrowserSession(AbstractBaseSession):
    """A browser's session: Django's database session (key, signed data, expiry) with the
    key of the user logged in to it, so that a request reads the session and its user in one
    query (``portfolio.session_auth``). The data stays the one source of who is logged in;
    the column is written from it whenever the session is saved. A user's sessions go with
    the user."""

    user = belongs_to(
        settings.AUTH_USER_MODEL,
        _("user"),
        "+",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "portfolio_session"

    @classmethod
    def get_session_store_class(cls):
        from portfolio.session_auth import SessionStore

        return SessionStore


class RateCounter(models.Model):
    """One rate limit's count of one client in one window (``portfolio.api.throttles``),
    when the shared store is the database (no Redis): ``throttle_<scope>_<client>_<window>``
    and its requests so far, counted by one ``INSERT ... ON CONFLICT DO UPDATE`` a request.
    A row is useless once its window has ended (``expires``): the first request of a new
    window deletes the ended ones."""

    key = models.CharField(_("key"), max_length=255, primary_key=True)
    count = models.PositiveIntegerField(_("count"))
    expires = models.DateTimeField(_("expires"), db_index=True)  # the ended windows' DELETE

    class Meta:
        ordering = ["key"]
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        constraints = [
            positive(
                "rate_counter_count_positive",
                "count",
                message=_("A counter counts at least the request that made it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
