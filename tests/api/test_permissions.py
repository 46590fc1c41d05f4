"""Permission matrix: every API route x method x role has an expected status.

Routes are read from the URL configuration, so a new route without an entry here fails.
Writes are sent with an empty body: a role that may write gets 400 (the body is refused
by validation, nothing is written), a role that may not gets 403, anonymous gets 401.
Read-only tokens read as their role and get 403 on every write; expired and revoked tokens
get 401 everywhere.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portfolio.models import ApiToken, TokenScope
from tests.support.api import api_routes
from tests.support.clients import token_client
from tests.support.factories import ROLE_NAMES, make_user

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

#            anonymous, viewers, incubator-staff, fund-managers, superuser
READ = (401, 200, 200, 200, 200)
NO = (401, 405, 405, 405, 405)  # the route does not offer the method
STAFF_POST = (401, 403, 400, 403, 400)
MANAGER_POST = (401, 403, 403, 400, 400)
STAFF_PATCH = (401, 403, 200, 403, 200)
SUPER_PATCH = (401, 403, 403, 403, 200)  # a fund's size, limits and terms
PUBLIC_PAGE = (200, 200, 200, 200, 200)
PUBLIC_NO = (405, 405, 405, 405, 405)


def read_only(**extra):
    return {"GET": READ, **extra}


MATRIX: dict[str, dict[str, tuple[int, ...]]] = {
    "api:api-root": read_only(),
    "api:report-pipeline": read_only(),
    "api:report-valley": read_only(),
    "api:report-transfer-funnel": {"GET": (401, 400, 400, 400, 400)},  # ``year`` is required
    "api:report-impact": {"GET": (401, 400, 400, 400, 400)},  # ``year`` is required
    "api:report-incubation": {"GET": (401, 400, 400, 400, 400)},  # ``year`` is required
    "api:me": read_only(),  # any logged-in user: who am I
    "api:institution-list": read_only(POST=STAFF_POST),
    "api:institution-detail": read_only(),
    "api:stage-list": read_only(),
    "api:stage-detail": read_only(),
    "api:startup-list": read_only(POST=STAFF_POST),
    "api:startup-detail": read_only(PATCH=STAFF_PATCH),
    "api:startup-advance": {"POST": STAFF_POST},
    "api:stagetransition-list": read_only(),
    "api:stagetransition-detail": read_only(),
    "api:milestone-list": read_only(POST=STAFF_POST),
    "api:milestone-detail": read_only(),
    # staff verify (an empty body lacks verified_on); fund managers do not change milestones
    "api:milestone-verify": {"POST": STAFF_POST},
    # evidence (issue 15): every role reads; staff upload (an empty body lacks ``file``)
    "api:milestone-evidence": read_only(POST=STAFF_POST),
    "api:milestoneevidence-download": read_only(),
    "api:kpireport-list": read_only(POST=STAFF_POST),
    "api:kpireport-detail": read_only(),
    "api:kpirequest-list": read_only(POST=STAFF_POST),
    "api:kpirequest-detail": read_only(),
    "api:kpisubmission-list": read_only(POST=STAFF_POST),
    # only a returned submission is edited (the world's is submitted: 400); staff review
    "api:kpisubmission-detail": read_only(PATCH=(401, 403, 403, 403, 400)),
    "api:kpisubmission-review": {"POST": STAFF_POST},
    "api:investor-list": read_only(POST=STAFF_POST),
    "api:investor-detail": read_only(),
    "api:fundinground-list": read_only(POST=STAFF_POST),
    "api:fundinground-detail": read_only(),
    "api:fund-list": read_only(POST=(401, 403, 403, 403, 400)),  # superusers set up funds
    "api:fund-detail": read_only(PATCH=SUPER_PATCH),
    "api:fund-report": read_only(),
    "api:fund-holdings": read_only(),
    "api:commitment-list": read_only(POST=MANAGER_POST),
    "api:commitment-detail": read_only(),
    "api:commitment-tranches": read_only(POST=MANAGER_POST),
    "api:disbursement-list": read_only(POST=MANAGER_POST),
    "api:disbursement-detail": read_only(),
    "api:valuationmark-list": read_only(POST=MANAGER_POST),
    "api:valuationmark-detail": read_only(),
    "api:distribution-list": read_only(POST=MANAGER_POST),
    "api:distribution-detail": read_only(),
    "api:fund-lp-report": read_only(),
    "api:fund-capital-accounts": read_only(),
    "api:fund-policy": read_only(),
    "api:fund-investees": read_only(),
    "api:limitedpartner-list": read_only(POST=MANAGER_POST),
    "api:limitedpartner-detail": read_only(),
    "api:lpcommitment-list": read_only(POST=MANAGER_POST),
    "api:lpcommitment-detail": read_only(),
    "api:capitalcall-list": read_only(POST=MANAGER_POST),
    "api:capitalcall-detail": read_only(),
    "api:capitalcall-payments": {"POST": MANAGER_POST},
    "api:fundexpense-list": read_only(POST=MANAGER_POST),
    "api:fundexpense-detail": read_only(),
    "api:lpdistribution-list": read_only(POST=MANAGER_POST),
    "api:lpdistribution-detail": read_only(),
    "api:facility-list": read_only(POST=STAFF_POST),
    "api:facility-detail": read_only(PATCH=STAFF_PATCH),
    "api:facilitybooking-list": read_only(POST=STAFF_POST),
    "api:facilitybooking-detail": read_only(PATCH=STAFF_PATCH),
    "api:techtransfer-list": read_only(POST=STAFF_POST),
    "api:techtransfer-detail": read_only(PATCH=STAFF_PATCH),
    "api:facility-utilisation": {"GET": (401, 400, 400, 400, 400)},  # ``year`` is required
    "api:spacelease-list": read_only(POST=STAFF_POST),
    "api:spacelease-detail": read_only(PATCH=STAFF_PATCH),
    "api:mentor-list": read_only(POST=STAFF_POST),
    "api:mentor-detail": read_only(PATCH=STAFF_PATCH),
    "api:mentoringsession-list": read_only(POST=STAFF_POST),
    "api:mentoringsession-detail": read_only(PATCH=STAFF_PATCH),
    "api:incubationagreement-list": read_only(POST=STAFF_POST),
    "api:incubationagreement-detail": read_only(PATCH=STAFF_PATCH),
    "api:policyapplication-list": read_only(POST=STAFF_POST),
    "api:policyapplication-detail": read_only(PATCH=STAFF_PATCH),
    "api:financingintroduction-list": read_only(POST=STAFF_POST),
    "api:financingintroduction-detail": read_only(PATCH=STAFF_PATCH),
    # staff graduate a startup (an empty body lacks ``on`` and ``basis``)
    "api:startup-graduate": {"POST": STAFF_POST},
    "api:space-occupancy": {"GET": (401, 400, 400, 400, 400)},  # ``on`` is required
    "api:mentor-ratio": {"GET": (401, 400, 400, 400, 400)},  # ``on`` is required
    "api:management-fee-list": {"GET": (401, 400, 400, 400, 400)},  # ``fund`` is required
    "schema": read_only(),
    "swagger-ui": {"GET": PUBLIC_PAGE, "default": PUBLIC_NO},
}


@pytest.fixture(autouse=True)
def no_burst_limit(settings):
    """A sweep sends five requests per route from one token, more than the token's burst
    limit (300 a minute) once there are more than 60 routes: lift it, or the 429 would
    answer for the route."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token-burst": "100000/minute",
        },
    }


def expected(name: str, method: str, role: str) -> int:
    row = MATRIX[name]
    statuses = row.get(method, row.get("default", NO))
    return statuses[ROLE_NAMES.index(role)]


def test_every_api_route_has_an_entry():
    routes = api_routes()
    assert set(routes) == set(MATRIX), (
        f"routes without an entry: {sorted(set(routes) - set(MATRIX))}; "
        f"entries without a route: {sorted(set(MATRIX) - set(routes))}"
    )


def fill(name: str, kwargs: list[str], world) -> str:
    """The route's URL with the id of an existing row of its resource."""
    from django.apps import apps

    basename = name.split(":")[-1].split("-")[0]
    values = {"slug": "pilot"}
    if "pk" in kwargs:
        model = apps.get_model("portfolio", basename)
        values["pk"] = model.objects.order_by("pk").values_list("pk", flat=True).first()
    return reverse(name, kwargs={key: values[key] for key in kwargs})


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_permission_matrix(role, world):
    client = token_client(make_user(role))
    mismatches = []
    for name, kwargs in sorted(api_routes().items()):
        path = fill(name, kwargs, world)
        for method in METHODS:
            want = expected(name, method, role)
            response = client.generic(
                method, path, data=json.dumps({}), content_type="application/json"
            )
            if response.status_code != want:
                mismatches.append(f"{method} {path}: {response.status_code}, expected {want}")
    assert not mismatches, "\n".join(mismatches)


def test_session_login_reads_and_anonymous_gets_401_with_challenge(world, viewer):
    from tests.support.clients import login

    assert login(viewer).get("/api/v1/startups/").status_code == 200
    response = login(None).get("/api/v1/startups/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# --- token scopes (contract, "Tokens and exports"): read-only and expired tokens -----------

PUBLIC_ROUTES = {"swagger-ui"}  # the docs page's shell: no token is read there


def token_of(user, **kwargs) -> Client:
    _token, key = ApiToken.issue(user, **kwargs)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def sweep(client: Client, world, want) -> list[str]:
    mismatches = []
    for name, kwargs in sorted(api_routes().items()):
        path = fill(name, kwargs, world)
        for method in METHODS:
            wanted = want(name, method)
            response = client.generic(
                method, path, data=json.dumps({}), content_type="application/json"
            )
            if response.status_code != wanted:
                mismatches.append(f"{method} {path}: {response.status_code}, expected {wanted}")
    return mismatches


@pytest.mark.parametrize("role", ROLE_NAMES[1:])
def test_read_only_token_reads_as_its_role_and_every_write_is_403(role, world):
    client = token_of(make_user(role), scope=TokenScope.READ_ONLY)

    def want(name, method):
        if method == "GET" or name in PUBLIC_ROUTES:
            return expected(name, method, role)
        return 403

    mismatches = sweep(client, world, want)
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("role", ["viewers", "superuser"])
def test_expired_token_is_401_everywhere(role, world):
    client = token_of(make_user(role), expires_at=timezone.now() - dt.timedelta(seconds=1))

    def want(name, method):
        return 401  # the docs page too: the credentials sent are refused, not ignored

    mismatches = sweep(client, world, want)
    assert not mismatches, "\n".join(mismatches)


def test_revoked_token_is_401_everywhere(world):
    user = make_user("superuser")
    token, key = ApiToken.issue(user)
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")

    def want(name, method):
        return 401  # the docs page too: the credentials sent are refused, not ignored

    mismatches = sweep(client, world, want)
    assert not mismatches, "\n".join(mismatches)


# --- founders (issue 15, bar R14): one startup's rows, nothing of another's -----------------
#
# A founder's column is derived, so every route (and every route added later) is in it: a
# founder reads the routes below, where a detail is asked for a row of their own startup;
# every other route answers 403 on each method it offers (405 where it offers none). Another
# startup's row is 404 and the lists hold their own rows only (tests below).

FOUNDER_READS = {
    "api:api-root",
    "api:me",
    "schema",
    "swagger-ui",
    "api:institution-list",  # reference data, read whole
    "api:institution-detail",
    "api:stage-list",
    "api:stage-detail",
    "api:startup-list",  # their own startup's rows
    "api:startup-detail",
    "api:stagetransition-list",
    "api:stagetransition-detail",
    "api:milestone-list",
    "api:milestone-detail",
    "api:kpireport-list",
    "api:kpireport-detail",
    "api:fundinground-list",
    "api:fundinground-detail",
    "api:kpisubmission-list",
    "api:kpisubmission-detail",
    "api:milestone-evidence",  # their own milestones' files, and the download of them
    "api:milestoneevidence-download",
    "api:facility-list",  # what can be booked: reference data, read whole
    "api:facility-detail",
    "api:facilitybooking-list",  # their own startup's bookings
    "api:facilitybooking-detail",
    "api:techtransfer-list",  # their own startup's transfers
    "api:techtransfer-detail",
    "api:spacelease-list",  # their own startup's leases
    "api:spacelease-detail",
    "api:mentor-list",  # the incubator's mentor list: reference data, read whole
    "api:mentor-detail",
    "api:mentoringsession-list",  # their own startup's sessions
    "api:mentoringsession-detail",
    "api:incubationagreement-list",  # their own startup's agreement
    "api:incubationagreement-detail",
    "api:policyapplication-list",  # their own startup's applications
    "api:policyapplication-detail",
    "api:financingintroduction-list",  # their own startup's introductions
    "api:financingintroduction-detail",
}
#: what a founder writes: their own startup's KPI submissions (the empty body is a 400)
FOUNDER_WRITES = {
    ("api:kpisubmission-list", "POST"),
    ("api:kpisubmission-detail", "PATCH"),
    ("api:milestone-evidence", "POST"),  # evidence of their own milestones
}


def founder_expected(name: str, method: str) -> int:
    if expected(name, method, "viewers") == 405:
        return 405  # the route does not offer the method
    if (name, method) in FOUNDER_WRITES:
        return 400
    return 200 if method == "GET" and name in FOUNDER_READS else 403


def scopes() -> dict[str, object]:
    """basename -> the viewset's ``founder_scope``."""
    from portfolio.api.evidence import EVIDENCE_SCOPE
    from portfolio.api.urls import router

    scoped = {basename: viewset.founder_scope for _p, viewset, basename in router.registry}
    return {**scoped, "milestoneevidence": EVIDENCE_SCOPE}  # the download (not a viewset)


def own_row_pk(model, scope, startup):
    """A row of ``startup`` (or any row, for reference data and closed routes)."""
    from portfolio.selectors.scope import REFERENCE

    rows = model.objects.order_by("pk")
    if scope not in (None, REFERENCE):
        rows = rows.filter(**{scope: startup.pk})
    return rows.values_list("pk", flat=True).first()


def fill_for(name: str, kwargs: list[str], startup) -> str:
    from django.apps import apps

    basename = name.split(":")[-1].split("-")[0]
    values = {"slug": "pilot"}
    if "pk" in kwargs:
        model = apps.get_model("portfolio", basename)
        values["pk"] = own_row_pk(model, scopes().get(basename), startup)
    return reverse(name, kwargs={key: values[key] for key in kwargs})


@pytest.fixture
def founders(world):
    from tests.support.founders import two_founders

    return two_founders(world)


@pytest.mark.parametrize("which", ["a", "b"])
def test_founder_permission_matrix(which, founders):
    user, startup = (founders.a, founders.own) if which == "a" else (founders.b, founders.other)
    client = token_client(user)
    mismatches = []
    for name, kwargs in sorted(api_routes().items()):
        path = fill_for(name, kwargs, startup)
        for method in METHODS:
            want = founder_expected(name, method)
            response = client.generic(
                method, path, data=json.dumps({}), content_type="application/json"
            )
            if response.status_code != want:
                mismatches.append(f"{method} {path}: {response.status_code}, expected {want}")
    assert not mismatches, "\n".join(mismatches)


def scoped_viewsets():
    """(prefix, model, scope) of every viewset scoped to a startup."""
    from portfolio.api.urls import router
    from portfolio.selectors.scope import REFERENCE

    return [
        (prefix, viewset.queryset.model, viewset.founder_scope)
        for prefix, viewset, _basename in router.registry
        if viewset.founder_scope not in (None, REFERENCE)
    ]


def test_another_startups_rows_are_404(founders):
    client = token_client(founders.a)
    assert len(scoped_viewsets()) >= 5
    for prefix, model, scope in scoped_viewsets():
        other = own_row_pk(model, scope, founders.other)
        assert other is not None, f"the world has no {prefix} row of the other startup"
        response = client.get(f"/api/v1/{prefix}/{other}/")
        assert response.status_code == 404, (prefix, response.status_code)
        own = own_row_pk(model, scope, founders.own)
        assert client.get(f"/api/v1/{prefix}/{own}/").status_code == 200, prefix


def startup_of(prefix: str, row: dict) -> int:
    if prefix == "startups":
        return row["id"]
    startup = row["startup"]
    return startup["id"] if isinstance(startup, dict) else startup


@pytest.mark.parametrize("which", ["a", "b"])
def test_lists_and_exports_hold_only_their_own_rows(which, founders):
    user, own, other = (
        (founders.a, founders.own, founders.other)
        if which == "a"
        else (founders.b, founders.other, founders.own)
    )
    client = token_client(user)
    for prefix, model, scope in scoped_viewsets():
        expected_count = model.objects.filter(**{scope: own.pk}).count()
        assert expected_count >= 1, prefix
        body = client.get(f"/api/v1/{prefix}/", {"page_size": 500}).json()
        assert body["count"] == expected_count, prefix
        assert {startup_of(prefix, row) for row in body["results"]} == {own.pk}, prefix
        # A filter or a search naming the other startup finds nothing.
        if prefix != "startups":
            assert client.get(f"/api/v1/{prefix}/", {"startup": other.pk}).json()["count"] == 0
        assert client.get(f"/api/v1/{prefix}/", {"search": other.name}).json()["count"] == 0
        for export in ("csv", "xlsx"):
            response = client.get(f"/api/v1/{prefix}/", {"format": export})
            assert response.status_code == 200, (prefix, export)
            content = b"".join(response.streaming_content)
            if export == "csv":
                text = content.decode("utf-8-sig")
                assert other.name not in text, prefix
                assert str(expected_count + 1) == str(len(text.strip().splitlines())), prefix


def test_founder_read_only_token_reads_as_a_founder_and_writes_nothing(founders):
    client = token_of(founders.a, scope=TokenScope.READ_ONLY)

    def want(name, method):
        if method == "GET" or name in PUBLIC_ROUTES:
            return founder_expected(name, method)
        return 403

    mismatches = []
    for name, kwargs in sorted(api_routes().items()):
        path = fill_for(name, kwargs, founders.own)
        for method in METHODS:
            response = client.generic(
                method, path, data=json.dumps({}), content_type="application/json"
            )
            if response.status_code != want(name, method):
                mismatches.append(f"{method} {path}: {response.status_code}")
    assert not mismatches, "\n".join(mismatches)
