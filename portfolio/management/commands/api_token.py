"""Issue an API token: ``python manage.py api_token USERNAME`` prints the key once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portfolio.models import ApiToken


class Command(BaseCommand):
    help = (
        "Issue an API token for USERNAME and print its key. Only a digest is stored: "
        "the key cannot be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="A label, e.g. the script using it.")
        parser.add_argument(
            "--revoke-others",
            action="store_true",
            help="Revoke the user's earlier tokens.",
        )

    def handle(self, *args, username: str, name: str, revoke_others: bool, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        if revoke_others:
            ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
        _token, key = ApiToken.issue(user, name=name)
        self.stdout.write(key)
