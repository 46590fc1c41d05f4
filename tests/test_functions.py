"""Database functions of portfolio.models.expressions give what Python (or Django) gives."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from portfolio import selectors
from portfolio.models import Milestone, Startup
from portfolio.models.expressions import Year
from tests.support.factories import MilestoneFactory, StartupFactory, UserFactory

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(1999, 6, 30), dt.date(999, 3, 1)]


def test_year_of_a_date_is_the_calendar_year():
    startups = StartupFactory.create_batch(len(DAYS))
    for startup, day in zip(startups, DAYS, strict=True):
        Startup.objects.filter(pk=startup.pk).update(admitted_on=day)  # 999: past the forms
    years = dict(Startup.objects.annotate(cohort=Year("admitted_on")).values_list("pk", "cohort"))
    assert [years[s.pk] for s in startups] == [day.year for day in DAYS]
    assert (
        Startup.objects.filter(pk__in=[s.pk for s in startups])
        .annotate(cohort=Year("admitted_on"))
        .filter(cohort__gte=2025)
        .count()
        == 1
    )


def test_year_of_a_datetime_keeps_djangos_extract():
    UserFactory(username="joined")
    users = get_user_model().objects.annotate(
        ours=Year("date_joined"), django=ExtractYear("date_joined")
    )
    assert all(user.ours == user.django == user.date_joined.year for user in users)


def test_cohort_years_newest_first_once_each():
    for day in (dt.date(2021, 1, 1), dt.date(2023, 5, 1), dt.date(2021, 9, 1)):
        StartupFactory(admitted_on=day)
    StartupFactory(admitted_on=None)
    assert selectors.cohort_years() == [2023, 2021]


@pytest.mark.parametrize("kind", ["year", "month", "week", "day"])
@pytest.mark.parametrize("order", ["ASC", "DESC"])
def test_dates_give_what_djangos_dates_give(kind, order):
    """The admin's date hierarchy lists years, months and days through dates()."""
    for day in DAYS[:3] + [dt.date(2024, 12, 5), dt.date(2024, 2, 29)]:
        MilestoneFactory(achieved_on=day)
    ours = list(Milestone.objects.dates("achieved_on", kind, order))
    djangos = list(QuerySet.dates(Milestone.objects.all(), "achieved_on", kind, order))
    assert ours == djangos
    assert len(ours) >= 3 and all(isinstance(day, dt.date) for day in ours)


def test_dates_refuse_what_djangos_dates_refuse():
    with pytest.raises(ValueError, match="kind"):
        Milestone.objects.dates("achieved_on", "decade")
    with pytest.raises(ValueError, match="order"):
        Milestone.objects.dates("achieved_on", "year", "UP")
