"""API tokens for scripts, stored hashed: the key is shown once, only its digest is kept."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


def token_digest(key: str) -> str:
    """SHA-256 of the key: keys are long random strings, so a fast hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key for ``Authorization: Token <key>``; revoked keys stop working at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
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

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @classmethod
    def issue(cls, user, *, name: str = "") -> tuple[ApiToken, str]:
        """Create a token for ``user``; returns it with the plain key (shown only now)."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, prefix=key[:PREFIX_LENGTH], digest=token_digest(key), name=name
        )
        return token, key
