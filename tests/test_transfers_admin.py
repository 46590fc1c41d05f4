"""The technology-transfer admin (issue 16): staff record a transfer with its IP items
(inline) through the service; a malformed application number is refused next to the item's
field and nothing is written; viewers read only."""

from __future__ import annotations

import pytest
from django.utils import translation

from portfolio.models import TechTransfer, TechTransferIpItem
from portfolio.models.validators import MSG_PATENT_APPLICATION_CHECK
from tests.support.admin import admin_url
from tests.support.clients import login
from tests.support.factories import InstitutionFactory, StartupFactory, make_user

pytestmark = pytest.mark.django_db


def form(startup, institution, *numbers: str) -> dict:
    data = {
        "startup": startup.pk,
        "institution": institution.pk,
        "team": "",
        "title": "超导谐振器工艺",
        "mode": "licence",
        "contract_on": "2024-05-01",
        "consideration": "800000",
        "equity_to_institution_pct": "0",
        "equity_to_researchers_pct": "0",
        "empowerment": "none",
        "co_ownership_pct": "",
        "use_right_years": "",
        "note": "",
        "ip_items-TOTAL_FORMS": str(len(numbers)),
        "ip_items-INITIAL_FORMS": "0",
        "ip_items-MIN_NUM_FORMS": "0",
        "ip_items-MAX_NUM_FORMS": "1000",
    }
    for n, number in enumerate(numbers):
        data |= {
            f"ip_items-{n}-kind": "invention",
            f"ip_items-{n}-application_number": number,
            f"ip_items-{n}-title": "",
        }
    return data


def test_staff_record_a_transfer_with_items_through_the_service(staff_user):
    startup, institution = StartupFactory(), InstitutionFactory()
    client = login(staff_user)
    response = client.post(
        admin_url(TechTransfer, "add"), form(startup, institution, "CN2018101234565")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    transfer = TechTransfer.objects.get(startup=startup)
    assert list(transfer.ip_items.values_list("application_number", flat=True)) == [
        "201810123456.5"
    ]
    assert transfer.history.get().history_user == staff_user


def test_a_malformed_number_is_refused_next_to_the_item(staff_user):
    startup, institution = StartupFactory(), InstitutionFactory()
    client = login(staff_user)
    response = client.post(
        admin_url(TechTransfer, "add"),
        form(startup, institution, "201810123456.5", "201810123456.4"),
    )
    assert response.status_code == 200
    [_, bad] = response.context["inline_admin_formsets"][0].formset.forms
    assert "application_number" in bad.errors
    with translation.override("zh-hans"):  # the admin's language
        expected = str(MSG_PATENT_APPLICATION_CHECK % {"expected": "5", "found": "4"})
    assert expected in str(bad.errors["application_number"])
    assert not TechTransfer.objects.exists()
    assert not TechTransferIpItem.objects.exists()


def test_viewers_read_only():
    client = login(make_user("viewers"))
    assert client.get(admin_url(TechTransfer, "changelist")).status_code == 200
    startup, institution = StartupFactory(), InstitutionFactory()
    response = client.post(admin_url(TechTransfer, "add"), form(startup, institution))
    assert response.status_code == 403
    assert not TechTransfer.objects.exists()
