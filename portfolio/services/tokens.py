"""API tokens: issued (the key shown once), revoked by hand, revoked with a password change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portfolio.models import ApiToken, TokenScope
from portfolio.services import messages as msg
from portfolio.services.common import refuse

#: the longest lifetime a token may be given (ten years); no expiry at all is also allowed
MAX_EXPIRES_DAYS = 3650


@transaction.atomic
def token_issue(
    *,
    user: Any,
    name: str = "",
    read_only: bool = False,
    expires_days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``: returns it and its key, which is stored only as a digest."""
    if not user.is_active:
        refuse("user", msg.USER_INACTIVE, "inactive")
    max_name = ApiToken._meta.get_field("name").max_length
    if len(name) > max_name:
        refuse("name", msg.NAME_TOO_LONG, "max_length", max=max_name)
    expires_at = None
    if expires_days is not None:
        if isinstance(expires_days, bool) or not 1 <= expires_days <= MAX_EXPIRES_DAYS:
            refuse("expires_days", msg.EXPIRES_DAYS, "invalid", max=MAX_EXPIRES_DAYS)
        expires_at = timezone.now() + dt.timedelta(days=expires_days)
    scope = TokenScope.READ_ONLY if read_only else TokenScope.READ_WRITE
    return ApiToken.issue(user, name=name, scope=scope, expires_at=expires_at)


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke one token: it is answered 401 from the next request on."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked:
        raise ValidationError(msg.ALREADY_REVOKED, code="revoked")
    token.revoked = True
    token.save(update_fields=["revoked"])
    return token


def tokens_revoke_for_user(*, user: Any) -> int:
    """Revoke every live token of ``user`` (a new password, ``--revoke-others``)."""
    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
