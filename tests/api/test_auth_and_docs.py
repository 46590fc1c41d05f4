"""Tokens (issued by the api_token command, stored hashed), sessions, and the docs."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.translation import gettext, override

from portfolio.models import ApiToken
from tests.support import factories


@pytest.fixture
def viewer_user(db):
    return factories.UserFactory(username="official", role="viewers")


def issue(username: str, *args: str) -> str:
    out = io.StringIO()
    call_command("api_token", username, *args, stdout=out)
    return out.getvalue().strip()


def test_api_token_command_prints_a_key_that_works_and_stores_only_its_digest(viewer_user):
    key = issue("official")
    token = ApiToken.objects.get(user=viewer_user)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert key not in {token.digest, token.prefix, token.name}
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/stages/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_or_wrong_token_is_refused(viewer_user):
    key = issue("official")
    assert Client(HTTP_AUTHORIZATION=f"Token {key}x").get("/api/v1/stages/").status_code == 401
    new_key = issue("official", "--revoke-others")
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/stages/").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Token {new_key}").get("/api/v1/stages/").status_code == 200


def translation(text: str) -> str:
    with override("zh-hans"):
        found = gettext(text)
    assert found != text  # DRF's catalogue has it
    return found


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Token", "Invalid token header. No credentials provided."),
        ("Token abc def", "Invalid token header. Token string should not contain spaces."),
        (
            "Token \xff\xfe",  # as the WSGI environ holds bytes that are not UTF-8
            "Invalid token header. Token string should not contain invalid characters.",
        ),
    ],
)
def test_a_malformed_token_header_is_answered_401_with_drfs_reason(viewer_user, header, detail):
    """The header is read from the environ (``HashedTokenAuthentication``), with DRF's
    answers: 401, its message, in Chinese too (DRF's catalogue)."""
    english = Client(HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE="en")
    response = english.get("/api/v1/stages/")
    assert response.status_code == 401
    assert response.json()["detail"] == detail
    chinese = Client(HTTP_AUTHORIZATION=header).get("/api/v1/stages/")  # the default
    assert chinese.status_code == 401
    assert chinese.json()["detail"] == translation(detail)


def test_the_token_keyword_is_matched_in_any_case_and_another_scheme_is_not_a_token(viewer_user):
    key = issue("official")
    assert Client(HTTP_AUTHORIZATION=f"token {key}").get("/api/v1/stages/").status_code == 200
    assert Client(HTTP_AUTHORIZATION=f"TOKEN  {key} ").get("/api/v1/stages/").status_code == 200
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
    bearer = bearer.get("/api/v1/stages/")
    assert bearer.status_code == 401
    assert bearer.json()["detail"] == "Authentication credentials were not provided."


def test_inactive_user_token_is_refused(viewer_user):
    key = issue("official")
    viewer_user.is_active = False
    viewer_user.save()
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/stages/").status_code == 401


def test_api_token_for_unknown_user_fails(db):
    with pytest.raises(CommandError):
        issue("nobody")


def test_docs_page_is_served_without_any_outside_host(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert not [url for url in assets if url.startswith(("http:", "https:", "//"))]
    assert any("drf_spectacular_sidecar" in url for url in assets)


def test_schema_needs_a_login_and_documents_errors(viewer_user):
    assert Client().get("/api/schema/").status_code == 401
    client = Client()
    client.force_login(viewer_user)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/startups/",
        "/api/v1/startups/{id}/advance/",
        "/api/v1/funds/{id}/report/",
        "/api/v1/funds/{id}/holdings/",
        "/api/v1/reports/pipeline/",
        "/api/v1/reports/valley/",
        "/api/v1/reports/impact/",
    ]:
        assert path in paths, path
    assert set(paths["/api/v1/commitments/"]["post"]["responses"]) >= {
        "201",
        "400",
        "401",
        "403",
        "409",
    }
    assert set(paths["/api/v1/startups/{id}/advance/"]["post"]["responses"]) >= {
        "200",
        "400",
        "401",
        "403",
        "404",
    }
    listing = paths["/api/v1/startups/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert names >= {
        "stage",
        "tech_area",
        "status",
        "institution",
        "founded_after",
        "founded_before",
        "in_valley",
        "crossed_valley",
        "fund",
        "search",
        "ordering",
        "page",
        "page_size",
        "format",
    }
    assert set(listing["responses"]) >= {"200", "400", "401", "403", "404"}
    pipeline = {p["name"] for p in paths["/api/v1/reports/pipeline/"]["get"]["parameters"]}
    assert pipeline >= {"tech_area", "institution", "cohort", "as_of", "population"}
    valley = {p["name"] for p in paths["/api/v1/reports/valley/"]["get"]["parameters"]}
    assert valley == {"as_of", "population", "tech_area", "institution", "cohort", "fund"}
    impact = paths["/api/v1/reports/impact/"]["get"]
    assert {p["name"] for p in impact["parameters"]} >= {"year", "population", "format"}
    assert {"200", "400", "401", "403"} <= set(impact["responses"])  # a bad ``year`` is a 400
    assert "population" in names


def test_every_write_documents_its_request_body(viewer_user):
    """A client generated from the schema knows what to send: every POST, PATCH and PUT has
    a request body, for a viewset with its own POST serializer that one (the seven with
    ``create_serializer_class`` were documented with none)."""
    client = Client()
    client.force_login(viewer_user)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    writes = [
        (method, path)
        for path, operations in paths.items()
        for method in ("post", "patch", "put")
        if method in operations
    ]
    assert len(writes) > 20
    assert [w for w in writes if "requestBody" not in paths[w[1]][w[0]]] == []
    body = paths["/api/v1/mentors/"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"] == "#/components/schemas/MentorCreateRequest"
