"""Run the benchmark (bars P1-P7); writes bench-results.json and docs/benchmarks.md."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portfolio.bench import harness as bench


class Command(BaseCommand):
    help = "Measure speed and memory on generated datasets (see docs/benchmarks.md)."

    def add_arguments(self, parser):
        parser.add_argument("--json", default="bench-results.json")
        parser.add_argument("--markdown", default="docs/benchmarks.md")
        parser.add_argument("--skip-p7", action="store_true", help="skip the gunicorn run")
        parser.add_argument(
            "--xl",
            action="store_true",
            help="bar P8 on PostgreSQL: the large set against ten times it (make bench-pg-xl)",
        )
        parser.add_argument(
            "--rewrite",
            action="store_true",
            help="measure nothing: rewrite the markdown from the JSON (after editing "
            "docs/benchmark-notes.md)",
        )

    def handle(
        self, *args, json: str, markdown: str, skip_p7: bool, rewrite: bool, xl: bool, **options
    ):
        root = Path(settings.BASE_DIR)
        write = bench.markdown_xl if xl else bench.markdown
        if rewrite:
            report = _json.loads((root / json).read_text(encoding="utf-8"))
            (root / markdown).write_text(write(report), encoding="utf-8")
            self.stdout.write(f"wrote {markdown} from {json}")
            return

        def log(line: str) -> None:
            self.stdout.write(line, ending="\n")

        report = bench.run_xl(log) if xl else bench.run(log, skip_p7=skip_p7)
        (root / json).write_text(
            _json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
        (root / markdown).write_text(write(report), encoding="utf-8")
        for name, bar in report["bars"].items():
            self.stdout.write(
                f"{name}: {bar['figure']} (bound {bar['bound']}) holds={bar['holds']}"
            )
        self.stdout.write(f"total {report['seconds']:.0f} s; wrote {json} and {markdown}")


_json = json
