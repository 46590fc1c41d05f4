"""What the management commands share about users."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_named(username: str):
    """The user whose username is ``username``; a ``CommandError`` naming it when none is."""
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None
