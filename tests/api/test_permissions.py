"""Permission matrix: every API route x method x role has an expected status.

Routes are read from the URL configuration, so a new route without an entry here fails.
Writes are sent with an empty body: a role that may write gets 400 (the body is refused
by validation, nothing is written), a role that may not gets 403, anonymous gets 401.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

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
    "api:fund-list": read_only(),
    "api:fund-detail": read_only(),
    "api:fund-report": read_only(),
    "api:fund-holdings": read_only(),
    "api:commitment-list": read_only(POST=MANAGER_POST),
    "api:commitment-detail": read_only(),
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
