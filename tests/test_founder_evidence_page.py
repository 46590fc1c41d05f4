"""The founder page's evidence (issue 15): each milestone lists its files (links to the
checked download) and an upload form that posts to a founder view, which accepts only the
founder's own startup's milestones (others 404) and shows a refusal on the page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from portfolio.models import MilestoneEvidence
from portfolio.services import messages as msg
from tests.support.clients import login
from tests.support.evidence import PDF_BYTES, PNG_BYTES, attach_evidence, upload
from tests.support.factories import MilestoneFactory, StartupFactory, stage
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db


@pytest.fixture
def own():
    startup = StartupFactory(name="示例量子", stage=stage("prototype"), trl=5)
    return MilestoneFactory(startup=startup, title="第一台样机")


def upload_url(milestone) -> str:
    return reverse("founder:milestone-evidence", kwargs={"milestone_id": milestone.pk})


def test_a_founder_uploads_and_sees_the_file_with_its_download_link(own):
    founder = make_founder(own.startup)
    client = login(founder)
    page = client.get(reverse("founder:home")).content.decode()
    assert f'action="{upload_url(own)}"' in page and 'enctype="multipart/form-data"' in page
    response = client.post(upload_url(own), {"file": upload("样机照片.png", PNG_BYTES)})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('founder:home')}#milestone-{own.pk}"
    evidence = MilestoneEvidence.objects.get()
    assert evidence.milestone == own and evidence.uploaded_by == founder
    page = client.get(reverse("founder:home")).content.decode()
    link = reverse("api:milestoneevidence-download", kwargs={"pk": evidence.pk})
    assert f'href="{link}"' in page and "样机照片.png" in page
    got = client.get(link)  # the founder's session opens the checked download
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG_BYTES


@pytest.mark.parametrize(
    ("name", "data"),
    [("report.pdf", b"<svg onload=alert(1)>"), ("empty.pdf", b""), ("../../x.pdf", b"MZ")],
)
def test_a_refused_file_is_shown_on_the_page_and_nothing_is_written(own, name, data):
    client = login(make_founder(own.startup))
    response = client.post(upload_url(own), {"file": upload(name, data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="evidence-errors-{own.pk}"' in page
    assert "第一台样机" in page
    assert not MilestoneEvidence.objects.exists()


def test_no_file_is_an_error_on_the_page(own):
    response = login(make_founder(own.startup)).post(upload_url(own), {})
    assert response.status_code == 400
    with translation.override("zh-hans"):  # the founders' pages speak Chinese first
        assert str(msg.EVIDENCE_MISSING_FILE) in response.content.decode()


def test_another_startups_milestone_is_404_and_others_may_not_post(own, staff_user):
    other = MilestoneFactory(startup=StartupFactory(name="别家量子"), title="别家的里程碑")
    founder = make_founder(own.startup)
    client = login(founder)
    assert client.post(upload_url(other), {"file": upload()}).status_code == 404
    huge = f"/founder/milestones/{2**64}/evidence/"
    assert client.post(huge, {"file": upload()}).status_code == 404
    assert client.get(upload_url(own)).status_code == 405
    assert login(staff_user).post(upload_url(own), {"file": upload()}).status_code == 403
    assert login(None).post(upload_url(own), {"file": upload()}).status_code == 302
    assert not MilestoneEvidence.objects.exists()
    # and the other startup's files are not on the founder's page
    attach_evidence(other, name="别家的证书.pdf")
    assert "别家" not in client.get(reverse("founder:home")).content.decode()


def test_the_home_page_reads_all_files_in_one_query(own, django_assert_num_queries):
    client = login(make_founder(own.startup))
    client.get(reverse("founder:home"))  # warm the session
    # session with its user, permissions (user, groups), membership with startup, KPI
    # requests, milestones, files, policy applications, introductions
    with django_assert_num_queries(9):
        assert client.get(reverse("founder:home")).status_code == 200
    for _ in range(3):
        milestone = MilestoneFactory(startup=own.startup)
        attach_evidence(milestone)
        attach_evidence(milestone, data=PDF_BYTES)
    with django_assert_num_queries(9):
        page = client.get(reverse("founder:home")).content.decode()
    assert page.count("certificate.pdf") == 6
