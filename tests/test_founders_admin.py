"""The founders in the admin (issue 15): staff invite a founder from the startup's page and
manage the memberships; other roles see none of it; the admin is closed to founders."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.models import FounderMembership, Startup
from tests.support import factories
from tests.support.admin import MODELS, admin_url
from tests.support.clients import login
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db


def invite_url(startup) -> str:
    return reverse("admin:portfolio_foundermembership_invite", args=[startup.pk])


def test_staff_invite_a_founder_from_the_startups_page(startup, staff_user):
    client = login(staff_user)
    page = client.get(admin_url(Startup, "change", startup.pk)).content.decode()
    assert invite_url(startup) in page
    form = client.get(invite_url(startup))
    assert form.status_code == 200
    response = client.post(
        invite_url(startup), {"email": "ceo@founder.example", "name": "李四", "title": "CEO"}
    )
    assert response.status_code == 302
    assert response["Location"] == admin_url(Startup, "change", startup.pk)
    membership = FounderMembership.objects.get()
    assert (membership.startup, membership.user.email, membership.invited_by) == (
        startup,
        "ceo@founder.example",
        staff_user,
    )
    assert len(mail.outbox) == 1
    assert LogEntry.objects.filter(object_id=str(membership.pk)).exists()
    # The startup's page lists its founders.
    page = client.get(admin_url(Startup, "change", startup.pk)).content.decode()
    assert "ceo@founder.example" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "staff@example.com"}, "email"),  # the staff member's own account
        ({"email": "ok@example.com", "name": "a\x00b"}, "name"),
        ({"email": "ok@example.com", "title": "T" * 101}, "title"),
    ],
)
def test_a_refused_invitation_is_a_form_error_by_field(startup, staff_user, data, field):
    response = login(staff_user).post(invite_url(startup), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not FounderMembership.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["viewers", "fund-managers"], indirect=True)
def test_other_roles_neither_invite_nor_see_founders(persona, startup):
    make_founder(startup)
    client = login(persona)
    page = client.get(admin_url(Startup, "change", startup.pk)).content.decode()
    assert invite_url(startup) not in page
    assert "founder@" not in page and "founder_membership" not in page
    assert client.get(invite_url(startup)).status_code == 403
    assert client.post(invite_url(startup), {"email": "x@example.com"}).status_code == 403
    assert client.get(admin_url(FounderMembership, "changelist")).status_code == 403
    assert not FounderMembership.objects.filter(user__email="x@example.com").exists()


def test_an_unknown_startup_is_404(staff_user):
    client = login(staff_user)
    for startup_id in ("999999", "abc", "9" * 30):
        url = reverse("admin:portfolio_foundermembership_invite", args=[startup_id])
        assert client.get(url).status_code == 404


def test_staff_retitle_and_remove_a_founder_but_add_none_by_hand(startup, staff_user):
    founder = make_founder(startup, title="CEO")
    membership = founder.founder_membership
    client = login(staff_user)
    assert client.get(admin_url(FounderMembership, "add")).status_code == 403
    url = admin_url(FounderMembership, "change", membership.pk)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"title": "CTO", "user": "999", "startup": "999"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.title, membership.user, membership.startup) == ("CTO", founder, startup)
    response = client.post(admin_url(FounderMembership, "delete", membership.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not FounderMembership.objects.exists()


def test_the_changelist_does_not_grow_with_rows(staff_user):
    client = login(staff_user)
    url = admin_url(FounderMembership, "changelist")
    for n in range(2):
        make_founder(factories.StartupFactory(), f"f{n}")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for n in range(2, 8):
        make_founder(factories.StartupFactory(), f"f{n}")
    assert count() == small


# --- the admin is closed to founders ------------------------------------------------------------


def admin_urls(startup) -> list[str]:
    urls = [reverse("admin:index"), invite_url(startup)]
    for model in [*MODELS, FounderMembership]:
        obj = model.objects.order_by("pk").first()
        urls.append(admin_url(model, "changelist"))
        if obj is not None:
            urls.append(admin_url(model, "change", obj.pk))
    return urls


@pytest.mark.parametrize("flagged_staff", [False, True])
def test_the_admin_is_closed_to_founders(startup, flagged_staff):
    founder = make_founder(startup)
    if flagged_staff:  # even an account wrongly flagged staff by hand
        founder.is_staff = True
        founder.save()
    client = login(founder)
    for url in admin_urls(startup):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    page = client.get(reverse("admin:login")).content.decode()
    assert startup.name not in page
