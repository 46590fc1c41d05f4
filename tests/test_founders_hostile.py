"""Hostile input to the founders' part (issue 15), with the corpus of test_hostile_input:
every value in place of each field of an invitation (the service and the admin's form), and
garbage around ``/me/``. A clear refusal by field or a harmless write, never a 500, never a
partial write."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from portfolio.models import FounderMembership
from portfolio.services.founders import founder_invite
from tests.support import factories
from tests.support.clients import login, token_client
from tests.support.founders import make_founder
from tests.test_hostile_input import HOSTILE

pytestmark = pytest.mark.django_db

GOOD = {"email": "hostile@example.com", "name": "王五", "title": "CEO"}


def written() -> tuple[int, int]:
    return get_user_model().objects.count(), FounderMembership.objects.count()


@pytest.mark.parametrize("field", list(GOOD))
@pytest.mark.parametrize(("label", "value"), HOSTILE, ids=[label for label, _v in HOSTILE])
def test_the_invitation_service_refuses_by_field_or_writes_whole(startup, field, label, value):
    before = written()
    try:
        membership = founder_invite(startup=startup, **{**GOOD, field: value})
    except ValidationError as refused:
        assert set(refused.error_dict) == {field}, (label, refused.error_dict)
        assert written() == before and mail.outbox == []
    else:
        assert written() == (before[0] + 1, before[1] + 1)
        assert len(mail.outbox) == 1
        assert membership.user.founder_membership == membership


@pytest.mark.parametrize("field", list(GOOD))
@pytest.mark.parametrize(
    ("label", "value"),
    [(label, value) for label, value in HOSTILE if isinstance(value, str)],
    ids=[label for label, value in HOSTILE if isinstance(value, str)],
)
def test_the_admins_invitation_form_refuses_by_field(startup, staff_user, field, label, value):
    from django.urls import reverse

    url = reverse("admin:portfolio_foundermembership_invite", args=[startup.pk])
    before = written()
    response = login(staff_user).post(url, {**GOOD, field: value})
    assert response.status_code in (200, 302), (label, response.status_code)
    if response.status_code == 200:
        assert set(response.context["form"].errors) == {field}, label
        assert written() == before
    else:
        assert written() == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    "query",
    [
        "?format=csv",
        "?format=xlsx",
        "?page=999999",
        "?search=%00",
        "?startup=1e30",
        "?x=" + "量" * 5000,
    ],
)
def test_me_answers_garbage_without_an_error(startup, query):
    founder = make_founder(startup)
    response = token_client(founder).get(f"/api/v1/me/{query}")
    assert response.status_code in (200, 404), (query, response.status_code)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(token_client(founder), method)("/api/v1/me/", {"a": "\x00"})
        assert response.status_code == 405, method
    assert factories.StartupFactory()  # the database is still usable


KPI_GOOD = {
    "revenue": "12.5",
    "rd_spend": "3",
    "headcount": "4",
    "patents_filed": "1",
    "patents_granted": "0",
    "customers": "0",
    "cash": "100",
    "runway_months": "12",
    "taxes_paid": "0.5",
    "phd_staff": "1",
    "new_graduates_hired": "0",
    "invention_patents_filed": "1",
    "invention_patents_granted": "0",
}
STRINGS = [(label, value) for label, value in HOSTILE if isinstance(value, str)]


@pytest.mark.parametrize("field", list(KPI_GOOD))
@pytest.mark.parametrize(("label", "value"), STRINGS, ids=[label for label, _v in STRINGS])
def test_the_kpi_form_refuses_by_field_or_writes_whole(startup, field, label, value):
    from django.urls import reverse

    from portfolio.models import KpiSubmission

    founder = make_founder(startup)
    url = reverse("founder:kpi-quarter", args=[2024, 1])
    response = login(founder).post(url, {**KPI_GOOD, field: value})
    assert response.status_code in (200, 302), (label, response.status_code)
    if response.status_code == 200:
        assert set(response.context["form"].errors) == {field}, label
        assert not KpiSubmission.objects.exists()
    else:  # only the optional runway may be left empty
        assert (field, value) == ("runway_months", ""), label
        assert KpiSubmission.objects.get().runway_months is None


@pytest.mark.parametrize(
    "path",
    [
        "/founder/kpis/0/1/",
        "/founder/kpis/2024/9/",
        "/founder/kpis/99999999999999999999999/1/",
        "/founder/kpis/-1/1/",
        "/founder/kpis/2024/1/?startup=1&year=2023",
        "/founder/kpis/?format=csv&page=99999",
    ],
)
def test_the_kpi_pages_answer_garbage_without_an_error(startup, path):
    founder = make_founder(startup)
    assert login(founder).get(path).status_code in (200, 404), path


# --- evidence uploads and downloads (issue 15) -----------------------------------------------


def evidence_count() -> int:
    from portfolio.models import MilestoneEvidence

    return MilestoneEvidence.objects.count()


@pytest.fixture
def own_milestone(startup):
    return factories.MilestoneFactory(startup=startup)


@pytest.mark.parametrize(("label", "value"), HOSTILE, ids=[label for label, _v in HOSTILE])
def test_any_value_in_place_of_the_file_is_a_400_on_file(own_milestone, label, value):
    import json

    client = token_client(make_founder(own_milestone.startup))
    url = f"/api/v1/milestones/{own_milestone.pk}/evidence/"
    response = client.post(url, json.dumps({"file": value}), content_type="application/json")
    assert response.status_code == 400, (label, response.status_code)
    assert set(response.json()) == {"file"}, label
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        response = client.post(url, {"file": str(value)})  # a form field, not a file
        assert response.status_code == 400 and set(response.json()) == {"file"}, label
    assert evidence_count() == 0


UPLOADS = [
    # (label, filename, content, accepted)
    ("wrong-type-right-name", "report.pdf", b"<script>alert(1)</script>", False),
    ("exe-as-png", "photo.png", b"MZ\x90\x00\x03" + b"\x00" * 60, False),
    ("svg-as-jpg", "photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", False),
    ("empty", "empty.pdf", b"", False),
    ("oversize", "big.pdf", None, False),
    ("dotdot-name", "../../../etc/passwd", None, True),
    ("backslash-name", "..\\..\\boot.ini", None, True),
    ("null-byte-name", "evil\x00.pdf", None, True),
    ("html-name", "<img src=x onerror=alert(1)>.pdf", None, True),
    ("10kB-name", "量" * 10_000 + ".pdf", None, True),
    ("formula-name", '=HYPERLINK("http://x").pdf', None, True),
]


@pytest.mark.parametrize(
    ("label", "name", "data", "accepted"), UPLOADS, ids=[u[0] for u in UPLOADS]
)
def test_hostile_uploads_are_refused_on_file_or_kept_harmlessly(
    own_milestone, settings, evidence_store, label, name, data, accepted
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.evidence import PDF_BYTES

    settings.EVIDENCE_MAX_BYTES = 4096
    if data is None:
        data = PDF_BYTES + (b" " * 5000 if label == "oversize" else b"")
    founder = make_founder(own_milestone.startup)
    url = f"/api/v1/milestones/{own_milestone.pk}/evidence/"
    upload = SimpleUploadedFile("placeholder", data, content_type="application/pdf")
    upload.name = name  # as a hostile client would send it (Django's parser strips folders)
    response = token_client(founder).post(url, {"file": upload})
    if not accepted:
        assert response.status_code == 400, (label, response.status_code)
        assert set(response.json()) == {"file"}, label
        assert evidence_count() == 0
        return
    assert response.status_code == 201, (label, response.content)
    row = response.json()
    assert "/" not in row["filename"] and "\\" not in row["filename"], label
    assert "\x00" not in row["filename"] and len(row["filename"]) <= 255, label
    # stored only inside the store, under a generated name
    stored = [p for p in evidence_store.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == data, label
    assert stored[0].name.endswith(".pdf") and len(stored[0].stem) == 32, label
    got = token_client(founder).get(row["download"])
    assert got.status_code == 200, label
    assert "\n" not in got["Content-Disposition"] and "\r" not in got["Content-Disposition"]


def test_downloads_of_others_ids_and_garbage_are_404(startup):
    from tests.support.evidence import attach_evidence

    other_startup = factories.StartupFactory()
    theirs = attach_evidence(factories.MilestoneFactory(startup=other_startup))
    mine = attach_evidence(factories.MilestoneFactory(startup=startup))
    client = token_client(make_founder(startup))
    assert client.get(f"/api/v1/evidence/{mine.pk}/download/").status_code == 200
    for pk in [theirs.pk, 0, -1, 2**63, 2**64, "1e3", "%00", "量", "1;DROP TABLE x", "9" * 40]:
        response = client.get(f"/api/v1/evidence/{pk}/download/")
        assert response.status_code == 404, (pk, response.status_code)
    their_milestone = theirs.milestone.pk
    for method in ("get", "post"):
        response = getattr(client, method)(f"/api/v1/milestones/{their_milestone}/evidence/")
        assert response.status_code == 404, method
    page = login(make_founder(other_startup, "founder_other"))
    url = f"/founder/milestones/{mine.milestone.pk}/evidence/"
    assert page.post(url, {"file": "x"}).status_code == 404  # not their milestone
    assert evidence_count() == 2


@pytest.mark.parametrize(("label", "value"), HOSTILE, ids=[label for label, _v in HOSTILE])
def test_the_founder_page_upload_refuses_garbage_on_the_page(own_milestone, label, value):
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        value = str(value)
    client = login(make_founder(own_milestone.startup))
    response = client.post(f"/founder/milestones/{own_milestone.pk}/evidence/", {"file": value})
    assert response.status_code == 400, (label, response.status_code)
    assert evidence_count() == 0
