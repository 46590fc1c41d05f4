"""Evidence in the admin (issue 15): staff upload through the service (a refused file is an
error next to the field, nothing written), a milestone lists its files read-only with links
to the checked download, and a file is never changed or deleted there."""

from __future__ import annotations

import pytest
from django.utils import translation

from portfolio.models import Milestone, MilestoneEvidence
from portfolio.services import messages as msg
from tests.support.admin import admin_url
from tests.support.clients import login
from tests.support.evidence import DOCX_BYTES, attach_evidence, upload
from tests.support.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_staff_upload_through_the_service(staff_user):
    milestone = MilestoneFactory()
    client = login(staff_user)
    add = admin_url(MilestoneEvidence, "add")
    page = client.get(add + f"?milestone={milestone.pk}").content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = client.post(
        add, {"milestone": milestone.pk, "upload": upload("合同.docx", DOCX_BYTES)}
    )
    assert response.status_code == 302, response.content[:2000]
    evidence = MilestoneEvidence.objects.get()
    assert evidence.filename == "合同.docx" and evidence.uploaded_by == staff_user
    assert evidence.content_type.endswith("wordprocessingml.document")
    assert evidence.history.get().history_user == staff_user


@pytest.mark.parametrize(
    ("name", "data"),
    [("report.pdf", b"<html></html>"), ("empty.pdf", b""), ("x.docx", b"PK\x03\x04broken")],
    ids=["wrong-type", "empty", "broken-zip"],
)
def test_a_refused_file_is_an_error_on_the_field(staff_user, name, data):
    milestone = MilestoneFactory()
    response = login(staff_user).post(
        admin_url(MilestoneEvidence, "add"),
        {"milestone": milestone.pk, "upload": upload(name, data)},
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"upload"}
    assert not MilestoneEvidence.objects.exists()


def test_the_milestone_lists_its_files_with_checked_download_links(staff_user, viewer):
    milestone = MilestoneFactory()
    evidence = attach_evidence(milestone, name="<script>证书.pdf")
    for user in (staff_user, viewer):
        page = login(user).get(admin_url(Milestone, "change", milestone.pk)).content.decode()
        assert f'href="/api/v1/evidence/{evidence.pk}/download/"' in page
        assert "&lt;script&gt;证书.pdf" in page and "<script>证书" not in page
    page = login(staff_user).get(admin_url(MilestoneEvidence, "change", evidence.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only
    assert (
        login(staff_user)
        .post(admin_url(MilestoneEvidence, "delete", evidence.pk), {"post": "yes"})
        .status_code
        == 403
    )
    assert MilestoneEvidence.objects.count() == 1


def test_viewers_and_fund_managers_do_not_upload(viewer, fund_manager):
    milestone = MilestoneFactory()
    for user in (viewer, fund_manager):
        response = login(user).post(
            admin_url(MilestoneEvidence, "add"), {"milestone": milestone.pk, "upload": upload()}
        )
        assert response.status_code == 403
    assert not MilestoneEvidence.objects.exists()


def test_the_admin_verify_action_says_evidence_is_needed(staff_user):
    milestone = MilestoneFactory()
    client = login(staff_user)
    response = client.post(
        admin_url(Milestone, "changelist"),
        {"action": "verify_milestones", "_selected_action": [milestone.pk]},
        follow=True,
    )
    with translation.override("zh-hans"):  # the admin's language
        assert str(msg.EVIDENCE_NEEDED) in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.verified_on is None
