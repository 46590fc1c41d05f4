"""The technology-transfer ledger's routes (issue 16, ``/api/v1/tech-transfers/``): staff
record a transfer with its IP items, a malformed application number is a 400 under
``ip_items`` that writes nothing, the filters narrow the list, founders read their own
startup's transfers, and the list's queries do not grow with its rows."""

from __future__ import annotations

import pytest
from django.utils import translation

from portfolio.models import TechTransfer, TechTransferIpItem
from portfolio.services import messages as msg
from tests.support.clients import token_client
from tests.support.factories import TechTransferFactory, make_user
from tests.support.founders import two_founders

pytestmark = pytest.mark.django_db

URL = "/api/v1/tech-transfers/"


def post(client, body):
    return client.post(URL, body, content_type="application/json")


@pytest.fixture
def staff():
    return token_client(make_user("incubator-staff"))


def body(world, **values):
    return {
        "startup": world.kewei.pk,
        "institution": world.kewei.institution_id,
        "team": "张三 60%，李四 40%",
        "title": "量子纠缠源",
        "mode": "equity",
        "contract_on": "2024-03-01",
        "consideration": "0",
        "equity_to_institution_pct": "30",
        "equity_to_researchers_pct": "70",
        "ip_items": [
            {"kind": "invention", "application_number": "CN2018101234565"},
            {"kind": "software", "title": "控制软件"},
        ],
        **values,
    }


def test_staff_record_a_transfer_with_its_items(world, staff):
    response = post(staff, body(world))
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["mode"] == "equity"
    assert row["consideration"] == "0.00"
    assert row["currency"] == "CNY"
    assert row["equity_to_researchers_pct"] == "70.00"
    assert row["ip_items"] == [
        {"kind": "invention", "application_number": "201810123456.5", "title": ""},
        {"kind": "software", "application_number": "", "title": "控制软件"},
    ]
    response = staff.patch(
        f"{URL}{row['id']}/",
        {"ip_items": [{"kind": "design", "application_number": "201930001234.1"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert [item["kind"] for item in response.json()["ip_items"]] == ["design"]
    assert response.json()["title"] == "量子纠缠源"


@pytest.mark.parametrize(
    "number", ["201810123456.4", "20181012345.5", "201840123456.5", "ZL201810123456.5"]
)
def test_a_malformed_application_number_is_a_400_under_ip_items(world, staff, number):
    before = (TechTransfer.objects.count(), TechTransferIpItem.objects.count())
    items = [
        {"kind": "utility_model", "application_number": "202020012345.X"},
        {"kind": "invention", "application_number": number},
    ]
    response = post(staff, body(world, ip_items=items))
    assert response.status_code == 400
    [message] = response.json()["ip_items"]
    with translation.override("zh-hans"):  # the API's language without Accept-Language
        assert message.startswith(str(msg.IP_ITEM % {"row": 2, "message": ""}))
    assert (TechTransfer.objects.count(), TechTransferIpItem.objects.count()) == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"equity_to_institution_pct": "60", "equity_to_researchers_pct": "41"}, None),
        ({"mode": "gift"}, "mode"),
        ({"contract_on": "2024-13-01"}, "contract_on"),
        ({"consideration": "-5"}, "consideration"),
        ({"ip_items": "201810123456.5"}, "ip_items"),
        ({"ip_items": [["invention"]]}, "ip_items"),
        ({"startup": 10**12}, "startup"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, staff, values, field):
    before = TechTransfer.objects.count()
    response = post(staff, body(world, **values))
    assert response.status_code == 400, response.content
    errors = response.json()
    if field is None:  # the shares' sum: named on the researchers' share
        assert set(errors) == {"equity_to_researchers_pct"}
    else:
        assert field in errors
    assert TechTransfer.objects.count() == before


def test_viewers_read_and_may_not_write(world):
    client = token_client(make_user("viewers"))
    assert client.get(URL).json()["count"] == 2
    assert post(client, body(world)).status_code == 403


def test_filters_narrow_the_list(world):
    client = token_client(make_user("fund-managers"))

    def titles(**params):
        return {row["title"] for row in client.get(URL, params).json()["results"]}

    both = {"磁传感技术（测试）", "相干光源（测试）"}
    assert titles() == both
    assert titles(startup=world.weici.pk) == {"磁传感技术（测试）"}
    assert titles(mode="equity") == {"相干光源（测试）"}
    assert titles(contract_after="2023-06-01") == {"相干光源（测试）"}
    assert titles(contract_before="2023-06-01") == {"磁传感技术（测试）"}
    assert titles(ip_kind="utility_model") == {"相干光源（测试）"}
    assert titles(institution=world.weici.institution_id) >= {"磁传感技术（测试）"}
    for bad in ({"mode": "gift"}, {"contract_after": "2023-02-30"}, {"startup": "x"}):
        response = client.get(URL, bad)
        assert response.status_code == 400
        assert set(response.json()) == set(bad)


def test_a_founder_reads_only_their_startups_transfers(world):
    founders = two_founders(world)
    client = token_client(founders.a)
    rows = client.get(URL).json()["results"]
    assert {row["startup"] for row in rows} == {founders.own.pk}
    assert post(client, body(world, startup=founders.own.pk)).status_code == 403


def test_the_export_flattens_the_items(world):
    client = token_client(make_user("viewers"))
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "202020012345.X" in text
    assert "磁传感技术（测试）" in text


def test_list_queries_do_not_grow(world, django_assert_max_num_queries):
    client = token_client(make_user("viewers"))
    client.get(URL)
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    TechTransferFactory.create_batch(
        15,
        startup=world.weici,
        institution=world.weici.institution,
        ip_items=[
            {"kind": "invention", "application_number": "201810123456.5"},
            {"kind": "other", "title": "诀窍"},
        ],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == 17
