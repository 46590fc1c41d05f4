"""The answers of every API list, detail, report and export, byte for byte (issue 17).

Performance work changes how an answer is built (plain rows, raw SQL, another renderer),
never the answer. This test loads two worlds, the demo data and the benchmark's small set
(1,000 startups), each with the clock stopped at ``FROZEN`` and the id sequences where a fresh
database has them, fetches every URL of ``golden_urls`` as a superuser and compares a SHA-256
of each answer with ``tests/golden/answers-<database>.json`` (JSON and CSV: the bytes; XLSX:
every sheet's cell values, as the file also holds the time it was written).

After a change that *means* to change an answer (a new field, a fixed bug), write the
fingerprints again and commit them with the change, which shows in review which answers moved:

    GOLDEN_UPDATE=1 TESTING=1 .venv-test/bin/python -m pytest tests/test_golden.py
    GOLDEN_UPDATE=1 TESTING=1 DATABASE_URL=postgres://... .venv-test/bin/python -m pytest ...

``GOLDEN_DUMP=<folder>`` also writes each answer's bytes there, to see what moved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import Client

from portfolio.api.urls import router
from portfolio.models import Fund

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FROZEN = dt.datetime(2026, 12, 31, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GOLDEN = Path(__file__).parent / "golden"
YEAR = 2025  # a whole year of the demo's and the benchmark's data


def golden_urls() -> list[str]:
    """Every router resource (its first page, CSV and XLSX exports, its first row's detail),
    every report and the first fund's answers, with dates given where a page takes one."""
    urls = []
    for prefix, viewset, basename in router.registry:
        base = f"/api/v1/{prefix}/"
        model = apps.get_model("portfolio", basename)
        first = model.objects.order_by("pk").first()
        urls += [base, f"{base}?format=csv", f"{base}?format=xlsx"]
        if model.objects.count() > 14:  # a page from the middle
            urls.append(f"{base}?page=2&page_size=7")
        if first is not None:
            urls.append(f"{base}{getattr(first, viewset.lookup_field)}/")
    urls += [
        "/api/v1/reports/pipeline/",
        "/api/v1/reports/pipeline/?population=all&format=csv",
        "/api/v1/reports/valley/",
        "/api/v1/reports/valley/?population=tracked",
        f"/api/v1/reports/transfer-funnel/?year={YEAR}",
        f"/api/v1/reports/impact/?year={YEAR}",
        f"/api/v1/reports/impact/?year={YEAR}&population=all&format=csv",
        f"/api/v1/reports/impact/?year={YEAR}&format=xlsx",
        f"/api/v1/reports/incubation/?year={YEAR}",
        f"/api/v1/reports/incubation/?year={YEAR}&format=csv",
        f"/api/v1/facilities/utilisation/?year={YEAR}",
        f"/api/v1/space-leases/occupancy/?on={YEAR}-06-30",
        f"/api/v1/mentors/per-10-incubatees/?on={YEAR}-06-30",
    ]
    fund = Fund.objects.order_by("pk").first()
    if fund is not None:
        base = f"/api/v1/funds/{fund.pk}/"
        urls += [
            f"{base}report/",
            f"{base}report/?as_of={YEAR}-12-31",
            f"{base}holdings/",
            f"{base}holdings/?format=csv",
            f"{base}policy/",
            f"{base}investees/?format=csv",
            f"{base}lp-report/",
            f"{base}capital-accounts/?start={YEAR}-01-01&end={YEAR}-12-31",
            f"/api/v1/management-fees/?fund={fund.pk}",
        ]
    return urls


def fingerprint(response, url: str) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if os.environ.get("GOLDEN_DUMP"):  # a folder: each answer's bytes, to diff a change
        name = hashlib.sha256(url.encode()).hexdigest()[:16]
        Path(os.environ["GOLDEN_DUMP"], f"{connection.vendor}-{name}").write_bytes(body)
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        cells = [[sheet.title, *sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
        body = repr(cells).encode()
    return f"{response.status_code} {hashlib.sha256(body).hexdigest()}"


def fresh_sequences() -> None:
    """Ids numbered as in a fresh database: the next id of each table is one past its
    largest, whatever earlier tests inserted and rolled back (PostgreSQL's sequences are not
    transactional; SQLite's are, but a flushing test leaves them high)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence")
            return
        # setval(.., max(id)) as loaddata does; an empty table's next id is 1
        models = apps.get_app_config("portfolio").get_models()
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def answers(load) -> dict[str, str]:
    """The fingerprint of every golden URL in a world built by ``load`` (rolled back)."""
    with mock.patch("django.utils.timezone.now", return_value=FROZEN), transaction.atomic():
        fresh_sequences()
        load()
        user = get_user_model().objects.create_superuser("golden", "golden@example.com", None)
        client = Client()
        client.force_login(user)
        result = {}
        for url in golden_urls():
            cache.clear()  # the export rate limit (30 a minute) is not what this test is about
            result[url] = fingerprint(client.get(url), url)
            if "/reports/" in url or "/funds/" in url:
                # a report again: answered from the report cache, byte for byte the same
                assert fingerprint(client.get(url), url) == result[url], url
        transaction.set_rollback(True)
    return result


def demo() -> None:
    call_command("seed_demo", verbosity=0)


def bench_small() -> None:
    from portfolio.bench.dataset import generate

    generate(startups=1000)


@pytest.mark.parametrize("world", [demo, bench_small], ids=["demo", "bench-small"])
def test_every_answer_is_byte_identical_to_the_golden_one(world):
    path = GOLDEN / f"answers-{connection.vendor}.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    got = answers(world)
    assert all(code.startswith("200 ") for code in got.values()), {
        url: code for url, code in got.items() if not code.startswith("200 ")
    }
    if os.environ.get("GOLDEN_UPDATE"):
        known[world.__name__] = got
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
    expected = known.get(world.__name__)
    assert expected is not None, f"no golden answers for {world.__name__}: see the docstring"
    changed = sorted(
        url for url in expected.keys() | got.keys() if expected.get(url) != got.get(url)
    )
    assert not changed, f"answers changed (or URLs added/removed): {changed}"
