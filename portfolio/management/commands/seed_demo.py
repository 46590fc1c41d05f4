"""Load the demo data (idempotent) and create the demo users that do not exist yet.

With DEBUG on (``make demo``) the users get the public demo password of the README. With
DEBUG off the command refuses unless given ``--allow-production``, and then gives each new
user a random password, printed once. An existing user is never changed.
"""

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portfolio.demo.loader import DEMO_PASSWORD, DemoLoader


def random_password() -> str:
    return secrets.token_urlsafe(12)


class Command(BaseCommand):
    help = "Load the demo data from the source article plus illustrative rows; create demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="with DEBUG off: load anyway, giving new demo users random passwords "
            "(printed once)",
        )

    def handle(self, *args, allow_production=False, **options):
        # TESTING is the test run only: settings refuse it with DEBUG off anywhere else.
        development = settings.DEBUG or settings.TESTING
        if not development and not allow_production:
            raise CommandError(
                "DEBUG is off: seed_demo would create a superuser and staff accounts in a "
                "production configuration. Add --allow-production to load the demo anyway "
                "(new users get random passwords, printed once), or set DEBUG=1 for a "
                "development demo."
            )
        loader = DemoLoader(out=self.stdout)
        if loader.load():
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        logins = loader.users(password=(lambda: DEMO_PASSWORD) if development else random_password)
        self.stdout.write("")
        if development:
            self.stdout.write(f"Demo logins (password for new ones: {DEMO_PASSWORD}):")
        else:
            self.stdout.write("Demo logins (random passwords, shown this once; note them now):")
        for login in logins:
            if login.password is None:
                shown = "(existing account, left unchanged)"
            elif development:
                shown = ""
            else:
                shown = f"password: {login.password}"
            self.stdout.write(f"  {login.username:<8} {login.description:<28} {shown}".rstrip())
        base = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        self.stdout.write(f"Admin: {base}/admin/")
