"""Load the demo data (idempotent) and create one demo user per role."""

import os

from django.core.management.base import BaseCommand

from portfolio.demo.loader import DEMO_PASSWORD, DemoLoader


class Command(BaseCommand):
    help = "Load the demo data from the source article plus illustrative rows; create demo users."

    def handle(self, *args, **options):
        loader = DemoLoader(out=self.stdout)
        if loader.load():
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        logins = loader.users()
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username:<8} {description}")
        base = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        self.stdout.write(f"Admin: {base}/admin/")
