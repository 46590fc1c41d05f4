"""The three roles exist after migrate, with the permissions the API contract describes."""

import pytest

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

INCUBATOR = [
    "institution",
    "startup",
    "milestone",
    "kpireport",
    "investor",
    "fundinground",
    "participation",
]
FUND = ["commitment", "disbursement", "valuationmark", "distribution"]
ALL = [*INCUBATOR, *FUND, "stage", "fund", "stagetransition"]


def perms(role):
    return UserFactory(username=role, role=role)


@pytest.mark.parametrize("model", ALL)
@pytest.mark.parametrize("role", ["viewers", "incubator-staff", "fund-managers"])
def test_every_role_reads_everything(role, model):
    assert perms(role).has_perm(f"portfolio.view_{model}")


@pytest.mark.parametrize("model", ALL)
def test_viewers_change_nothing(model):
    user = perms("viewers")
    for action in ("add", "change", "delete"):
        assert not user.has_perm(f"portfolio.{action}_{model}")


def test_incubator_staff_write_incubator_data_not_fund_money():
    user = perms("incubator-staff")
    for model in INCUBATOR:
        assert user.has_perm(f"portfolio.add_{model}")
        assert user.has_perm(f"portfolio.change_{model}")
    for model in FUND:
        assert not user.has_perm(f"portfolio.add_{model}")
        assert not user.has_perm(f"portfolio.change_{model}")
    assert not user.has_perm("portfolio.delete_fundinground")


def test_fund_managers_write_fund_money_not_incubator_data():
    user = perms("fund-managers")
    for model in FUND:
        assert user.has_perm(f"portfolio.add_{model}")
        assert user.has_perm(f"portfolio.change_{model}")
        assert not user.has_perm(f"portfolio.delete_{model}")
    for model in INCUBATOR:
        assert not user.has_perm(f"portfolio.add_{model}")
