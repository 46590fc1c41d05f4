"""Founders (issue 15): a user linked to one startup, who sees only that startup's rows.

The role is the group ``founders`` (migration 0014). Its marker permission
``portfolio.scoped_to_own_startup`` is what makes a user a founder for the scoping of
``portfolio.selectors.scope``; the membership says which startup. A startup may have several
founders; a user is the founder of at most one startup. Written by
``portfolio.services.founders`` (``founder_add``, ``founder_invite``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portfolio.models.common import belongs_to, done_by
from portfolio.models.pipeline import Startup

#: the role's group (data migration 0014) and the permission that scopes its members
FOUNDERS_GROUP = "founders"
SCOPE_CODENAME = "scoped_to_own_startup"
SCOPE_PERMISSION = f"portfolio.{SCOPE_CODENAME}"


class FounderMembership(models.Model):
    """Which startup a founder's account belongs to (and their title there)."""

    user = belongs_to(
        settings.AUTH_USER_MODEL,
        _("user"),
        "founder_membership",
        one=True,
        on_delete=models.CASCADE,
    )
    startup = belongs_to(Startup, _("startup"), "founder_memberships")
    title = models.CharField(
        _("job title"), max_length=100, blank=True, help_text=_("E.g. 创始人兼CEO, CTO.")
    )
    invited_by = done_by(_("invited by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["startup", "user"]
        verbose_name = _("founder")
        verbose_name_plural = _("founders")
        permissions = [
            (SCOPE_CODENAME, _("Sees only the rows of their own startup (founders)")),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.startup}"
