"""Transactional tests keep the migration-installed rows for the tests after them."""

import pytest
from django.contrib.auth.models import Group

from portfolio.models import Stage


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_default_rows_survive_transactional_tests(run):
    # Each run starts with the pipeline and the roles, though the previous run flushed.
    assert Stage.objects.count() == 8
    assert (
        Group.objects.filter(name__in=["viewers", "incubator-staff", "fund-managers"]).count() == 3
    )
    Stage.objects.filter(slug="lab").update(name_en=f"changed {run}")
