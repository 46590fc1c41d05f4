"""Database functions of portfolio.functions give what Python (or Django) gives."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models.functions import ExtractYear

from portfolio import selectors
from portfolio.functions import Year
from portfolio.models import Startup
from tests.factories import StartupFactory, UserFactory

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
