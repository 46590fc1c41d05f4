import pytest

from portfolio.models import Stage


@pytest.mark.django_db
def test_default_pipeline_installed():
    assert list(Stage.objects.values_list("slug", flat=True)) == [
        "lab",
        "concept",
        "prototype",
        "pilot",
        "first-sales",
        "scale-up",
        "exited",
        "closed",
    ]
