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
    "api:kpireport-list": read_only(POST=STAFF_POST),
    "api:kpireport-detail": read_only(),
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
    "api:management-fee-list": {"GET": (401, 400, 400, 400, 400)},  # ``fund`` is required
    "schema": read_only(),
    "swagger-ui": {"GET": PUBLIC_PAGE, "default": PUBLIC_NO},
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
