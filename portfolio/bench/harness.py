"""The benchmark behind `make bench` (bars P1-P7 of ../shared/docs/quality.md, P9 of issue 17).

Two generated datasets (small = 1/10 of large) live in their own databases, so the demo
data is never touched: SQLite files under ``bench-data/`` or PostgreSQL databases
``bench_small`` / ``bench_large`` on the server of ``DATABASE_URL``. One process switches the
default connection between them and measures, each figure the median of several runs after
a warm-up, side by side:

- P1 queries per API list request at page_size 10 and 500 (plain and filtered);
- P2 API list time per row against ``.values()`` + ``json.dumps`` of the same rows;
- P4 CSV/XLSX export of every funding round: rows/s, peak Python memory small vs large, and
  the CSV time against the database's own CSV dump of the same query;
- P5 dashboard pages and the pipeline/valley/fund/impact reports and the statistics return
  against raw SQL aggregates;
- P6 admin changelists: queries at both sizes, and time;
- P7 requests/s of the startups list under gunicorn against a trivial JSON endpoint;
- P9 each dashboard page's server time against the time of its own SQL (its SELECTs
  replayed through a plain cursor), on the large set.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import gc
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from incubator import gunicorn

ROOT = Path(settings.BASE_DIR)
SIZES = {"small": 1_000, "large": 10_000}
#: bar P8 (``make bench-pg-xl``, PostgreSQL only): ten times the large set
XL_SIZES = {"xl": 100_000}
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
#: P2's pages and baselines, timed in turn (``side_by_side``): at least 25 rounds and
#: 1.5 s of each list and size, about half a minute in all (on a 50-row page, 25 rounds
#: read 1.52 and 1.60 in two runs)
P2_RUNS = max(RUNS, 25)
P2_SECONDS = float(os.environ.get("BENCH_P2_SECONDS", "1.5"))
#: P5's reports and baselines: at least RUNS rounds, more until this many seconds have gone
P5_SECONDS = float(os.environ.get("BENCH_P5_SECONDS", "1.0"))

LISTS = {
    # endpoint: a filtered variant (every list also measured without filters)
    "/api/v1/institutions/": "kind=university",
    "/api/v1/stages/": "",
    "/api/v1/startups/": "tech_area=computing&in_valley=false&founded_after=2010-01-01",
    "/api/v1/stage-transitions/": "after=2016-01-01&to_stage=pilot",
    "/api/v1/milestones/": "after=2016-01-01",
    "/api/v1/kpi-reports/": "quarter=2",
    "/api/v1/investors/": "kind=vc",
    "/api/v1/funding-rounds/": "round_type=a&amount_min=100000&closed_after=2016-01-01",
    "/api/v1/funds/": "",
    "/api/v1/commitments/": "status=approved",
    "/api/v1/disbursements/": "after=2025-01-01",
    "/api/v1/valuation-marks/": "method=other",
    "/api/v1/distributions/": "kind=exit",
    "/api/v1/kpi-requests/": "year=2025",
    "/api/v1/kpi-submissions/": "status=submitted&year=2025",
    "/api/v1/facilities/": "kind=clean_room",
    "/api/v1/facility-bookings/": "kind=dilution_refrigerator&starts_after=2024-02-01",
    "/api/v1/tech-transfers/": "mode=equity&ip_kind=invention&contract_after=2018-01-01",
    "/api/v1/space-leases/": "kind=lab&starts_after=2022-01-01",
    "/api/v1/mentors/": "kind=investor",
    "/api/v1/mentoring-sessions/": "kind=technical&held_after=2025-01-01",
    "/api/v1/incubation-agreements/": "deadline_after=2024-01-01",
    "/api/v1/policy-applications/": "status=approved&valid_on=2024-06-30",
    "/api/v1/financing-introductions/": "outcome=invested&introduced_after=2018-01-01",
    # the tranches of the commitment planned in 300 (``dataset.plan_tranches``): one list,
    # not paginated; measured at both sizes like the others
    "/api/v1/commitments/{commitment}/tranches/": "",
}

BOUNDS = {"P1": 6, "P2": 3.0, "P4": 1.5, "P4_dump": 5.0, "P5": 2.0, "P6": 0, "P9": 2.0}


# --- databases ---------------------------------------------------------------------------------


def _vendor() -> str:
    return connection.vendor


def database_settings(size: str) -> dict[str, Any]:
    base = dict(settings.DATABASES["default"])
    if _vendor() == "sqlite":
        folder = ROOT / "bench-data"
        folder.mkdir(exist_ok=True)
        base["NAME"] = str(folder / f"bench-{size}.sqlite3")
    else:
        base["NAME"] = f"bench_{size}"
    # connections kept between requests, as docs/deploy.md has production run (``Served``)
    base["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    return base


def _ensure_postgres_database(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


def use_database(size: str) -> dict[str, Any]:
    """Point the default connection at the benchmark database of ``size``."""
    target = database_settings(size)
    connections.close_all()
    if _vendor() == "postgresql":
        _ensure_postgres_database(target["NAME"])
    connections.databases["default"].update(target)
    connection.settings_dict.update(target)
    return target


def build(size: str, log: Callable[[str], None]) -> dict[str, int]:
    """Migrate and fill the database of ``size`` unless it already holds the dataset."""
    from portfolio.bench.dataset import generate
    from portfolio.models import FundingRound, KpiRequest, SpaceLease, Startup

    use_database(size)
    call_command("migrate", verbosity=0, interactive=False)
    wanted = {**SIZES, **XL_SIZES}[size]
    # A dataset from before the founders' layer (no KPI requests) or the operations' and
    # transfers' layers (no space leases) is made again.
    if (
        Startup.objects.count() != wanted
        or not KpiRequest.objects.exists()
        or not SpaceLease.objects.exists()
    ):
        if Startup.objects.exists():
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        generate(startups=wanted)
        log(f"  generated {size} dataset in {time.perf_counter() - started:.0f} s")
    if _vendor() == "postgresql":
        # as a production database is kept (autovacuum): the visibility map lets COUNT and
        # the index-only scans skip the heap, the statistics give the planner the sizes
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")
    User = get_user_model()
    user, created = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    if created or not user.is_superuser:
        user.is_superuser = True
        user.save()
    from portfolio.models import (
        Commitment,
        FacilityBooking,
        FinancingIntroduction,
        KpiReport,
        KpiSubmission,
        MentoringSession,
        Participation,
        PolicyApplication,
        StageTransition,
        TechTransfer,
        Tranche,
    )

    return {
        "startups": Startup.objects.count(),
        "funding_rounds": FundingRound.objects.count(),
        "participations": Participation.objects.count(),
        "stage_transitions": StageTransition.objects.count(),
        "kpi_reports": KpiReport.objects.count(),
        "commitments": Commitment.objects.count(),
        "tranches": Tranche.objects.count(),
        "kpi_requests": KpiRequest.objects.count(),
        "kpi_submissions": KpiSubmission.objects.count(),
        "facility_bookings": FacilityBooking.objects.count(),
        "tech_transfers": TechTransfer.objects.count(),
        "space_leases": SpaceLease.objects.count(),
        "mentoring_sessions": MentoringSession.objects.count(),
        "policy_applications": PolicyApplication.objects.count(),
        "financing_introductions": FinancingIntroduction.objects.count(),
    }


# --- measuring ---------------------------------------------------------------------------------


def median_time(fn: Callable[[], Any], runs: int = RUNS, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def side_by_side(
    *fns: Callable[[], Any],
    runs: int,
    warmup: int = 3,
    seconds: float = 0.0,
) -> tuple[float, ...]:
    """The median times of ``fns`` run in turn, one call each a round: all meet the same
    state of the machine, where timing one and then the other let a drift between the two
    stretches of time show as a ratio (P2 of the 50-row mentors page on PostgreSQL read
    1.74 in one run and 1.54 in the next; measured in turn over four runs of 500 rounds,
    1.56-1.62). Each takes its turn to go first, so that none always runs in the same place
    of a round (with three, none always follows the same one). At least ``runs`` rounds,
    and more until ``seconds`` have gone by: a short page gets more rounds than a long
    one."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    times: tuple[list[float], ...] = tuple([] for _ in fns)
    until = time.perf_counter() + seconds
    while len(times[0]) < runs or (time.perf_counter() < until and len(times[0]) < 2000):
        first = len(times[0]) % len(fns)  # each takes its turn to go first
        for at in (*range(first, len(fns)), *range(first)):
            started = time.perf_counter()
            fns[at]()
            times[at].append(time.perf_counter() - started)
    return tuple(statistics.median(kept) for kept in times)


def cold_time(fn: Callable[[], Any]) -> float:
    """``median_time`` with the report cache off (``REPORT_CACHE``): what the answer costs
    to compute, the first request after a write. Information beside the bars' times, which
    after the warm-up are answered from the cache (``portfolio/selectors/report_cache.py``)."""
    with override_settings(REPORT_CACHE=False):
        return median_time(fn)


def query_count(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def client() -> Client:
    c = Client()
    c.force_login(get_user_model().objects.get(username="bench-admin"))
    return c


def fetch(c: Client, url: str) -> bytes:
    response = c.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class Served:
    """GET requests answered by the project's WSGI application as a server's worker calls it
    (gunicorn: an environ in, the body's bytes out), logged in by the session cookie of the
    test client ``c``. Bar P2 times the API's own work so: the test client wraps each request
    in bookkeeping of its own (a copy of the request, signal handlers connected and
    disconnected, the response's test attributes), 0.35 ms of a 50-row mentors page on
    PostgreSQL (2.9 ms in all), which a server does not do. The connection is kept between
    requests (``use_database``: ``CONN_MAX_AGE`` as production runs it)."""

    def __init__(self, c: Client):
        from django.core.handlers.wsgi import WSGIHandler

        self.application = WSGIHandler()
        self.cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in c.cookies.items())

    def environ(self, url: str) -> dict[str, Any]:
        path, _, query = url.partition("?")
        return {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "testserver",
            "HTTP_COOKIE": self.cookie,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    def __call__(self, url: str) -> bytes:
        status: list[str] = []
        body = self.application(
            self.environ(url), lambda line, _headers, _info=None: status.append(line)
        )
        try:
            content = b"".join(body)
        finally:
            body.close()  # the end of the request (request_finished), as a server ends it
        if not status[0].startswith("200"):
            raise RuntimeError(f"{url} answered {status[0]}")
        return content


def _url(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


# --- P1 / P2 -------------------------------------------------------------------------------------


def p1_queries(c: Client) -> dict[str, dict[str, int]]:
    rows = {}
    for path, filters in LISTS.items():
        path = path.format(commitment=biggest_tranche_plan())
        variants = {"plain": ""}
        if filters:
            variants["filtered"] = filters
        for label, query in variants.items():
            counts = {}
            for page_size in (10, 500):
                full = "&".join(q for q in (query, f"page_size={page_size}") if q)
                url = _url(path, full)
                counts[f"page_size_{page_size}"] = query_count(lambda u=url: fetch(c, u))
            rows[f"{path} {label}"] = counts
    return rows


def biggest_tranche_plan() -> int:
    """The commitment with the most tranches (``dataset.plan_tranches`` plans one in 300)."""
    from django.db.models import Count

    from portfolio.models import Commitment

    return (
        Commitment.objects.annotate(n=Count("tranches"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[0]
    )


# The baselines read the API rows' own columns (``RowSpec.values``: "same columns", bar P2).


def baseline_startups() -> bytes:
    from portfolio.models import Startup
    from portfolio.models.specs import STARTUP

    rows = list(
        Startup.objects.with_funding_totals().order_by("name").values(*STARTUP.values)[:500]
    )
    return json.dumps(rows, default=str).encode()


def baseline_rounds() -> bytes:
    from portfolio.models import FundingRound, Participation
    from portfolio.models.specs import FUNDING_ROUND

    rows = list(
        FundingRound.objects.order_by("-closed_on", "id").values(*FUNDING_ROUND.values)[:500]
    )
    ids = [row["id"] for row in rows]
    participants: dict[int, list] = {}
    for part in Participation.objects.filter(funding_round_id__in=ids).values(
        "funding_round_id", "investor_id", "investor__name", "amount"
    ):
        participants.setdefault(part["funding_round_id"], []).append(part)
    for row in rows:
        row["participants"] = participants.get(row["id"], [])
    return json.dumps(rows, default=str).encode()


def baseline_kpi_submissions() -> bytes:
    from portfolio.models import KpiSubmission
    from portfolio.models.specs import KPI_SUBMISSION

    rows = list(
        KpiSubmission.objects.order_by(
            "-year", "-quarter", "startup__name", "-submitted_at"
        ).values(*KPI_SUBMISSION.values)[:500]
    )
    return json.dumps(rows, default=str).encode()


# The operations' and transfers' lists have no row spec: their baselines read the columns
# of the lists' own serializers, in the viewsets' order.


def serializer_values(serializer_class) -> tuple[str, ...]:
    """The ``.values()`` columns behind ``serializer_class``'s fields: a dotted source
    (``startup.name``) is read as ``startup__name``; a method or nested field is the
    caller's to add, as is a constant (the currency, ``source="*"``)."""
    from rest_framework import serializers

    return tuple(
        field.source.replace(".", "__")
        for field in serializer_class().fields.values()
        if field.source != "*"
        and not isinstance(field, serializers.SerializerMethodField | serializers.BaseSerializer)
    )


def baseline_values(viewset: str):
    """A baseline of one page of 500 rows of the list of ``viewset`` (a name in
    ``portfolio.api.operations`` or ``portfolio.api.incubation``): ``.values()`` of its
    serializer's columns, in its order, + ``json.dumps``."""

    def baseline() -> bytes:
        from portfolio.api import incubation, operations

        view = getattr(operations, viewset, None) or getattr(incubation, viewset)
        rows = list(
            view.queryset.model.objects.order_by(*view.ordering).values(
                *serializer_values(view.serializer_class)
            )[:500]
        )
        return json.dumps(rows, default=str).encode()

    return baseline


def baseline_tech_transfers() -> bytes:
    from portfolio.api.transfers import TechTransferSerializer, TechTransferViewSet
    from portfolio.models import TechTransfer, TechTransferIpItem

    rows = list(
        TechTransfer.objects.order_by(*TechTransferViewSet.ordering).values(
            *serializer_values(TechTransferSerializer)
        )[:500]
    )
    items: dict[int, list] = {}
    for item in TechTransferIpItem.objects.filter(
        transfer_id__in=[row["id"] for row in rows]
    ).values("transfer_id", "kind", "application_number", "title"):
        items.setdefault(item.pop("transfer_id"), []).append(item)
    for row in rows:
        row["currency"] = "CNY"
        row["ip_items"] = items.get(row["id"], [])
    return json.dumps(rows, default=str).encode()


#: (name, list, baseline, model whose rows it pages: fewer than 500 at the small size)
P2_LISTS = (
    ("startups", "/api/v1/startups/", baseline_startups, "Startup"),
    ("funding-rounds", "/api/v1/funding-rounds/", baseline_rounds, "FundingRound"),
    ("kpi-submissions", "/api/v1/kpi-submissions/", baseline_kpi_submissions, "KpiSubmission"),
    ("tech-transfers", "/api/v1/tech-transfers/", baseline_tech_transfers, "TechTransfer"),
    (
        "space-leases",
        "/api/v1/space-leases/",
        baseline_values("SpaceLeaseViewSet"),
        "SpaceLease",
    ),
    (
        "mentors",
        "/api/v1/mentors/",
        baseline_values("MentorViewSet"),
        "Mentor",
    ),
    (
        "mentoring-sessions",
        "/api/v1/mentoring-sessions/",
        baseline_values("MentoringSessionViewSet"),
        "MentoringSession",
    ),
    (
        "policy-applications",
        "/api/v1/policy-applications/",
        baseline_values("PolicyApplicationViewSet"),
        "PolicyApplication",
    ),
    (
        "financing-introductions",
        "/api/v1/financing-introductions/",
        baseline_values("FinancingIntroductionViewSet"),
        "FinancingIntroduction",
    ),
)


def p2_per_row(c: Client) -> dict[str, dict[str, float]]:
    """Each list's 500-row page, served as a server serves it (``Served``), timed in turn
    with its baseline; the same page through the test client too, timed in the same
    rounds, is reported beside it (``client_ratio``: how P2 was timed before)."""
    from portfolio import models

    served = Served(c)
    out = {}
    for name, path, baseline, model_name in P2_LISTS:
        rows = min(500, getattr(models, model_name).objects.count())
        url = f"{path}?page_size=500"
        if served(url) != fetch(c, url):
            raise RuntimeError(f"{url}: served and test client's answers differ")
        api, through_client, base = side_by_side(
            lambda u=url: served(u),
            lambda u=url: fetch(c, u),
            baseline,
            runs=P2_RUNS,
            seconds=P2_SECONDS,
        )
        out[name] = {**p2_figures(rows, api, base), "client_ratio": through_client / base}
    return out


def p2_figures(rows: int, api: float, base: float) -> dict[str, float]:
    """P2's figures of a page of ``rows`` rows served in ``api`` seconds against its
    baseline's ``base``."""
    return {
        "rows": rows,
        "api_us_per_row": api / rows * 1e6,
        "baseline_us_per_row": base / rows * 1e6,
        "ratio": api / base,
    }


# --- P4 ---------------------------------------------------------------------------------------


def export_run(c: Client, fmt: str) -> tuple[float, int, int]:
    """(seconds, bytes, peak Python memory) of exporting every funding round."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    response = c.get(f"/api/v1/funding-rounds/?format={fmt}")
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, size, peak


def export_time(c: Client, fmt: str, runs: int = 3) -> dict[str, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = c.get(f"/api/v1/funding-rounds/?format={fmt}")
        for _chunk in response.streaming_content:
            pass
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times)}


def export_query() -> tuple[str, tuple]:
    """The SQL (and parameters) that ``/api/v1/funding-rounds/?format=csv`` runs: the rounds
    in the list's default order, each with its participants' text (one query;
    ``tests/test_bench.py`` checks it is the query the export view sends)."""
    from portfolio import selectors
    from portfolio.api import rows as api_rows
    from portfolio.api.views import FundingRoundViewSet

    rounds = selectors.funding_round_list().order_by(*FundingRoundViewSet.ordering)
    rows = api_rows.export_query(FundingRoundViewSet.row_spec, rounds)
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def sqlite_literal_sql(sql: str, params: tuple) -> str:
    """``sql`` with its ``%s`` parameters written in as SQLite literals (for the CLI)."""
    with connection.cursor() as cursor:
        quoted = []
        for param in params:
            cursor.execute("SELECT quote(%s)", [param])
            quoted.append(cursor.fetchone()[0])
    return sql % tuple(quoted)


def database_dump(sink=None) -> tuple[str, int]:
    """The database's own CSV dump of the export's query (sqlite3 -csv, or PostgreSQL COPY)
    into ``sink`` (a binary file; None: discarded): (the tool, bytes written)."""
    sql, params = export_query()
    written = 0
    if _vendor() == "sqlite":
        cli = shutil.which("sqlite3")
        literal = sqlite_literal_sql(sql, params)
        if cli:
            out = subprocess.run(
                [cli, "-csv", settings.DATABASES["default"]["NAME"], literal],
                check=True,
                stdout=subprocess.DEVNULL if sink is None else subprocess.PIPE,
            ).stdout
            if sink is not None:
                written = sink.write(out)
            return "sqlite3 -csv", written
        # No CLI: the same query through the sqlite3 module and csv.
        import csv
        import io
        import sqlite3

        db = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        text = io.StringIO()
        csv.writer(text).writerows(db.execute(literal))
        db.close()
        if sink is not None:
            written = sink.write(text.getvalue().encode())
        return "python sqlite3 + csv (no sqlite3 CLI)", written
    with connection.cursor() as cursor:
        copy_sql = f"COPY ({sql}) TO STDOUT WITH CSV"
        with cursor.connection.cursor().copy(copy_sql, params or None) as copy:
            for block in copy:
                if sink is not None:
                    written += sink.write(block)
    return "PostgreSQL COPY ... TO STDOUT WITH CSV", written


def database_dump_time(runs: int = 3) -> dict[str, Any]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        tool, _written = database_dump()
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), "tool": tool}


# --- P5 ---------------------------------------------------------------------------------------


# Hand-written SQL for the same figures as the reports (as of a date, the incubatees -- the
# reports' default population -- and the first fund), each the fastest form found for its
# database; ``tests/test_reports.py`` checks they give the reports' numbers. Parameters:
# %(as_of)s, %(fund)s.
INCUBATEE_MOVES = """
    SELECT t.* FROM portfolio_stagetransition t
      JOIN portfolio_startup s ON s.id = t.startup_id AND s.admitted_on IS NOT NULL
     WHERE t."on" <= %(as_of)s"""
RAW_PIPELINE = {
    # where each startup stood at the date: its latest move by then
    "counts": f"""
        SELECT to_stage_id, COUNT(*) FROM (
            SELECT to_stage_id, ROW_NUMBER() OVER (
                       PARTITION BY startup_id ORDER BY "on" DESC, id DESC) AS rn
              FROM ({INCUBATEE_MOVES}) m) latest
         WHERE rn = 1 GROUP BY to_stage_id""",
    # entered each stage, and of those moved on to a higher stage (not closed) by the date
    "flows": f"""
        SELECT t.to_stage_id, COUNT(DISTINCT t.startup_id),
               COUNT(DISTINCT CASE WHEN EXISTS (
                   SELECT 1 FROM portfolio_stagetransition u
                     JOIN portfolio_stage su ON su.id = u.to_stage_id
                    WHERE u.startup_id = t.startup_id AND u."on" >= t."on"
                      AND u."on" <= %(as_of)s AND su."order" > st."order"
                      AND su.outcome <> 'closed')
               THEN t.startup_id END)
          FROM ({INCUBATEE_MOVES}) t JOIN portfolio_stage st ON st.id = t.to_stage_id
         GROUP BY t.to_stage_id""",
    # the stays per stage (to the next move, or censored at the date), counted by length and
    # ending; the Kaplan-Meier figures are taken in Python (``raw_kaplan_meier``)
    "stays": {
        "sqlite": f"""
            SELECT to_stage_id,
                   CAST(julianday(COALESCE(next_on, %(as_of)s)) - julianday("on") AS INTEGER),
                   next_on IS NOT NULL, COUNT(*)
              FROM (SELECT to_stage_id, "on", LEAD("on") OVER (
                               PARTITION BY startup_id ORDER BY "on", id) AS next_on
                      FROM ({INCUBATEE_MOVES}) m) stays
             GROUP BY 1, 2, 3""",
        "postgresql": f"""
            SELECT to_stage_id, COALESCE(next_on, %(as_of)s::date) - "on",
                   next_on IS NOT NULL, COUNT(*)
              FROM (SELECT to_stage_id, "on", LEAD("on") OVER (
                               PARTITION BY startup_id ORDER BY "on", id) AS next_on
                      FROM ({INCUBATEE_MOVES}) m) stays
             GROUP BY 1, 2, 3""",
    },
    # startups in the pipeline by the date, and how many had crossed the valley
    "totals": """
        SELECT COUNT(*), COUNT(CASE WHEN s.crossed_valley_on <= %(as_of)s THEN 1 END)
          FROM portfolio_startup s
         WHERE s.admitted_on IS NOT NULL AND EXISTS (
               SELECT 1 FROM portfolio_stagetransition t
                WHERE t.startup_id = s.id AND t."on" <= %(as_of)s)""",
}

# The valley report's stays: one row per incubatee that entered the valley by the date, with
# the day it entered, the first later move that ended the stay (to a stage after the last
# valley stage, or to an outcome), where it stood at the date, and its first live
# commitment. Parameters: %(as_of)s, %(last_valley)s.
RAW_VALLEY = {
    "stays": f"""
        WITH moves AS (
            SELECT m.startup_id, m."on", m.id, m.to_stage_id, st.in_valley, st.outcome,
                   st."order"
              FROM ({INCUBATEE_MOVES}) m JOIN portfolio_stage st ON st.id = m.to_stage_id),
        first_valley AS (
            SELECT startup_id, "on" AS started_on, id AS start_id FROM (
                SELECT startup_id, "on", id, ROW_NUMBER() OVER (
                           PARTITION BY startup_id ORDER BY "on", id) AS rn
                  FROM moves WHERE in_valley) v
             WHERE rn = 1),
        ends AS (
            SELECT m.startup_id, m."on" AS ended_on, m.outcome, ROW_NUMBER() OVER (
                       PARTITION BY m.startup_id ORDER BY m."on", m.id) AS rn
              FROM moves m JOIN first_valley f ON f.startup_id = m.startup_id
             WHERE (m."on" > f.started_on OR (m."on" = f.started_on AND m.id > f.start_id))
               AND (m.outcome <> '' OR m."order" > %(last_valley)s)),
        now AS (
            SELECT startup_id, to_stage_id FROM (
                SELECT startup_id, to_stage_id, ROW_NUMBER() OVER (
                           PARTITION BY startup_id ORDER BY "on" DESC, id DESC) AS rn
                  FROM moves) n
             WHERE rn = 1),
        backing AS (
            SELECT c.startup_id, MIN(c.approved_on) AS first_on
              FROM portfolio_commitment c JOIN first_valley f ON f.startup_id = c.startup_id
             WHERE c.status = 'approved' AND c.approved_on <= %(as_of)s
             GROUP BY c.startup_id)
        SELECT f.startup_id, f.started_on, e.ended_on, e.outcome, n.to_stage_id, b.first_on
          FROM first_valley f
          LEFT JOIN ends e ON e.startup_id = f.startup_id AND e.rn = 1
          JOIN now n ON n.startup_id = f.startup_id
          LEFT JOIN backing b ON b.startup_id = f.startup_id""",
    # the last KPI report of a quarter ended by the date, of each incubatee in the valley
    "kpis": f"""
        SELECT startup_id, year, quarter, cash, runway_months FROM (
            SELECT k.startup_id, k.year, k.quarter, k.cash, k.runway_months,
                   ROW_NUMBER() OVER (PARTITION BY k.startup_id
                                      ORDER BY k.year DESC, k.quarter DESC) AS rn
              FROM portfolio_kpireport k
             WHERE (k.year < %(year)s OR (k.year = %(year)s AND k.quarter <= %(quarters)s))
               AND k.startup_id IN (
                   SELECT m.startup_id FROM ({INCUBATEE_MOVES}) m
                     JOIN portfolio_stage st ON st.id = m.to_stage_id
                    WHERE st.in_valley)) k
         WHERE rn = 1""",
}

RAW_FUND = {
    # the holdings' totals and the compliance shares, one row per company inside
    "holdings": """
        SELECT SUM(committed), SUM(disbursed), SUM(realized),
               SUM(COALESCE(mark, disbursed, 0)), MAX(committed), COUNT(*),
               MAX(last_approved), SUM(local_committed),
               SUM(CASE WHEN is_target = 1 THEN committed END)
          FROM (SELECT c.startup_id, SUM(c.amount) AS committed,
                       MAX(c.approved_on) AS last_approved,
                       SUM(CASE WHEN c.registered_region LIKE %(local)s THEN c.amount
                                ELSE 0 END) AS local_committed,
                       CASE WHEN s.tech_area IN ({areas}) THEN 1 ELSE 0 END AS is_target,
                       (SELECT SUM(d.amount) FROM portfolio_disbursement d
                          JOIN portfolio_commitment c2 ON c2.id = d.commitment_id
                         WHERE c2.fund_id = c.fund_id AND c2.startup_id = c.startup_id
                           AND d.paid_on <= %(as_of)s) AS disbursed,
                       (SELECT SUM(x.amount) FROM portfolio_distribution x
                         WHERE x.fund_id = c.fund_id AND x.startup_id = c.startup_id
                           AND x.paid_on <= %(as_of)s) AS realized,
                       CASE WHEN EXISTS (
                              SELECT 1 FROM portfolio_distribution e
                               WHERE e.fund_id = c.fund_id AND e.startup_id = c.startup_id
                                 AND e.kind IN ('exit', 'write_off')
                                 AND e.paid_on <= %(as_of)s) THEN 0
                       ELSE (SELECT m.fair_value FROM portfolio_valuationmark m
                              WHERE m.fund_id = c.fund_id AND m.startup_id = c.startup_id
                                AND m.as_of <= %(as_of)s ORDER BY m.as_of DESC LIMIT 1)
                       END AS mark
                  FROM portfolio_commitment c JOIN portfolio_startup s ON s.id = c.startup_id
                 WHERE c.fund_id = %(fund)s AND c.status = 'approved'
                   AND c.approved_on <= %(as_of)s
                 GROUP BY c.fund_id, c.startup_id, s.tech_area) h""",
    # cash out and in by date, for the IRR
    "paid": """
        SELECT d.paid_on, SUM(d.amount) FROM portfolio_disbursement d
          JOIN portfolio_commitment c ON c.id = d.commitment_id
         WHERE c.fund_id = %(fund)s AND d.paid_on <= %(as_of)s GROUP BY d.paid_on""",
    "returned": """
        SELECT paid_on, SUM(amount) FROM portfolio_distribution
         WHERE fund_id = %(fund)s AND paid_on <= %(as_of)s GROUP BY paid_on""",
}


def _fetch(cursor, sql: str, params: dict) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def raw_kaplan_meier(counts: dict[tuple[int, bool], int]) -> dict[str, Any]:
    """Kaplan-Meier written out again from survival.md, apart from ``portfolio.survival``
    (the baseline shares no code with the report): at each event time t, S *= (1 - d/n)
    with n the stays of length >= t; a quantile is the first event time with S at or under
    its level (in floats; in exact fractions when S is within 1e-9 of the level)."""
    from decimal import ROUND_HALF_UP, Decimal
    from fractions import Fraction

    times = sorted({days for days, _ended in counts})
    n = sum(counts.values())
    s, factors = 1.0, []
    curve, quantiles = [], {"p25": None, "median": None, "p75": None}
    levels = {"p25": Fraction(3, 4), "median": Fraction(1, 2), "p75": Fraction(1, 4)}
    for t in times:
        d = counts.get((t, True), 0)
        if d:
            s *= (n - d) / n
            factors.append(Fraction(n - d, n))
            rounded = Decimal(repr(s)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            curve.append((t, float(rounded)))
            for name, level in levels.items():
                if quantiles[name] is not None:
                    continue
                if abs(s - level) <= 1e-9:
                    exact = Fraction(1)
                    for factor in factors:
                        exact *= factor
                    reached = exact <= level
                else:
                    reached = s < level
                if reached:
                    quantiles[name] = t
        n -= d + counts.get((t, False), 0)
    censored = sum(v for (_days, ended), v in counts.items() if not ended)
    return {"stays": sum(counts.values()), "censored": censored, "curve": curve, **quantiles}


def raw_pipeline(as_of: dt.date) -> dict[str, Any]:
    """The pipeline report's figures from hand-written SQL: counts, flows (entered,
    advanced), the Kaplan-Meier figures of the stays per stage id; total and crossed."""
    params = {"as_of": connection.ops.adapt_datefield_value(as_of)}
    with connection.cursor() as cursor:
        counts = dict(_fetch(cursor, RAW_PIPELINE["counts"], params))
        flows = {
            stage: (entered, advanced)
            for stage, entered, advanced in _fetch(cursor, RAW_PIPELINE["flows"], params)
        }
        by_stage: dict[int, dict[tuple[int, bool], int]] = {}
        for stage, days, ended, n in _fetch(cursor, RAW_PIPELINE["stays"][_vendor()], params):
            by_stage.setdefault(stage, {})[(int(days), bool(ended))] = n
        ((total, crossed),) = _fetch(cursor, RAW_PIPELINE["totals"], params)
    stays = {stage: raw_kaplan_meier(stage_counts) for stage, stage_counts in by_stage.items()}
    return {
        "counts": counts,
        "flows": flows,
        "stays": stays,
        "medians": {stage: figures["median"] for stage, figures in stays.items()},
        "total": total,
        "crossed": crossed,
    }


def _day(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def raw_valley(as_of: dt.date) -> dict[str, Any]:
    """The valley report's figures (incubatees, any fund) from hand-written SQL and the
    Kaplan-Meier of ``raw_kaplan_meier``: per group the stays by ending and the survival
    figures; the stuck list as (startup id, days, backed, stage id, last KPI or None)."""
    from portfolio.models import Stage

    valley = list(Stage.objects.filter(in_valley=True, outcome="").values_list("order", flat=True))
    quarter_ends = [(3, 31), (6, 30), (9, 30), (12, 31)]
    quarters = sum(dt.date(as_of.year, m, d) <= as_of for m, d in quarter_ends)
    params = {
        "as_of": connection.ops.adapt_datefield_value(as_of),
        "last_valley": max(valley),
        "year": as_of.year,
        "quarters": quarters,
    }
    with connection.cursor() as cursor:
        rows = _fetch(cursor, RAW_VALLEY["stays"], params)
        kpis = {row[0]: row[1:] for row in _fetch(cursor, RAW_VALLEY["kpis"], params)}
    groups: dict[str, dict[str, Any]] = {
        key: {"counts": {}, "crossed": 0, "exited": 0, "closed": 0, "censored": 0}
        for key in ("all", "fund_backed", "not_backed")
    }
    stuck = []
    for startup, started, ended, outcome, stage_now, first_on in rows:
        started, ended, first_on = _day(started), _day(ended), _day(first_on)
        ending = "censored" if ended is None else (outcome or "crossed")
        days = ((ended or as_of) - started).days
        backed = first_on is not None and first_on <= (ended or as_of)
        for key in ("all", "fund_backed" if backed else "not_backed"):
            group = groups[key]
            group[ending] += 1
            group["counts"][(days, ended is not None)] = (
                group["counts"].get((days, ended is not None), 0) + 1
            )
        if ended is None:
            stuck.append((startup, days, backed, stage_now, kpis.get(startup)))
    stuck.sort(key=lambda row: -row[1])
    return {
        "groups": {
            key: {**raw_kaplan_meier(group.pop("counts")), **group} for key, group in groups.items()
        },
        "stuck": stuck,
    }


# The impact report's figures (``selectors.impact``) for the incubatees of a year, as
# aggregates: one statement per table. Parameters: %(year)s, %(prev)s, %(start)s, %(end)s.
IMPACT_POPULATION = """
    SELECT id FROM portfolio_startup WHERE admitted_on IS NOT NULL AND admitted_on <= %(end)s"""
IMPACT_ACTIVE = """
    SELECT id FROM portfolio_startup
     WHERE admitted_on IS NOT NULL AND admitted_on <= %(end)s AND status = 'active'"""
RAW_IMPACT = {
    # the year's sums, and each startup's last report of the year against its last of the
    # year before (the cumulative invention patents)
    "kpis": f"""
        WITH k AS (
            SELECT k.startup_id, k.year, k.revenue, k.taxes_paid, k.new_graduates_hired,
                   k.headcount, k.phd_staff, k.invention_patents_filed AS filed,
                   k.invention_patents_granted AS granted,
                   ROW_NUMBER() OVER (PARTITION BY k.startup_id, k.year
                                      ORDER BY k.quarter DESC) AS rn
              FROM portfolio_kpireport k
             WHERE k.year IN (%(prev)s, %(year)s)
               AND k.startup_id IN ({IMPACT_POPULATION})),
        sums AS (
            SELECT SUM(revenue) AS revenue, SUM(taxes_paid) AS taxes,
                   SUM(new_graduates_hired) AS graduates
              FROM k WHERE year = %(year)s),
        pairs AS (
            -- each startup's last report of the year beside its last of the year before, by
            -- grouping (a join of the CTE with itself, which PostgreSQL cannot index, ran as
            -- a nested loop: 89 s at ten times the data, against the report's 1.2 s)
            SELECT MAX(CASE WHEN year = %(year)s THEN 1 END) AS reported,
                   MAX(CASE WHEN year = %(year)s THEN headcount END) AS headcount,
                   MAX(CASE WHEN year = %(year)s THEN phd_staff END) AS phd_staff,
                   MAX(CASE WHEN year = %(year)s THEN filed END) AS filed,
                   MAX(CASE WHEN year = %(prev)s THEN filed END) AS filed_before,
                   MAX(CASE WHEN year = %(year)s THEN granted END) AS granted,
                   MAX(CASE WHEN year = %(prev)s THEN granted END) AS granted_before
              FROM k WHERE rn = 1 GROUP BY startup_id),
        lasts AS (
            SELECT COUNT(*) AS reporting, SUM(headcount) AS jobs, SUM(phd_staff) AS phds,
                   SUM(CASE WHEN filed > COALESCE(filed_before, 0)
                            THEN filed - COALESCE(filed_before, 0) ELSE 0 END) AS filed,
                   SUM(CASE WHEN granted > COALESCE(granted_before, 0)
                            THEN granted - COALESCE(granted_before, 0) ELSE 0 END) AS granted
              FROM pairs WHERE reported = 1)
        SELECT sums.revenue, sums.taxes, sums.graduates, lasts.reporting, lasts.jobs,
               lasts.phds, lasts.filed, lasts.granted
          FROM sums, lasts""",
    "rounds": f"""
        SELECT SUM(amount), SUM(CASE WHEN amount_precision = 'approximate' THEN amount END),
               COUNT(CASE WHEN amount IS NULL THEN 1 END), COUNT(DISTINCT startup_id),
               COUNT(DISTINCT CASE WHEN round_type = 'ipo' THEN startup_id END)
          FROM portfolio_fundinground
         WHERE closed_on >= %(start)s AND closed_on <= %(end)s
           AND startup_id IN ({IMPACT_POPULATION})""",
    "fund": f"""
        SELECT SUM(d.amount) FROM portfolio_disbursement d
          JOIN portfolio_commitment c ON c.id = d.commitment_id
         WHERE d.paid_on >= %(start)s AND d.paid_on <= %(end)s
           AND c.startup_id IN ({IMPACT_POPULATION})""",
    "certificates": f"""
        SELECT COUNT(DISTINCT CASE WHEN programme = 'high_tech_enterprise'
                              THEN startup_id END),
               COUNT(DISTINCT CASE WHEN programme = 'high_tech_enterprise'
                                    AND valid_from >= %(start)s THEN startup_id END),
               COUNT(DISTINCT CASE WHEN programme IN ('specialised_sme', 'little_giant')
                              THEN startup_id END)
          FROM portfolio_policyapplication
         WHERE status = 'approved'
           AND (valid_from IS NULL OR valid_from <= %(end)s)
           AND (valid_to IS NULL OR valid_to >= %(start)s)
           AND startup_id IN ({IMPACT_POPULATION})""",
    "startups": f"""
        SELECT COUNT(*), COUNT(CASE WHEN moved_into_district_on >= %(start)s
                                     AND moved_into_district_on <= %(end)s THEN 1 END)
          FROM portfolio_startup WHERE id IN ({IMPACT_POPULATION})""",
    "graduations": f"""
        SELECT COUNT(CASE WHEN graduated_on >= %(start)s AND startup_id IN ({IMPACT_POPULATION})
                          THEN 1 END),
               COUNT(CASE WHEN graduated_on <= %(end)s THEN 1 END)
          FROM portfolio_graduation""",
    # the incubatees in incubation on 31 December: how many, financed in the year, with a
    # KPI report by then, with a patent filed by then; the mentors in office that day
    "incubator": f"""
        SELECT COUNT(*),
               COUNT(CASE WHEN EXISTS (
                   SELECT 1 FROM portfolio_fundinground r WHERE r.startup_id = s.id
                      AND r.closed_on >= %(start)s AND r.closed_on <= %(end)s) THEN 1 END),
               COUNT(CASE WHEN EXISTS (
                   SELECT 1 FROM portfolio_kpireport k WHERE k.startup_id = s.id
                      AND k.year <= %(year)s) THEN 1 END),
               COUNT(CASE WHEN EXISTS (
                   SELECT 1 FROM portfolio_kpireport k WHERE k.startup_id = s.id
                      AND k.year <= %(year)s AND k.patents_filed > 0) THEN 1 END),
               (SELECT COUNT(*) FROM portfolio_mentor m WHERE m.appointed_on <= %(end)s
                   AND (m.until IS NULL OR m.until >= %(end)s))
          FROM portfolio_startup s WHERE s.id IN ({IMPACT_ACTIVE})""",
}


def raw_impact(year: int) -> dict[str, Any]:
    """The impact report's figures for the incubatees of ``year`` from hand-written SQL
    (seven statements), keyed by the report's field names; ``incubator`` holds the
    thresholds' inputs: (incubatees, financed, reporting, patent applicants, mentors,
    graduates to date)."""
    adapt = connection.ops.adapt_datefield_value
    params = {
        "year": year,
        "prev": year - 1,
        "start": adapt(dt.date(year, 1, 1)),
        "end": adapt(dt.date(year, 12, 31)),
    }

    def money(value) -> Decimal:
        return _yuan(value or 0).quantize(Decimal("0.01"))

    with connection.cursor() as cursor:
        ((revenue, taxes, graduates, reporting, jobs, phds, filed, granted),) = _fetch(
            cursor, RAW_IMPACT["kpis"], params
        )
        ((financing, approximate, undisclosed, financed, listings),) = _fetch(
            cursor, RAW_IMPACT["rounds"], params
        )
        ((paid,),) = _fetch(cursor, RAW_IMPACT["fund"], params)
        ((hte, hte_new, specialised),) = _fetch(cursor, RAW_IMPACT["certificates"], params)
        ((startups, moved),) = _fetch(cursor, RAW_IMPACT["startups"], params)
        ((graduations, cumulative),) = _fetch(cursor, RAW_IMPACT["graduations"], params)
        ((incubatees, financed_incubatees, kpi_incubatees, patents, mentors),) = _fetch(
            cursor, RAW_IMPACT["incubator"], params
        )
    return {
        "startups": startups,
        "reporting": reporting,
        "jobs": jobs or 0,
        "new_graduates_hired": graduates or 0,
        "phds": phds or 0,
        "revenue": money(revenue),
        "taxes": money(taxes),
        "invention_patents_filed": filed or 0,
        "invention_patents_granted": granted or 0,
        "financing": money(financing),
        "financing_approximate": money(approximate),
        "undisclosed_rounds": undisclosed,
        "financed_startups": financed,
        "fund_invested": money(paid),
        "high_tech_enterprises": hte,
        "high_tech_enterprises_new": hte_new,
        "specialised_smes": specialised,
        "graduations": graduations,
        "listings": listings,
        "moved_into_district": moved,
        "incubator": (
            incubatees,
            financed_incubatees,
            kpi_incubatees,
            patents,
            mentors,
            cumulative,
        ),
    }


def raw_fund(fund, as_of: dt.date) -> dict[str, Any]:
    """The fund report's sums from hand-written SQL: the holdings' totals (committed,
    disbursed, realized, unrealized, largest, companies, last approval, local, target) and
    the dated flows out and in. Written for a fund with a local region (no LIKE wildcards
    in it) and target sectors, as the benchmark's fund has."""
    areas = list(fund.target_tech_areas)
    if not fund.local_region or not areas:
        raise ValueError("raw_fund is written for a fund with a local region and sectors")
    params = {
        "as_of": connection.ops.adapt_datefield_value(as_of),
        "fund": fund.pk,
        "local": fund.local_region + "%",
        **{f"area{i}": area for i, area in enumerate(areas)},
    }
    holdings = RAW_FUND["holdings"].format(
        areas=", ".join(f"%(area{i})s" for i in range(len(areas)))
    )
    with connection.cursor() as cursor:
        (totals,) = _fetch(cursor, holdings, params)
        paid = _fetch(cursor, RAW_FUND["paid"], params)
        returned = _fetch(cursor, RAW_FUND["returned"], params)
    return {"totals": totals, "paid": paid, "returned": returned}


# The LP reports' rows by hand-written SQL, in the engine's order, handed to the engine
# (``portfolio.fund_accounting``, the plain Python of ``fund-accounting.md``): the baseline
# of ``lp-report`` and ``capital-accounts`` is the arithmetic without the ORM, the selectors
# and DRF. Parameter: %(fund)s.
RAW_LP = {
    "partners": """
        SELECT limited_partner_id, amount, pays_fees, committed_on FROM portfolio_lpcommitment
         WHERE fund_id = %(fund)s ORDER BY committed_on, id""",
    "payments": """
        SELECT p.paid_on, i.limited_partner_id, p.amount FROM portfolio_capitalcallpayment p
          JOIN portfolio_capitalcallitem i ON i.id = p.item_id
          JOIN portfolio_capitalcall c ON c.id = i.capital_call_id
         WHERE c.fund_id = %(fund)s""",
    "expenses": "SELECT incurred_on, amount FROM portfolio_fundexpense WHERE fund_id = %(fund)s",
    "invest": """
        SELECT d.paid_on, c.startup_id, d.amount FROM portfolio_disbursement d
          JOIN portfolio_commitment c ON c.id = d.commitment_id WHERE c.fund_id = %(fund)s""",
    "mark": """
        SELECT as_of, startup_id, fair_value FROM portfolio_valuationmark
         WHERE fund_id = %(fund)s""",
    "proceeds": """
        SELECT paid_on, startup_id, kind, amount FROM portfolio_distribution
         WHERE fund_id = %(fund)s""",
    "distributions": """
        SELECT paid_on, amount, id FROM portfolio_lpdistribution
         WHERE fund_id = %(fund)s ORDER BY paid_on, id""",
    "reallocation": """
        SELECT r.ceding_id, r.pct, r.applies_to_nav, b.limited_partner_id, b.weight
          FROM portfolio_reallocationrule r
          JOIN portfolio_reallocationbeneficiary b ON b.rule_id = r.id
         WHERE r.fund_id = %(fund)s ORDER BY b.id""",
}


def _yuan(value) -> Decimal:
    # SQLite hands decimals back as numbers; PostgreSQL as Decimal
    return value if isinstance(value, Decimal) else Decimal(str(value))


def raw_lp_engine(fund):
    """The fund's LP engine from hand-written SQL (8 queries, as ``fund_engine``)."""
    from portfolio import fund_accounting as fa

    order = {"invest": 0, "mark": 1, "dividend": 2, "exit": 3, "write_off": 3}
    with connection.cursor() as cursor:
        rows = {name: _fetch(cursor, sql, {"fund": fund.pk}) for name, sql in RAW_LP.items()}
    holdings = [
        fa.HoldingEvent(_day(on), startup, kind, _yuan(amount))
        for kind in ("invest", "mark")
        for on, startup, amount in rows[kind]
    ] + [
        fa.HoldingEvent(
            _day(on), startup, kind if kind in ("exit", "write_off") else "dividend", _yuan(amount)
        )
        for on, startup, kind, amount in rows["proceeds"]
    ]
    holdings.sort(key=lambda e: (e.on, order[e.kind]))
    reallocation = None
    if rows["reallocation"]:
        ceding, pct, on_nav = rows["reallocation"][0][:3]
        reallocation = fa.Reallocation(
            ceding,
            tuple((lp, _yuan(weight)) for *_rule, lp, weight in rows["reallocation"]),
            _yuan(pct),
            bool(on_nav),
        )
    return fa.Fund(
        terms=fa.Terms(**{f.name: getattr(fund, f.name) for f in dataclasses.fields(fa.Terms)}),
        partners=[
            fa.Partner(lp, _yuan(amount), bool(fees), _day(on))
            for lp, amount, fees, on in rows["partners"]
        ],
        contributions=[
            fa.Contribution(_day(on), lp, _yuan(amount)) for on, lp, amount in rows["payments"]
        ],
        expenses=[fa.Dated(_day(on), _yuan(amount)) for on, amount in rows["expenses"]],
        holdings=holdings,
        distributions=[
            fa.Dated(_day(on), _yuan(amount), pk) for on, amount, pk in rows["distributions"]
        ],
        reallocation=reallocation,
    )


def raw_lp_report(fund, as_of: dt.date) -> dict[str, Any]:
    """The LP report's figures: per LP and net, the carry paid and accrued, and the gross
    figures its answer shows beside them (``gross``: the fund report's, ``raw_fund``)."""
    from portfolio import fund_accounting as fa

    engine = raw_lp_engine(fund)
    paid = sum((shares[fa.GP].total for _, shares in engine.waterfall(as_of)), fa.ZERO)
    return {
        "lps": {
            key: (engine.lp_figures(as_of, key), engine.irr(as_of, key)) for key in engine.keys
        },
        "net": (engine.lp_figures(as_of), engine.irr(as_of)),
        "carried_interest_paid": paid,
        "carried_interest_accrued": engine.accrued_carry(as_of)[0] if engine.keys else fa.ZERO,
        "gross": raw_fund(fund, as_of),
    }


def raw_capital_accounts(fund, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Each LP's capital account for the period and since inception."""
    engine = raw_lp_engine(fund)
    return {"period": engine.ledger(end, start), "since_inception": engine.ledger(end)}


#: the statistics return's year in the bench (the datasets' admissions run 2015-2025)
P5_RETURN_YEAR = 2024
#: the incubatees in incubation on some day of the year, with their last day in it
RAW_INCUBATEES = """
    WITH inc AS (
        SELECT s.id, s.name, s.credit_code, s.founded_on, s.admitted_on, s.tech_area,
               s.is_illustrative, s.status, s.is_tech_sme, s.tech_sme_number, g.graduated_on,
               CASE WHEN g.graduated_on IS NOT NULL AND g.graduated_on <= %(end)s
                        THEN g.graduated_on
                    WHEN st.outcome IN ('exited', 'closed') AND s.stage_entered_on <= %(end)s
                        THEN s.stage_entered_on
                    ELSE %(end)s END AS last_day
          FROM portfolio_startup s
          JOIN portfolio_stage st ON st.id = s.stage_id
          LEFT JOIN portfolio_graduation g ON g.startup_id = s.id
         WHERE s.admitted_on IS NOT NULL AND s.admitted_on <= %(end)s
           AND (g.graduated_on IS NULL OR g.graduated_on >= %(start)s)
           AND NOT (st.outcome IN ('exited', 'closed') AND s.stage_entered_on IS NOT NULL
                    AND s.stage_entered_on < %(start)s))"""
RAW_INCUBATION = {
    "incubatees": RAW_INCUBATEES
    + """ SELECT id, name, credit_code, founded_on, admitted_on, tech_area, is_illustrative,
                 status, is_tech_sme, tech_sme_number, graduated_on FROM inc""",
    # the year's flows summed per incubatee
    "flows": RAW_INCUBATEES
    + """
        SELECT k.startup_id, SUM(k.revenue), SUM(k.rd_spend), SUM(k.taxes_paid),
               SUM(k.new_graduates_hired), SUM(1 << (k.quarter - 1))
          FROM portfolio_kpireport k JOIN inc ON inc.id = k.startup_id
         WHERE k.year = %(year)s GROUP BY k.startup_id""",
    # each incubatee's last report of the year and of the year before
    "last": RAW_INCUBATEES
    + """
        SELECT startup_id, year, headcount, phd_staff, patents_filed, patents_granted,
               invention_patents_filed, invention_patents_granted, quarter
          FROM (SELECT k.*, ROW_NUMBER() OVER (
                           PARTITION BY k.startup_id, k.year ORDER BY k.quarter DESC) AS rn
                  FROM portfolio_kpireport k JOIN inc ON inc.id = k.startup_id
                 WHERE k.year IN (%(previous)s, %(year)s)) last_reports
         WHERE rn = 1""",
    "rounds": RAW_INCUBATEES
    + """
        SELECT r.startup_id, SUM(r.amount),
               SUM(CASE WHEN r.round_type IN ('angel', 'seed', 'pre_a', 'a', 'a_plus', 'b', 'c')
                        THEN r.amount END),
               SUM(CASE WHEN r.round_type = 'debt' THEN r.amount END),
               COUNT(CASE WHEN r.amount IS NULL OR r.amount_precision = 'undisclosed'
                          THEN 1 END),
               COUNT(CASE WHEN (r.amount IS NULL OR r.amount_precision = 'undisclosed')
                           AND r.round_type IN ('angel', 'seed', 'pre_a', 'a', 'a_plus', 'b',
                                                'c') THEN 1 END),
               COUNT(CASE WHEN (r.amount IS NULL OR r.amount_precision = 'undisclosed')
                           AND r.round_type = 'debt' THEN 1 END)
          FROM portfolio_fundinground r JOIN inc ON inc.id = r.startup_id
         WHERE r.closed_on >= %(start)s AND r.closed_on <= %(end)s
         GROUP BY r.startup_id""",
    "certificates": RAW_INCUBATEES
    + """
        SELECT a.startup_id, a.programme, COUNT(*), MAX(a.certificate_number)
          FROM portfolio_policyapplication a JOIN inc ON inc.id = a.startup_id
         WHERE a.status = 'approved'
           AND (a.valid_from IS NULL OR a.valid_from <= %(end)s)
           AND (a.valid_to IS NULL OR a.valid_to >= %(start)s)
         GROUP BY a.startup_id, a.programme""",
    "mentored": RAW_INCUBATEES
    + """
        SELECT DISTINCT m.startup_id
          FROM portfolio_mentoringsession m JOIN inc ON inc.id = m.startup_id
         WHERE m.held_on >= %(start)s AND m.held_on <= %(end)s""",
    # the leases running on each incubatee's last day in the year
    "area": RAW_INCUBATEES
    + """
        SELECT l.startup_id, SUM(l.area_m2)
          FROM portfolio_spacelease l JOIN inc ON inc.id = l.startup_id
         WHERE NOT l.is_public_service_area
           AND l.starts_on <= inc.last_day AND (l.ends_on IS NULL OR l.ends_on >= inc.last_day)
         GROUP BY l.startup_id""",
    "public": """
        SELECT SUM(area_m2) FROM portfolio_spacelease
         WHERE is_public_service_area AND starts_on <= %(end)s
           AND (ends_on IS NULL OR ends_on >= %(end)s)""",
    "mentors": """
        SELECT COUNT(*), SUM(CASE WHEN is_full_time THEN 1 ELSE 0 END) FROM portfolio_mentor
         WHERE appointed_on <= %(end)s AND ("until" IS NULL OR "until" >= %(end)s)""",
}


def _thousand(yuan) -> int:
    """Yuan as whole 千元, half up (written again apart from ``formatting.thousand_yuan``)."""
    from decimal import ROUND_HALF_UP

    return int((_yuan(yuan or 0) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def raw_incubation(year: int) -> dict[str, Any]:
    """The statistics return's figures from hand-written SQL (nine aggregate queries): per
    incubatee the money in 千元, the year-end stocks, the year's patents, the leased area and
    the mentoring flag; and the incubator's totals."""
    adapt = connection.ops.adapt_datefield_value
    params = {
        "start": adapt(dt.date(year, 1, 1)),
        "end": adapt(dt.date(year, 12, 31)),
        "year": year,
        "previous": year - 1,
    }
    with connection.cursor() as cursor:
        fetched = {name: _fetch(cursor, sql, params) for name, sql in RAW_INCUBATION.items()}
    end = dt.date(year, 12, 31)
    rows: dict[int, dict[str, Any]] = {}
    for (
        pk,
        name,
        credit,
        founded,
        admitted,
        area,
        illustrative,
        status,
        tech_sme,
        number,
        graduated_on,
    ) in fetched["incubatees"]:  # noqa: E501
        founded, graduated_on = _day(founded), _day(graduated_on)
        graduated = graduated_on is not None and graduated_on <= end
        rows[pk] = {
            "startup": {"id": pk, "name": name},
            "credit_code": credit,
            "founded_on": founded,
            "admitted_on": _day(admitted),
            "tech_area": area,
            "is_illustrative": bool(illustrative),
            "graduated": graduated or status == "graduated",
            "graduated_on": graduated_on if graduated else None,
            "tech_sme": None if tech_sme is None else bool(tech_sme),
            "tech_sme_number": (number or "") if tech_sme else "",
            "founded_in_year": founded is not None and founded.year == year,
            "quarters": 0,
        }
    yuan = dict.fromkeys(
        ("revenue", "rd_spend", "taxes_paid", "financing", "vc_financing", "debt_financing"),
        Decimal(0),
    )
    for pk, revenue, rd_spend, taxes, hired, quarters in fetched["flows"]:
        for name, value in (("revenue", revenue), ("rd_spend", rd_spend), ("taxes_paid", taxes)):
            rows[pk][name] = _thousand(value)
            yuan[name] += _yuan(value).quantize(Decimal("0.01"))
        rows[pk]["new_graduates_hired"] = int(hired)
        rows[pk]["quarters"] = quarters
    patents = (
        "patents_filed",
        "patents_granted",
        "invention_patents_filed",
        "invention_patents_granted",
    )
    last: dict[tuple[int, int], tuple] = {(pk, y): rest for pk, y, *rest in fetched["last"]}
    for pk, row in rows.items():
        this, before = last.get((pk, year)), last.get((pk, year - 1))
        row["has_q4"], row["has_previous"] = this is not None and this[6] == 4, bool(before)
        if this is None:
            continue
        row["headcount"], row["phd_staff"] = this[0], this[1]
        if before is not None or row["founded_in_year"]:
            for i, name in enumerate(patents, start=2):
                row[name] = this[i] - (before[i] if before else 0)
    for pk, total, vc, debt, undisclosed, vc_undisclosed, debt_undisclosed in fetched["rounds"]:
        for name, value in (("financing", total), ("vc_financing", vc), ("debt_financing", debt)):
            rows[pk][name] = _thousand(value)
            yuan[name] += _yuan(value or 0).quantize(Decimal("0.01"))
        rows[pk]["undisclosed"] = (undisclosed, vc_undisclosed, debt_undisclosed)
    certified: dict[str, int] = {}
    for pk, programme, _n, number in fetched["certificates"]:
        rows[pk][programme] = True
        if programme == "high_tech_enterprise":
            rows[pk]["high_tech_certificate"] = number
        elif programme == "tech_sme":
            rows[pk]["tech_sme_number"] = number or rows[pk]["tech_sme_number"]
        certified[programme] = certified.get(programme, 0) + 1
    for (pk,) in fetched["mentored"]:
        rows[pk]["mentored"] = True
    for pk, area in fetched["area"]:
        rows[pk]["area_m2"] = _yuan(area).quantize(Decimal("0.01"))
    ((public,),) = fetched["public"]
    ((mentors, full_time),) = fetched["mentors"]
    area = sum((row.get("area_m2", Decimal(0)) for row in rows.values()), Decimal("0.00"))
    totals = {name: _thousand(value) for name, value in yuan.items()}
    totals |= {
        "incubatees": len(rows),
        "jobs": sum(row.get("headcount", 0) for row in rows.values()),
        "high_tech_enterprises": certified.get("high_tech_enterprise", 0),
        "mentored": sum(bool(row.get("mentored")) for row in rows.values()),
        "incubatee_area_m2": area,
        "public_service_area_m2": _yuan(public or 0).quantize(Decimal("0.01")),
        "mentors": mentors,
        "full_time_mentors": int(full_time or 0),
    }
    return {"rows": rows, "totals": totals, "missing": _raw_missing(rows)}


#: the statistics return's columns in the order its missing list names them
RAW_FLOWS = ("revenue", "rd_spend", "taxes_paid", "new_graduates_hired")
RAW_PATENTS = (
    "patents_filed",
    "patents_granted",
    "invention_patents_filed",
    "invention_patents_granted",
)


def _raw_missing(rows: dict[int, dict[str, Any]]) -> list[tuple[int, str]]:
    """The (incubatee, column) cells the return needs and the data lacks, by name (the
    rules of ``selectors.statistics``, written again from the baseline's rows)."""
    missing = []
    for pk, row in sorted(rows.items(), key=lambda item: (item[1]["startup"]["name"], item[0])):
        founded = row["founded_on"]
        first = (founded.month - 1) // 3 if row["founded_in_year"] else 0
        required = sum(1 << q for q in range(first, 4))
        undisclosed = row.get("undisclosed", (0, 0, 0))
        no_patents = not row["has_q4"] or not (row["has_previous"] or row["founded_in_year"])
        for column, lacking in (
            ("credit_code", not row["credit_code"]),
            ("founded_on", founded is None),
            ("graduated_on", row["graduated"] and row["graduated_on"] is None),
            ("tech_sme", row["tech_sme"] is None),
            ("area_m2", "area_m2" not in row),
            *((name, row["quarters"] & required != required) for name in RAW_FLOWS),
            ("headcount", not row["has_q4"]),
            ("phd_staff", not row["has_q4"]),
            *((name, no_patents) for name in RAW_PATENTS),
            ("financing", undisclosed[0] > 0),
            ("vc_financing", undisclosed[1] > 0),
            ("debt_financing", undisclosed[2] > 0),
        ):
            if lacking:
                missing.append((pk, column))
    return missing


def raw_incubation_answer(year: int) -> bytes:
    """P5's baseline for the statistics return: ``raw_incubation``'s figures written as the
    same answer (a row of every column per incubatee, the totals, a cell per missing
    column) and encoded with ``json.dumps``, as P2's baselines encode their rows: the
    return's answer is ~15 MB on the large set, most of it the missing cells."""
    figures = raw_incubation(year)
    rows = figures["rows"]
    columns = (
        "credit_code", "founded_on", "admitted_on", "tech_area", "is_illustrative",
        "graduated", "graduated_on", "mentored", "high_tech_enterprise",
        "high_tech_certificate", "tech_sme", "tech_sme_number", "innovative_sme",
        "specialised_sme", "little_giant", "area_m2", *RAW_FLOWS, "headcount", "phd_staff",
        *RAW_PATENTS, "financing", "vc_financing", "debt_financing",
    )  # fmt: skip
    answer = {
        "year": year,
        "unit": "千元",
        "incubator": figures["totals"],
        "rows": [
            {"startup": row["startup"], **{name: row.get(name) for name in columns}}
            for _pk, row in sorted(rows.items(), key=lambda i: (i[1]["startup"]["name"], i[0]))
        ],
        "missing": [
            {"startup": rows[pk]["startup"], "column": column} for pk, column in figures["missing"]
        ],
    }
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def p5_reports(c: Client) -> dict[str, dict[str, float]]:
    from portfolio.models import Fund

    fund = Fund.objects.order_by("pk").first()
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    out = {}
    for name, url, baseline in (
        ("pipeline_report", "/api/v1/reports/pipeline/", lambda: raw_pipeline(today)),
        ("valley_report", "/api/v1/reports/valley/", lambda: raw_valley(today)),
        ("fund_report", f"/api/v1/funds/{fund.pk}/report/", lambda: raw_fund(fund, today)),
        (
            "lp_report",
            f"/api/v1/funds/{fund.pk}/lp-report/",
            lambda: raw_lp_report(fund, today),
        ),
        (
            "capital_accounts",
            f"/api/v1/funds/{fund.pk}/capital-accounts/?start={year_start}&end={today}",
            lambda: raw_capital_accounts(fund, year_start, today),
        ),
        # the bench's year (admissions run 2015-2025), as for the statistics return
        (
            "impact_report",
            f"/api/v1/reports/impact/?year={P5_RETURN_YEAR}",
            lambda: raw_impact(P5_RETURN_YEAR),
        ),
        (
            "incubation_return",
            f"/api/v1/reports/incubation/?year={P5_RETURN_YEAR}",
            lambda: raw_incubation_answer(P5_RETURN_YEAR),
        ),
    ):
        # taken in turn (``side_by_side``), and a fast answer (the cached reads are a few
        # milliseconds) over as many rounds as fit in ``P5_SECONDS``: five calls of each,
        # one after the other, moved the LP report's ratio by a third from run to run (P8)
        api, base = side_by_side(
            lambda u=url: fetch(c, u), baseline, runs=RUNS, warmup=1, seconds=P5_SECONDS
        )
        out[name] = {
            "api_ms": api * 1e3,
            "raw_sql_ms": base * 1e3,
            "ratio": api / base,
            "cold_ms": cold_time(lambda u=url: fetch(c, u)) * 1e3,
        }
    return out


def dashboard_pages(c: Client) -> dict[str, dict[str, float]]:
    from portfolio.models import Fund, Startup

    fund = Fund.objects.order_by("pk").first()
    startup = Startup.objects.order_by("pk").first()
    pages = {
        "pipeline": "/dashboard/",
        "fund": f"/dashboard/funds/{fund.pk}/",
        "fund_lps": f"/dashboard/funds/{fund.pk}/lps/",
        "startup": f"/dashboard/startups/{startup.pk}/",
        "impact": f"/dashboard/impact/?year={P5_RETURN_YEAR}",
        # reports with no hand-written baseline yet: timed, their queries held constant
        "policy_pack": f"/api/v1/funds/{fund.pk}/policy/",
        "investees": f"/api/v1/funds/{fund.pk}/investees/",
    }
    out = {}
    for name, url in pages.items():
        ms = median_time(lambda u=url: fetch(c, u)) * 1e3
        out[name] = {
            "ms": ms,
            "queries": query_count(lambda u=url: fetch(c, u)),
            "cold_ms": cold_time(lambda u=url: fetch(c, u)) * 1e3,
        }
        if name in P9_PAGES:
            # the SQL the page's answer is computed from (the report cache off): with the
            # cache on, a page's own SQL is the cache lookup, and the ratio would measure
            # nothing but rendering over a lookup
            with override_settings(REPORT_CACHE=False):
                sql_ms = sql_time(lambda u=url: fetch(c, u)) * 1e3
            # the bar's ratio is the page as served (cached); cold_ratio, the page computed
            # every time, is information beside it
            out[name].update(
                sql_ms=sql_ms, ratio=ms / sql_ms, cold_ratio=out[name]["cold_ms"] / sql_ms
            )
    return out


#: the dashboard pages of bar P9 (the HTML pages; the other two rows are API reports)
P9_PAGES = ("pipeline", "fund", "fund_lps", "startup", "impact")


def sql_time(fn: Callable[[], Any]) -> float:
    """The database's own time for what ``fn`` reads (bar P9): each SELECT it sends,
    replayed with its parameters through a plain cursor and read to the end (median of
    ``RUNS``). Writes (none on a page read) are not replayed."""
    statements = []

    def capture(execute, sql, params, many, context):
        if not many and sql.lstrip(" \n(").split(None, 1)[0].upper() in ("SELECT", "WITH"):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn()

    def replay() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return median_time(replay)


# --- P6 ---------------------------------------------------------------------------------------


def admin_changelists(c: Client) -> dict[str, dict[str, float]]:
    pages = {
        "startups": "/admin/portfolio/startup/",
        "funding rounds": "/admin/portfolio/fundinground/",
    }
    return {
        name: {
            "ms": median_time(lambda u=url: fetch(c, u)) * 1e3,
            "queries": query_count(lambda u=url: fetch(c, u)),
        }
        for name, url in pages.items()
    }


# --- P7 ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load_python(port: int, path: str, headers: dict[str, str], seconds: float, conns: int):
    """Requests per second from ``conns`` keep-alive loopback connections for ``seconds``
    (threads of this process: they share the machine's cores with the server)."""
    import http.client

    done: list[int] = []
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    def worker():
        count = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.perf_counter() < stop:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{path} answered {response.status}")
                    return
                count += 1
        finally:
            conn.close()
            done.append(count)

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(done) / (time.perf_counter() - started)


def _load_wrk(port: int, path: str, headers: dict[str, str], seconds: float, conns: int):
    """Requests per second measured by wrk (one thread, ``conns`` connections)."""
    command = [shutil.which("wrk"), "-t1", f"-c{conns}", f"-d{max(1, round(seconds))}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"{path}: wrk saw failed requests\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise RuntimeError(f"wrk printed no rate:\n{out}")
    return float(match.group(1))


def load_generator() -> tuple[str, Callable[..., float]]:
    """wrk when it is installed (``apt-get install wrk``: a C client, it leaves the cores
    to the server); otherwise threads of this process. ``BENCH_LOAD=python`` forces those."""
    if shutil.which("wrk") and os.environ.get("BENCH_LOAD", "wrk") == "wrk":
        return "wrk, 1 thread, 4 keep-alive loopback connections", _load_wrk
    return "python http.client, 4 keep-alive loopback connections", _load_python


#: P7's load of each endpoint, taken in this many turns of ``seconds / P7_TURNS`` each
P7_TURNS = 4


def loads_in_turn(
    load: Callable[[str, float], float], paths: tuple[str, ...], seconds: float
) -> tuple[float, ...]:
    """Each of ``paths`` loaded for ``seconds`` in all, in ``P7_TURNS`` turns that each go
    first in turn (after a second's warm-up of each): the mean requests per second of each.
    Loaded one for all its seconds and then the other, a drift of the machine between the
    two stretches showed as P7's ratio."""
    for path in paths:
        load(path, 1.0)  # warm-up
    rates: dict[str, list[float]] = {path: [] for path in paths}
    for turn in range(P7_TURNS):
        first = turn % len(paths)
        for path in (*paths[first:], *paths[:first]):
            rates[path].append(load(path, seconds / P7_TURNS))
    return tuple(statistics.mean(rates[path]) for path in paths)


def p7_throughput(seconds: float = 8.0) -> dict[str, Any]:
    key_out = subprocess.run(
        [sys.executable, "manage.py", "api_token", "bench-admin", "--name", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=_server_env(),
    )
    key = key_out.stdout.strip().splitlines()[-1]
    port = _free_port()
    # The app logs every token use (the security log, at INFO): into a file, not the output.
    (ROOT / "bench-data").mkdir(exist_ok=True)
    server_log = (ROOT / "bench-data" / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "incubator.wsgi",
            "--config",
            "python:incubator.gunicorn",  # the worker class and counts ``make serve`` uses
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_server_env(),
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        auth = {"Authorization": f"Token {key}", "Connection": "keep-alive"}
        generator, load = load_generator()
        trivial, startups = loads_in_turn(
            lambda path, length: load(port, path, auth, length, 4),
            ("/healthz", "/api/v1/startups/?page_size=10"),
            seconds,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    return {
        "trivial_json_rps": trivial,
        "startups_list_rps": startups,
        "ratio": startups / trivial if trivial else None,
        "load_generator": generator,
        "workers": gunicorn.workers,
        "worker_class": gunicorn.worker_class,
        "threads": gunicorn.threads,
    }


def _server_env() -> dict[str, str]:
    env = dict(os.environ)
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        user = db.get("USER") or "postgres"
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        STATIC_MANIFEST="0",
        TESTING="0",
        # The load test measures the app, not the per-token rate limit.
        THROTTLE_TOKEN_BURST="1000000/minute",
        # Connections kept between requests, as docs/deploy.md has production run.
        CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "60"),
    )
    return env


# --- the whole run ------------------------------------------------------------------------------


@dataclass
class Results:
    database: str
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)


def run(log: Callable[[str], None], *, skip_p7: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    results = Results(database=_vendor())
    per_size: dict[str, dict[str, Any]] = {}
    for size in SIZES:
        log(f"[{size}] building / checking the dataset")
        results.sizes[size] = build(size, log)
    for size in SIZES:
        use_database(size)
        c = client()
        log(f"[{size}] P1 queries per list")
        figures: dict[str, Any] = {"P1": p1_queries(c)}
        log(f"[{size}] P2 time per row")
        figures["P2"] = p2_per_row(c)
        log(f"[{size}] P4 exports")
        exports = {}
        for fmt in ("csv", "xlsx"):
            _t, bytes_out, peak = export_run(c, fmt)
            timing = export_time(c, fmt, runs=3)  # after export_run, its warm-up
            rows = results.sizes[size]["funding_rounds"]
            exports[fmt] = {
                "seconds": timing["seconds"],
                "rows_per_s": rows / timing["seconds"],
                "bytes": bytes_out,
                "peak_python_bytes": peak,
            }
        exports["dump"] = database_dump_time()
        figures["P4"] = exports
        log(f"[{size}] P5 reports and dashboards")
        figures["P5"] = {"reports": p5_reports(c), "dashboards": dashboard_pages(c)}
        log(f"[{size}] P6 admin changelists")
        figures["P6"] = admin_changelists(c)
        per_size[size] = figures
    if not skip_p7:
        use_database("large")
        log("[large] P7 gunicorn throughput")
        per_size["large"]["P7"] = p7_throughput()
    results.figures = per_size
    report = summarize(results)
    report["seconds"] = time.perf_counter() - started
    report["machine"] = machine()
    return report


# --- P8: ten times the data ---------------------------------------------------------------


def p2_in_turn(sizes: tuple[str, ...]) -> dict[str, dict[str, dict[str, float]]]:
    """P2 of each dataset in ``sizes`` (``p2_per_row``'s figures, served pages against their
    baselines), every dataset's page and baseline timed in turn in the same rounds
    (``side_by_side``), each on a connection of its own that the default connection is
    switched to before each call. P8 compares the per-row times of two datasets: timed one
    dataset after the other, minutes apart, a load that came and went between the two read
    as growth (the mentors' page, whose rows do not grow with the data, 1.75x slower at ten
    times the data while tests ran beside the benchmark)."""
    from portfolio import models

    original = connections["default"]
    wrappers, served = {}, {}
    try:
        for size in sizes:
            connections["default"] = original  # ``use_database`` updates the one in place
            use_database(size)
            wrapper = connections.create_connection("default")
            wrapper.settings_dict = copy.deepcopy(wrapper.settings_dict)
            connections["default"] = wrappers[size] = wrapper
            served[size] = Served(client())

        def on(size: str, fn: Callable[[], Any]) -> Callable[[], Any]:
            def call() -> Any:
                connections["default"] = wrappers[size]
                return fn()

            return call

        out: dict[str, dict[str, dict[str, float]]] = {size: {} for size in sizes}
        for name, path, baseline, model_name in P2_LISTS:
            url = f"{path}?page_size=500"
            fns, rows = [], {}
            for size in sizes:
                connections["default"] = wrappers[size]
                rows[size] = min(500, getattr(models, model_name).objects.count())
                fns += [on(size, lambda u=url, s=served[size]: s(u)), on(size, baseline)]
            times = side_by_side(*fns, runs=P2_RUNS, seconds=P2_SECONDS * len(sizes))
            for at, size in enumerate(sizes):
                out[size][name] = p2_figures(rows[size], times[2 * at], times[2 * at + 1])
        return out
    finally:
        for wrapper in wrappers.values():
            wrapper.close()
        connections["default"] = original


#: P8's bound: per-row costs and report overheads at ``xl`` against the large set's
P8_BOUND = 1.5


def run_xl(log: Callable[[str], None]) -> dict[str, Any]:
    """Bar P8 (issue 17): the large set and ten times it side by side on PostgreSQL. The
    query counts of the lists (P1) and the changelists (P6) unchanged; each list's API time
    per row of a 500-row page (P2) and each report's time over the time of its own SQL (P5)
    within ``P8_BOUND`` of the large set's. Exports (P4), pages (P9) and gunicorn (P7) are
    left to ``make bench-pg``: they grow with the data by design or measure the server."""
    if _vendor() != "postgresql":
        raise RuntimeError("make bench-pg-xl runs on PostgreSQL (set DATABASE_URL)")
    started = time.perf_counter()
    sizes, figures = {}, {}
    for size in ("large", "xl"):
        log(f"[{size}] building / checking the dataset")
        sizes[size] = build(size, log)
    for size in ("large", "xl"):
        use_database(size)
        c = client()
        log(f"[{size}] P1, P5 reports, P6")
        figures[size] = {
            "P1": p1_queries(c),
            "P5": {"reports": p5_reports(c)},
            "P6": admin_changelists(c),
        }
    log("[large and xl in turn] P2")
    for size, per_row in p2_in_turn(("large", "xl")).items():
        figures[size]["P2"] = per_row
    large, xl = figures["large"], figures["xl"]
    per_row = {
        name: row["api_us_per_row"] / large["P2"][name]["api_us_per_row"]
        for name, row in xl["P2"].items()
    }
    overhead = {
        name: row["ratio"] / large["P5"]["reports"][name]["ratio"]
        for name, row in xl["P5"]["reports"].items()
    }
    same_p1 = xl["P1"] == large["P1"]
    same_p6 = all(xl["P6"][k]["queries"] == large["P6"][k]["queries"] for k in large["P6"])
    growth = max([*per_row.values(), *overhead.values()])
    return {
        "database": _vendor(),
        "dataset_sizes": sizes,
        "runs_per_figure": RUNS,
        "bars": {
            "P8": {
                "figure": round(growth, 2),
                "bound": P8_BOUND,
                "holds": growth <= P8_BOUND and same_p1 and same_p6,
                "unit": "worst of: a list's API time per row, a report's time over its own "
                f"SQL, xl / large; P1 unchanged: {same_p1}; P6 unchanged: {same_p6}",
            }
        },
        "growth": {"P2_per_row": per_row, "P5_overhead": overhead},
        "figures": figures,
        "seconds": time.perf_counter() - started,
        "machine": machine(),
    }


def markdown_xl(report: dict[str, Any]) -> str:
    """``docs/benchmarks-pg-xl.md`` from ``run_xl``'s report."""
    large, xl = report["figures"]["large"], report["figures"]["xl"]
    run_on, bar = report["machine"], report["bars"]["P8"]
    lines = [
        "# Benchmarks at ten times the data (PostgreSQL, bar P8)",
        "",
        "Written by `make bench-pg-xl` (`bench-results-pg-xl.json`): the large set and ten "
        "times it side by side, each time the median of "
        f"{report['runs_per_figure']} runs after a warm-up. Run on {run_on['date']}: "
        f"{run_on['cpus']} cores, Python {run_on['python']}, {run_on['database_version']}; "
        f"the whole run took {report['seconds']:.0f} s (datasets built earlier are reused). "
        "What the figures say and what was done about them: `docs/benchmark-notes.md`.",
        "",
        "| dataset | startups | rounds | participations | transitions | KPI reports | "
        "commitments |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in report["dataset_sizes"].items():
        lines.append(
            f"| {name} | {s['startups']:,} | {s['funding_rounds']:,} | {s['participations']:,} "
            f"| {s['stage_transitions']:,} | {s['kpi_reports']:,} | {s['commitments']:,} |"
        )
    lines += _table_head("Bar", "bar", "figure", "bound", "holds", "unit")
    lines.append(f"| P8 | {bar['figure']} | {bar['bound']} | {bar['holds']} | {bar['unit']} |")
    lines += _table_head(
        "P2 at ten times the data: API time per row of a 500-row page",
        "list",
        "large µs/row",
        "xl µs/row",
        "xl / large",
        "xl / its .values() floor",
    )
    for name, row in xl["P2"].items():
        lines.append(
            f"| `{name}` | {large['P2'][name]['api_us_per_row']:.1f} | "
            f"{row['api_us_per_row']:.1f} | {report['growth']['P2_per_row'][name]:.2f} | "
            f"{row['ratio']:.2f} |"
        )
    lines += _table_head(
        "P5 at ten times the data: each report against its own SQL (cold: the report cache off)",
        "report",
        "large ms (ratio)",
        "xl ms (ratio)",
        "xl ratio / large ratio",
        "large cold ms",
        "xl cold ms",
    )
    for name, row in xl["P5"]["reports"].items():
        was = large["P5"]["reports"][name]
        lines.append(
            f"| {name} | {was['api_ms']:.1f} ({was['ratio']:.2f}) | {row['api_ms']:.1f} "
            f"({row['ratio']:.2f}) | {report['growth']['P5_overhead'][name]:.2f} | "
            f"{_cold(was)} | {_cold(row)} |"
        )
    lines += _table_head("P1 and P6: queries (P1: page_size 10 / 500)", "what", "large", "xl")
    for name, row in xl["P1"].items():
        was = large["P1"][name]
        lines.append(
            f"| P1 `{name}` | {was['page_size_10']} / {was['page_size_500']} | "
            f"{row['page_size_10']} / {row['page_size_500']} |"
        )
    for name, row in xl["P6"].items():
        lines.append(
            f"| P6 {name} changelist | {large['P6'][name]['queries']} | {row['queries']} |"
        )
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    """Where the figures were taken: date, cores, Python and database versions."""
    import platform

    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    return {
        "date": timezone.localtime().isoformat(timespec="minutes"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "database_version": version,
    }


def summarize(results: Results) -> dict[str, Any]:
    small, large = results.figures["small"], results.figures["large"]
    p1_counts = [n for size in (small, large) for row in size["P1"].values() for n in row.values()]
    p1_constant = all(
        row["page_size_10"] == row["page_size_500"] == large["P1"][name]["page_size_500"]
        for name, row in small["P1"].items()
    )
    p2 = max(v["ratio"] for size in (small, large) for v in size["P2"].values())
    p4_memory = max(
        large["P4"][fmt]["peak_python_bytes"] / small["P4"][fmt]["peak_python_bytes"]
        for fmt in ("csv", "xlsx")
    )
    p4_dump = large["P4"]["csv"]["seconds"] / large["P4"]["dump"]["seconds"]
    p5 = max(v["ratio"] for size in (small, large) for v in size["P5"]["reports"].values())
    p5_queries_constant = all(
        small["P5"]["dashboards"][k]["queries"] == large["P5"]["dashboards"][k]["queries"]
        for k in small["P5"]["dashboards"]
    )
    p6 = max(abs(large["P6"][k]["queries"] - small["P6"][k]["queries"]) for k in small["P6"])
    p9 = max(large["P5"]["dashboards"][page]["ratio"] for page in P9_PAGES)
    bars = {
        "P1": {
            "figure": max(p1_counts),
            "bound": BOUNDS["P1"],
            "holds": max(p1_counts) <= BOUNDS["P1"] and p1_constant,
            "unit": "SQL queries per list request (largest); constant across page sizes "
            f"and data sizes: {p1_constant}",
        },
        "P2": {
            "figure": round(p2, 2),
            "bound": BOUNDS["P2"],
            "holds": p2 <= BOUNDS["P2"],
            "unit": "API time per row / .values()+json.dumps time per row (worst)",
        },
        "P4": {
            "figure": round(p4_memory, 3),
            "bound": BOUNDS["P4"],
            "holds": p4_memory <= BOUNDS["P4"],
            "unit": "peak Python memory of the export, large / small (worst of CSV, XLSX)",
        },
        "P4_dump": {
            "figure": round(p4_dump, 2),
            "bound": BOUNDS["P4_dump"],
            "holds": p4_dump <= BOUNDS["P4_dump"],
            "unit": "CSV export time / the database's own CSV dump time (large)",
        },
        "P5": {
            "figure": round(p5, 2),
            "bound": BOUNDS["P5"],
            "holds": p5 <= BOUNDS["P5"] and p5_queries_constant,
            "unit": "report time / raw SQL aggregates time (worst); dashboard queries "
            f"constant: {p5_queries_constant}",
        },
        "P6": {
            "figure": p6,
            "bound": BOUNDS["P6"],
            "holds": p6 <= BOUNDS["P6"],
            "unit": "largest changelist query-count difference, large vs small",
        },
    }
    bars["P9"] = {
        "figure": round(p9, 2),
        "bound": BOUNDS["P9"],
        "holds": p9 <= BOUNDS["P9"],
        "unit": "dashboard page server time / the time of its own SQL (worst, large)",
    }
    if "P7" in large:
        bars["P7"] = {
            "figure": round(large["P7"]["ratio"], 3),
            "bound": None,
            "holds": None,
            "unit": "startups list req/s / trivial JSON req/s (information)",
        }
    return {
        "database": results.database,
        "dataset_sizes": results.sizes,
        "runs_per_figure": RUNS,
        "p2_runs": P2_RUNS,
        "p2_seconds": P2_SECONDS,
        "bars": bars,
        "figures": results.figures,
    }


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value}"


def growth_reading(ratio: float) -> str:
    """How a figure grew when the data grew tenfold."""
    if ratio < 2:
        return "flat"
    if ratio < 5:
        return "sub-linear"
    if ratio <= 15:
        return "linear"
    return "super-linear"


def _figure(value: float) -> str:
    """Three significant figures or so: 0.0412, 0.57, 16.4, 135, 1,538."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def growth_row(name: str, a: float, b: float, unit: str, expected: str) -> str:
    ratio = b / a if a else float("inf")
    return (
        f"| {name} | {_figure(a)} {unit} | {_figure(b)} {unit} | {ratio:.1f}x | "
        f"{growth_reading(ratio)} | {expected} |"
    )


MIB = 2**20
PAGE = "nothing: one page of 500 rows (flat)"
# (figure, where it is in a size's figures, unit, divisor, what it should grow with)
GROWTH = [
    *[
        (f"API page of 500 {name}, per row", ("P2", name, "api_us_per_row"), "µs", 1, PAGE)
        for name in ("startups", "funding-rounds")
    ],
    *[
        row
        for fmt in ("csv", "xlsx")
        for row in (
            (
                f"{fmt.upper()} export of every round",
                ("P4", fmt, "seconds"),
                "s",
                1,
                "the rows exported (linear)",
            ),
            (
                f"{fmt.upper()} export, peak Python memory",
                ("P4", fmt, "peak_python_bytes"),
                "MiB",
                MIB,
                "nothing: streamed (flat)",
            ),
        )
    ],
    ("database's own CSV dump", ("P4", "dump", "seconds"), "s", 1, "the rows dumped (linear)"),
    *[
        (report.replace("_", " "), ("P5", "reports", report, "api_ms"), "ms", 1, expected)
        for report, expected in (
            ("pipeline_report", "the moves aggregated (linear)"),
            ("valley_report", "the moves of the startups in the valley, walked (linear)"),
            ("fund_report", "the fund's commitments, 1,000 in both sets (flat)"),
            ("lp_report", "the fund's events, the same in both sets (flat)"),
            ("capital_accounts", "the fund's events, the same in both sets (flat)"),
            ("impact_report", "the year's KPI reports, rounds and certificates (linear)"),
            ("incubation_return", "the incubatees of the year and their rows (linear)"),
        )
    ],
    *[
        (f"dashboard {page}", ("P5", "dashboards", page, "ms"), "ms", 1, expected)
        for page, expected in (
            ("pipeline", "the startups, moves and rounds aggregated (linear)"),
            ("fund", "the fund's commitments (flat)"),
            ("startup", "one startup, and its stage's median stay over every move (linear)"),
            ("impact", "the impact report and its two charts (linear in the year's rows)"),
            ("fund_lps", "the fund's LP events, the same in both sets (flat)"),
            ("policy_pack", "the fund's payments and their companies' KPIs (linear in KPIs)"),
            ("investees", "the fund's 1,000 holdings, the same in both sets (flat)"),
        )
    ],
    *[
        (f"admin {name}", ("P6", name, "ms"), "ms", 1, "nothing: one page, no full count (flat)")
        for name in ("startups", "funding rounds")
    ],
]


def _at(figures: dict, path: tuple[str, ...]):
    for key in path:
        figures = figures[key]
    return figures


def growth_rows(small: dict, large: dict) -> list[tuple]:
    """(figure, small, large, unit, what it should grow with) for the growth table."""
    return [
        (name, _at(small, path) / divisor, _at(large, path) / divisor, unit, expected)
        for name, path, unit, divisor, expected in GROWTH
    ]


def _cold(row: dict[str, Any]) -> str:
    """A P5 row's time with the report cache off (results written before it: blank)."""
    return f"{row['cold_ms']:.1f}" if "cold_ms" in row else ""


def _cold_ratio(row: dict[str, Any]) -> str:
    """A P9 page's cold time over its SQL, for the markdown (blank in older results)."""
    return f"; cold {row['cold_ratio']:.2f}" if "cold_ratio" in row else ""


def _table_head(title: str, *columns: str) -> list[str]:
    """A report section that opens with a table: its heading, header row and rule."""
    return ["", f"## {title}", "", f"| {' | '.join(columns)} |", "|" + "---|" * len(columns)]


def markdown(report: dict[str, Any]) -> str:
    small, large = report["figures"]["small"], report["figures"]["large"]
    sizes = report["dataset_sizes"]
    lines = [
        f"# Benchmarks ({report['database']})",
        "",
        "Written by `make bench` (SQLite: `docs/benchmarks.md`, `bench-results.json`) and "
        "`make bench-pg` (PostgreSQL: `docs/benchmarks-pg.md`, `bench-results-pg.json`). "
        "Each time is the median of "
        f"{report['runs_per_figure']} runs after a warm-up (P2: of at least "
        f"{report.get('p2_runs', report['runs_per_figure'])} rounds, and "
        f"{report.get('p2_seconds', 0):g} s, in which the API page and its baseline are "
        "timed in turn); small and large datasets are "
        "measured side by side in one process. The bars are those of "
        "`../shared/docs/quality.md`; how each is measured: the notes at the end.",
        "",
    ]
    run_on = report.get("machine")
    if run_on:
        lines += [
            f"Run on {run_on['date']}: {run_on['cpus']} cores, Python {run_on['python']}, "
            f"{run_on['database_version']}; the whole run took {report['seconds']:.0f} s.",
            "",
        ]
    lines += [
        "| dataset | startups | rounds | participations | transitions | KPI reports | "
        "commitments |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in sizes.items():
        lines.append(
            f"| {name} | {s['startups']:,} | {s['funding_rounds']:,} | {s['participations']:,} "
            f"| {s['stage_transitions']:,} | {s['kpi_reports']:,} | {s['commitments']:,} |"
        )
    lines += _table_head("Bars", "bar", "figure", "bound", "holds", "unit")
    for name, bar in report["bars"].items():
        lines.append(
            f"| {name} | {_fmt(bar['figure'])} | {_fmt(bar['bound'])} | {bar['holds']} | "
            f"{bar['unit']} |"
        )
    lines += _table_head(
        "P1: queries per list request", "list", "small, 10", "small, 500", "large, 10", "large, 500"
    )
    for name, row in small["P1"].items():
        other = large["P1"][name]
        lines.append(
            f"| `{name}` | {row['page_size_10']} | {row['page_size_500']} | "
            f"{other['page_size_10']} | {other['page_size_500']} |"
        )
    lines += _table_head(
        "P2: time per row, page_size 500",
        "list",
        "size",
        "rows",
        "API µs/row",
        "baseline µs/row",
        "ratio",
        "ratio via the test client",
    )
    for size_name, size in (("small", small), ("large", large)):
        for name, row in size["P2"].items():
            via_client = row.get("client_ratio")
            lines.append(
                f"| {name} | {size_name} | {row.get('rows', 500)} | {row['api_us_per_row']:.1f} | "
                f"{row['baseline_us_per_row']:.1f} | {row['ratio']:.2f} | "
                f"{'–' if via_client is None else f'{via_client:.2f}'} |"
            )
    lines += _table_head(
        "P4: exports of every funding round",
        "size",
        "rows",
        "CSV s",
        "CSV rows/s",
        "CSV peak MiB",
        "XLSX s",
        "XLSX rows/s",
        "XLSX peak MiB",
        "database dump s",
    )
    for size_name, size in (("small", small), ("large", large)):
        p4 = size["P4"]
        lines.append(
            f"| {size_name} | {sizes[size_name]['funding_rounds']:,} | {p4['csv']['seconds']:.2f} "
            f"| {p4['csv']['rows_per_s']:,.0f} | {p4['csv']['peak_python_bytes'] / 2**20:.1f} "
            f"| {p4['xlsx']['seconds']:.2f} | {p4['xlsx']['rows_per_s']:,.0f} "
            f"| {p4['xlsx']['peak_python_bytes'] / 2**20:.1f} | {p4['dump']['seconds']:.2f} "
            f"({p4['dump']['tool']}) |"
        )
    lines += _table_head(
        "P5: reports and dashboards (ms: from the report cache after the warm-up; cold ms: "
        "the cache off, computed every time)",
        "what",
        "size",
        "ms",
        "cold ms",
        "raw SQL ms",
        "ratio / queries",
    )
    for size_name, size in (("small", small), ("large", large)):
        for name, row in size["P5"]["reports"].items():
            lines.append(
                f"| {name} | {size_name} | {row['api_ms']:.1f} | {_cold(row)} | "
                f"{row['raw_sql_ms']:.1f} | {row['ratio']:.2f} |"
            )
        for name, row in size["P5"]["dashboards"].items():
            sql = f"{row['sql_ms']:.1f}" if "sql_ms" in row else ""
            ratio = f"{row['ratio']:.2f} (P9{_cold_ratio(row)}), " if "ratio" in row else ""
            lines.append(
                f"| dashboard {name} | {size_name} | {row['ms']:.1f} | {_cold(row)} | {sql} "
                f"| {ratio}{row['queries']} queries |"
            )
    lines += _table_head("P6: admin changelists", "changelist", "size", "ms", "queries")
    for size_name, size in (("small", small), ("large", large)):
        for name, row in size["P6"].items():
            lines.append(f"| {name} | {size_name} | {row['ms']:.1f} | {row['queries']} |")
    if "P7" in large:
        p7 = large["P7"]
        lines += [
            "",
            "## P7: throughput under gunicorn (large dataset)",
            "",
            f"- trivial JSON endpoint (`/healthz`): {p7['trivial_json_rps']:,.0f} req/s",
            f"- startups list (page_size 10, token auth): {p7['startups_list_rps']:,.0f} "
            f"req/s ({p7['ratio']:.2f} of the trivial endpoint)",
            f"- {p7['workers']} workers; load: {p7['load_generator']}",
        ]
    lines += [
        "",
        "## Growth from small to large (10x the rows)",
        "",
        "How each figure grows when the data grows tenfold, read off the two runs: *flat* "
        "(under 2x), *sub-linear* (2x-5x), *linear* (5x-15x) or *super-linear* (over 15x), "
        "against what it should grow with.",
        "",
        "| figure | small | large | growth | reading | should grow with |",
        "|---|---|---|---|---|---|",
    ]
    lines += [growth_row(*row) for row in growth_rows(small, large)]
    notes = ROOT / "docs" / "benchmark-notes.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"
