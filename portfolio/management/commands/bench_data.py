"""Generate the benchmark dataset (bulk inserts) into the configured database."""

import time

from django.core.management.base import BaseCommand

from portfolio.bench.dataset import generate


class Command(BaseCommand):
    help = "Generate the benchmark dataset: N startups with rounds, transitions, KPIs, a fund."

    def add_arguments(self, parser):
        parser.add_argument("--startups", type=int, default=10_000)

    def handle(self, *args, startups, **options):
        started = time.perf_counter()
        sizes = generate(startups=startups)
        elapsed = time.perf_counter() - started
        self.stdout.write(", ".join(f"{k}={v}" for k, v in sizes.items()))
        self.stdout.write(f"generated in {elapsed:.1f} s")
