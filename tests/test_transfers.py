"""The technology-transfer ledger's service and model (issue 16, ``incubator-ops.md`` §4)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portfolio import services
from portfolio.models import TechTransfer, TechTransferIpItem
from tests.support import factories


@pytest.fixture
def parties(db):
    return factories.StartupFactory(), factories.InstitutionFactory()


def create(parties, **values):
    startup, institution = parties
    defaults = {
        "startup": startup,
        "institution": institution,
        "title": "离子阱囚禁装置",
        "mode": "equity",
        "contract_on": dt.date(2024, 6, 1),
    }
    return services.tech_transfer_create(**{**defaults, **values})


def test_a_transfer_is_written_with_its_items_in_one_spelling(parties):
    transfer = create(
        parties,
        consideration="1200000",
        equity_to_institution_pct=Decimal("30"),
        equity_to_researchers_pct=Decimal("70"),
        ip_items=[
            {"kind": "invention", "application_number": "CN2018101234565"},
            {"kind": "utility_model", "application_number": "202020012345x"},
            {"kind": "software", "application_number": "2023SR0000001", "title": "测控软件"},
            {"kind": "other", "title": "工艺诀窍"},
        ],
    )
    assert transfer.consideration == Decimal("1200000.00")
    assert [i.application_number for i in transfer.ip_items.all()] == [
        "201810123456.5",
        "202020012345.X",
        "2023SR0000001",
        "",
    ]


def test_a_malformed_number_refuses_the_whole_transfer_naming_the_item(parties):
    with pytest.raises(ValidationError) as caught:
        create(
            parties,
            ip_items=[
                {"kind": "invention", "application_number": "201810123456.5"},
                {"kind": "invention", "application_number": "201810123456.4"},
            ],
        )
    [message] = caught.value.message_dict["ip_items"]
    assert message.startswith("IP item 2:")
    assert "expected 5, found 4" in message
    assert not TechTransfer.objects.exists()
    assert not TechTransferIpItem.objects.exists()


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ({"kind": "design", "application_number": "2018101234565"}, "type digit"),
        ({"kind": "invention", "application_number": "201850123456.7"}, "fifth digit"),
        ({"kind": "invention", "application_number": "20181012345"}, "12 digits"),
        ({"kind": "patent", "application_number": "201810123456.5"}, "not a kind"),
        ({"kind": "invention", "number": "201810123456.5"}, "not a field"),
        ({"kind": "invention", "application_number": 201810123456}, "text"),
        ("201810123456.5", "object"),
    ],
)
def test_each_bad_item_is_a_refusal_under_ip_items(parties, item, words):
    with pytest.raises(ValidationError) as caught:
        create(parties, ip_items=[item])
    [message] = caught.value.message_dict["ip_items"]
    assert message.startswith("IP item 1:")
    assert words in message
    assert not TechTransfer.objects.exists()


def test_items_must_be_a_list(parties):
    with pytest.raises(ValidationError) as caught:
        create(parties, ip_items={"kind": "invention"})
    assert "ip_items" in caught.value.message_dict


def test_equity_shares_add_up_to_at_most_100(parties):
    with pytest.raises(ValidationError) as caught:
        create(
            parties,
            equity_to_institution_pct=Decimal("60"),
            equity_to_researchers_pct=Decimal("40.01"),
        )
    assert "equity_to_researchers_pct" in caught.value.message_dict
    assert not TechTransfer.objects.exists()


def test_a_future_contract_and_negative_consideration_are_refused(parties):
    with pytest.raises(ValidationError) as caught:
        create(parties, contract_on=dt.date(2999, 1, 1))
    assert "contract_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        create(parties, consideration="-1")
    assert "consideration" in caught.value.message_dict


def test_update_replaces_items_all_or_nothing(parties):
    transfer = create(
        parties, ip_items=[{"kind": "invention", "application_number": "201810123456.5"}]
    )
    with pytest.raises(ValidationError):
        services.tech_transfer_update(
            transfer=transfer,
            title="新名",
            ip_items=[
                {"kind": "design", "application_number": "201930001234.1"},
                {"kind": "invention", "application_number": "201810123456.0"},
            ],
        )
    transfer.refresh_from_db()
    assert transfer.title == "离子阱囚禁装置"
    assert list(transfer.ip_items.values_list("application_number", flat=True)) == [
        "201810123456.5"
    ]
    services.tech_transfer_update(
        transfer=transfer,
        title="新名",
        ip_items=[{"kind": "design", "application_number": "201930001234.1"}],
    )
    transfer.refresh_from_db()
    assert transfer.title == "新名"
    assert list(transfer.ip_items.values_list("kind", flat=True)) == ["design"]
    # without ip_items the items stay
    services.tech_transfer_update(transfer=transfer, note="备注")
    assert transfer.ip_items.count() == 1


def test_update_refuses_an_unknown_field(parties):
    transfer = create(parties)
    with pytest.raises(ValidationError) as caught:
        services.tech_transfer_update(transfer=transfer, id=99)
    assert "id" in caught.value.message_dict


def test_the_database_holds_the_sum_of_the_shares(parties):
    transfer = create(parties)
    with pytest.raises(IntegrityError), transaction.atomic():
        TechTransfer.objects.filter(pk=transfer.pk).update(
            equity_to_institution_pct=Decimal("50.01"), equity_to_researchers_pct=Decimal("50")
        )


def test_writes_keep_a_history(parties):
    transfer = create(
        parties, ip_items=[{"kind": "invention", "application_number": "201810123456.5"}]
    )
    services.tech_transfer_update(transfer=transfer, note="改")
    assert transfer.history.count() == 2
    assert TechTransferIpItem.history.count() == 1
