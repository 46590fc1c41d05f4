"""API tokens from the command line (contract, "Tokens and exports").

``api_token USERNAME [--read-only] [--expires-days N] [--name TEXT]`` issues a token and
prints its key once; ``api_token [USERNAME] --list`` lists tokens (never a key);
``api_token [USERNAME] --revoke ID`` revokes one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portfolio import services
from portfolio.management.users import user_named
from portfolio.models import ApiToken

COLUMNS = ("id", "user", "name", "scope", "created", "last used", "expires", "status")


def when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = (
        "Issue an API token for USERNAME and print its key (only a digest is stored: the key "
        "cannot be shown again); or --list the tokens, or --revoke one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--name", default="", help="A label, e.g. the script using it.")
        parser.add_argument(
            "--read-only", action="store_true", help="The token may read; every write is 403."
        )
        parser.add_argument(
            "--expires-days",
            type=int,
            metavar="N",
            help="The token stops working N days from now (401 afterwards).",
        )
        parser.add_argument(
            "--revoke-others", action="store_true", help="Revoke the user's earlier tokens."
        )
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--list", action="store_true", help="List the tokens (of USERNAME, or everyone's)."
        )
        action.add_argument("--revoke", type=int, metavar="ID", help="Revoke the token ID.")

    def handle(self, *args, username, name, read_only, expires_days, revoke_others, **options):
        user = user_named(username) if username else None
        if options["list"]:
            self.list(user)
            return
        if options["revoke"] is not None:
            self.revoke(options["revoke"], user)
            return
        if user is None:
            raise CommandError("Name the user: api_token USERNAME (or --list, --revoke ID).")
        if revoke_others:
            services.tokens_revoke_for_user(user=user)
        try:
            _token, key = services.token_issue(
                user=user, name=name, read_only=read_only, expires_days=expires_days
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(key)

    def list(self, user) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "id")
        if user is not None:
            tokens = tokens.filter(user=user)
        now = timezone.now()
        rows = [
            (
                str(token.pk),
                token.user.get_username(),
                token.name or "-",
                token.scope,
                when(token.created_at),
                when(token.last_used_at),
                when(token.expires_at) if token.expires_at else "never",
                token.status(now),
            )
            for token in tokens
        ]
        widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
        for row in [COLUMNS, *rows]:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )

    def revoke(self, pk: int, user) -> None:
        tokens = ApiToken.objects.all() if user is None else ApiToken.objects.filter(user=user)
        try:
            token = tokens.get(pk=pk)
        except ApiToken.DoesNotExist:
            raise CommandError(f"No token {pk}" + (" of that user." if user else ".")) from None
        try:
            services.token_revoke(token=token)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Revoked token {token.pk} ({token.prefix}…) of {token.user}.")
