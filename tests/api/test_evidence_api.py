"""Milestone evidence in the API (issue 15): upload (multipart ``file``) and list per
milestone, founders for their own startup only (others 404), staff for any; the download
streams the file as an attachment to those who may see its startup; verifying needs a file."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from portfolio.models import MilestoneEvidence
from tests.support.clients import token_client
from tests.support.evidence import DOCX_BYTES, PDF_BYTES, PNG_BYTES, attach_evidence, upload
from tests.support.factories import MilestoneFactory, make_user
from tests.support.founders import two_founders

pytestmark = pytest.mark.django_db


@pytest.fixture
def founders(world):
    return two_founders(world)


def milestone_of(startup):
    return startup.milestones.order_by("pk").first()


def evidence_url(milestone) -> str:
    return f"/api/v1/milestones/{milestone.pk}/evidence/"


def download(pk) -> str:
    return f"/api/v1/evidence/{pk}/download/"


def post_file(client, milestone, name="证书 2024.pdf", data=PDF_BYTES):
    return client.post(evidence_url(milestone), {"file": upload(name, data)})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_founder_uploads_to_their_own_milestone_and_reads_it_back(founders):
    client = token_client(founders.a)
    milestone = milestone_of(founders.own)
    response = post_file(client, milestone)
    assert response.status_code == 201, response.content
    row = response.json()
    assert {k: row[k] for k in ("filename", "size", "content_type")} == {
        "filename": "证书 2024.pdf",
        "size": len(PDF_BYTES),
        "content_type": "application/pdf",
    }
    assert row["uploaded_by"] == "founder_a"
    assert row["download"] == reverse("api:milestoneevidence-download", kwargs={"pk": row["id"]})
    listed = client.get(evidence_url(milestone)).json()
    assert [r["id"] for r in listed][-1] == row["id"]
    assert {r["milestone"] for r in listed} == {milestone.pk}
    got = client.get(download(row["id"]))
    assert got.status_code == 200
    assert body(got) == PDF_BYTES
    assert got["Content-Type"] == "application/pdf"
    assert got["X-Content-Type-Options"] == "nosniff"
    disposition = got["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E8%AF%81%E4%B9%A6%202024.pdf" in disposition


@pytest.mark.parametrize("accept", ["text/html", "application/pdf", "image/*", "x/y"])
def test_the_download_answers_whatever_the_client_accepts(world, accept):
    evidence = attach_evidence(milestone_of(world.weici))
    client = token_client(make_user("viewers"))
    response = client.get(download(evidence.pk), HTTP_ACCEPT=accept)
    assert response.status_code == 200 and body(response) == PDF_BYTES
    response = client.get(download(evidence.pk) + "?format=csv", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert client.get(download(0), HTTP_ACCEPT=accept).status_code == 404


def test_another_startups_milestone_and_files_are_404_to_a_founder(founders):
    theirs = attach_evidence(milestone_of(founders.other), by=founders.b)
    before = MilestoneEvidence.objects.count()
    client = token_client(founders.a)
    other = milestone_of(founders.other)
    assert client.get(evidence_url(other)).status_code == 404
    assert post_file(client, other).status_code == 404
    assert client.get(download(theirs.pk)).status_code == 404
    assert MilestoneEvidence.objects.count() == before
    # their own founder and the staff roles read it
    assert token_client(founders.b).get(download(theirs.pk)).status_code == 200
    for role in ("viewers", "incubator-staff", "fund-managers", "superuser"):
        assert token_client(make_user(role)).get(download(theirs.pk)).status_code == 200, role


def test_staff_upload_and_other_roles_may_not(world):
    milestone = milestone_of(world.weici)
    before = MilestoneEvidence.objects.filter(milestone=milestone).count()
    assert post_file(token_client(make_user("incubator-staff")), milestone).status_code == 201
    for role in ("viewers", "fund-managers"):
        assert post_file(token_client(make_user(role)), milestone).status_code == 403, role
    assert post_file(token_client(None), milestone).status_code == 401
    assert MilestoneEvidence.objects.filter(milestone=milestone).count() == before + 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", b"MZ\x90\x00 not a pdf"),  # a wrong type with the right name
        ("photo.png", b"\x89PNX" + PNG_BYTES),
        ("sheet.xlsx", DOCX_BYTES[:40]),  # a truncated archive
        ("empty.pdf", b""),
    ],
    ids=["wrong-type-right-name", "broken-png", "truncated-zip", "empty"],
)
def test_refused_uploads_are_400_on_file_and_write_nothing(founders, name, data):
    client = token_client(founders.a)
    response = post_file(client, milestone_of(founders.own), name=name, data=data)
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"file"}
    assert MilestoneEvidence.objects.count() == 2  # the world's own


def test_oversize_and_missing_files_are_400_on_file(founders):
    client = token_client(founders.a)
    milestone = milestone_of(founders.own)
    with override_settings(EVIDENCE_MAX_BYTES=100):
        response = post_file(client, milestone, data=PDF_BYTES + b" " * 100)
    assert response.status_code == 400 and set(response.json()) == {"file"}
    response = client.post(evidence_url(milestone), {}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"file"}
    response = client.post(evidence_url(milestone), {"file": "text, not a file"})
    assert response.status_code == 400 and set(response.json()) == {"file"}
    assert MilestoneEvidence.objects.count() == 2  # the world's own


@pytest.mark.parametrize("pk", ["0", "abc", "99999999", str(2**63), "-1", "1.0", "١"])
def test_unknown_or_malformed_download_ids_are_404(world, pk):
    client = token_client(make_user("superuser"))
    assert client.get(download(pk)).status_code == 404


def test_a_lost_file_is_404_not_500(world, evidence_store):
    evidence = attach_evidence(milestone_of(world.weici))
    (evidence_store / evidence.file.name).unlink()
    assert token_client(make_user("viewers")).get(download(evidence.pk)).status_code == 404


def test_verifying_through_the_api_needs_evidence(world):
    staff = token_client(make_user("incubator-staff"))
    milestone = MilestoneFactory(startup=world.weici)
    url = f"/api/v1/milestones/{milestone.pk}/verify/"
    response = staff.post(url, {"verified_on": "2024-05-01"}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"evidence"}
    attach_evidence(milestone)
    response = staff.post(url, {"verified_on": "2024-05-01"}, content_type="application/json")
    assert response.status_code == 200, response.content


def test_evidence_list_queries_do_not_grow_with_files(world, django_assert_max_num_queries):
    client = token_client(make_user("viewers"))
    milestone = milestone_of(world.weici)
    client.get(evidence_url(milestone))  # the token's last_used_at is written once
    # token, permissions, the milestone, its files (with uploaders)
    with django_assert_max_num_queries(4):
        assert len(client.get(evidence_url(milestone)).json()) == 1
    for _ in range(5):
        attach_evidence(milestone, by=make_user("incubator-staff"))
    with django_assert_max_num_queries(4):
        assert len(client.get(evidence_url(milestone)).json()) == 6


@pytest.mark.parametrize("route", ["api", "founder-page"])
def test_an_oversize_upload_is_dropped_while_it_is_read(founders, settings, monkeypatch, route):
    """Bar R11: the part of a too-large file that reaches Django's own upload handlers stays
    within the limit (plus one chunk); the rest is discarded, and the answer names ``file``."""
    from django.core.files import uploadhandler

    settings.EVIDENCE_MAX_BYTES = 200 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload to a temporary file
    kept = []
    original = uploadhandler.TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "receive_data_chunk", counting)
    milestone = milestone_of(founders.own)
    big = upload("big.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024))
    if route == "api":
        response = token_client(founders.a).post(evidence_url(milestone), {"file": big})
        assert response.status_code == 400 and set(response.json()) == {"file"}
        assert "MB" in response.json()["file"][0]
    else:
        from tests.support.clients import login

        url = reverse("founder:milestone-evidence", kwargs={"milestone_id": milestone.pk})
        response = login(founders.a).post(url, {"file": big})
        assert response.status_code == 400
        assert "MB" in response.content.decode()
    assert sum(kept) <= settings.EVIDENCE_MAX_BYTES + 64 * 1024
    assert MilestoneEvidence.objects.count() == 2  # the world's own
