"""Founders (issue 15): the role, the membership, the invitation by email and its one-time
set-password link, the founder's home page, and the staff pages closed to founders."""

from __future__ import annotations

import re
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from portfolio.models import FounderMembership
from portfolio.selectors.scope import founder_startup, is_founder
from portfolio.services import messages as msg
from portfolio.services.founders import founder_add, founder_invite
from tests.support import factories
from tests.support.clients import login
from tests.support.factories import stage
from tests.support.founders import make_founder

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "a-long-founder-passphrase-7"


def link_in(message) -> str:
    """The set-password link's path in an invitation."""
    match = re.search(r"https?://[^/\s]+(/founder/welcome/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# --- the role -------------------------------------------------------------------------------


def test_the_role_reads_startup_rows_and_reference_data_and_submits_kpis():
    founders = Group.objects.get(name="founders")
    codenames = set(founders.permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_startup",
        "view_stagetransition",
        "view_milestone",
        "view_kpireport",
        "view_fundinground",
        "view_participation",
        "view_stage",
        "view_institution",
        "scoped_to_own_startup",
        # their own startup's KPI submissions (the scope and the service keep them to it)
        "view_kpisubmission",
        "add_kpisubmission",
        "change_kpisubmission",
        # their own startup's milestones' evidence files (issue 15)
        "view_milestoneevidence",
        "add_milestoneevidence",
        # the shared facilities, whole, and their own startup's bookings (the scope)
        "view_facility",
        "view_facilitybooking",
        "view_spacelease",  # their own startup's leases
        "view_mentor",  # the mentor list: reference data
        "view_mentoringsession",  # their own startup's sessions
        "view_techtransfer",  # their own startup's technology transfers
        "view_techtransferipitem",
        "view_incubationagreement",  # their own startup's incubation agreement
        "view_policyapplication",  # their own startup's policy applications
        "view_financingintroduction",  # their own startup's financing introductions
    }
    staff = Group.objects.get(name="incubator-staff")
    assert {"add_foundermembership", "view_foundermembership"} <= set(
        staff.permissions.values_list("codename", flat=True)
    )
    for role in ("viewers", "fund-managers"):
        held = Group.objects.get(name=role).permissions.values_list("codename", flat=True)
        assert not [c for c in held if "foundermembership" in c or c == "scoped_to_own_startup"]


def test_a_founder_is_the_role_not_a_superuser_or_staff(startup, staff_user, superuser):
    founder = make_founder(startup)
    assert is_founder(founder)
    assert founder_startup(founder) == startup
    assert not founder.is_staff
    assert not is_founder(staff_user)
    assert not is_founder(superuser)  # a superuser holds every permission, the marker too
    founder.is_active = False
    assert not is_founder(founder)


# --- founder_add ------------------------------------------------------------------------------


def test_a_startup_has_several_founders_and_a_founder_one_startup(startup):
    first = make_founder(startup, "first")
    make_founder(startup, "second")
    assert startup.founder_memberships.count() == 2
    other = factories.StartupFactory()
    with pytest.raises(ValidationError) as refused:
        founder_add(user=first, startup=other)
    assert codes(refused.value) == {"user": ["other_startup"]}
    founder_add(user=first, startup=startup, title="CTO")  # the same startup: a new title
    assert FounderMembership.objects.get(user=first).title == "CTO"


@pytest.mark.parametrize("kind", ["staff", "superuser", "viewer"])
def test_an_account_with_another_role_is_never_a_founder(startup, kind):
    user = {
        "staff": lambda: factories.UserFactory(username="s", role="incubator-staff"),
        "superuser": lambda: factories.UserFactory(username="r", is_superuser=True),
        "viewer": lambda: factories.UserFactory(username="v", is_staff=False, role="viewers"),
    }[kind]()
    with pytest.raises(ValidationError) as refused:
        founder_add(user=user, startup=startup)
    assert codes(refused.value) == {"user": ["has_role"]}
    assert not FounderMembership.objects.exists()
    assert not user.groups.filter(name="founders").exists()


# --- the invitation -----------------------------------------------------------------------------


def test_an_invitation_makes_the_account_and_mails_a_one_time_link(startup, staff_user):
    membership = founder_invite(
        startup=startup,
        email=" Founder@Example.COM ",
        name="张三",
        title="创始人兼CEO",
        by=staff_user,
        base_url="https://incubator.example/",
    )
    user = membership.user
    assert (user.username, user.email, user.first_name) == (
        "founder@example.com",
        "founder@example.com",
        "张三",
    )
    assert not user.is_staff and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["founders"]
    assert (membership.startup, membership.title, membership.invited_by) == (
        startup,
        "创始人兼CEO",
        staff_user,
    )
    (message,) = mail.outbox
    assert message.to == ["founder@example.com"]
    assert startup.name in message.subject
    assert "https://incubator.example/founder/welcome/" in message.body
    assert "founder@example.com" in message.body
    with translation.override("zh-hans"):
        assert translation.gettext("Set your password through this link (it works once):") in (
            message.body
        )
    assert "Set your password through this link (it works once):" in message.body  # English too


def test_site_url_wins_over_the_request(startup, settings):
    settings.SITE_URL = "https://portal.example"
    founder_invite(startup=startup, email="a@b.example", base_url="http://internal:8000/")
    assert "https://portal.example/founder/welcome/" in mail.outbox[0].body


def test_inviting_a_founder_again_sends_a_new_link(startup):
    first = founder_invite(startup=startup, email="again@example.com", title="CEO")
    second = founder_invite(startup=startup, email="AGAIN@example.com", title="CEO")
    assert first.pk == second.pk
    assert User.objects.filter(email="again@example.com").count() == 1
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("not-an-address", "invalid"),
        ("", "invalid"),
        ("a\nBcc: victim@example.com@x.example", "invalid"),
        ("x" * 140 + "@example.com", "username"),
        ("o'brien@example.com", "username"),
    ],
)
def test_a_bad_address_is_refused_under_email_and_nothing_is_written(startup, email, code):
    with pytest.raises(ValidationError) as refused:
        founder_invite(startup=startup, email=email)
    assert codes(refused.value) == {"email": [code]}
    assert not User.objects.exists() and not FounderMembership.objects.exists()
    assert mail.outbox == []


def test_staff_or_another_startups_founder_cannot_be_invited(startup, staff_user):
    with pytest.raises(ValidationError) as refused:
        founder_invite(startup=startup, email=staff_user.email)
    assert codes(refused.value) == {"email": ["has_role"]}
    other = founder_invite(startup=factories.StartupFactory(), email="busy@example.com")
    with pytest.raises(ValidationError) as refused:
        founder_invite(startup=startup, email="busy@example.com")
    assert codes(refused.value) == {"email": ["other_startup"]}
    assert str(other.startup) in refused.value.messages[0]
    assert FounderMembership.objects.count() == 1


def test_control_characters_and_long_names_are_refused_by_field(startup):
    for kwargs, field in (
        ({"name": "a\x00b"}, "name"),
        ({"title": "CEO\r\nBcc: x"}, "title"),
        ({"name": "名" * 151}, "name"),
        ({"title": "T" * 101}, "title"),
    ):
        with pytest.raises(ValidationError) as refused:
            founder_invite(startup=startup, email="ok@example.com", **kwargs)
        assert set(refused.value.error_dict) == {field}, kwargs
    assert not User.objects.exists()


def test_a_mail_that_cannot_be_sent_writes_nothing(startup, monkeypatch):
    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("portfolio.services.founders.send_mail", broken)
    with pytest.raises(ValidationError) as refused:
        founder_invite(startup=startup, email="lost@example.com")
    assert codes(refused.value) == {"email": ["mail"]}
    assert msg.FOUNDER_MAIL_FAILED % {"error": "SMTPServerDisconnected"} in refused.value.messages
    assert not User.objects.exists() and not FounderMembership.objects.exists()


# --- the one-time link ----------------------------------------------------------------------


def test_the_link_sets_a_password_once_and_logs_the_founder_in(startup):
    founder_invite(startup=startup, email="new@example.com")
    path = link_in(mail.outbox[0])
    client = login(None)
    response = client.get(path)
    assert response.status_code == 302  # the token moves to the session, off the URL
    form_url = response["Location"]
    assert "set-password" in form_url
    page = client.get(form_url)
    assert page.status_code == 200 and page.context["validlink"]
    assert 'name="new_password1"' in page.content.decode()
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("founder:home")
    home = client.get(reverse("founder:home"))
    assert home.status_code == 200
    assert startup.name in home.content.decode()
    user = User.objects.get(username="new@example.com")
    assert user.check_password(PASSWORD)
    # Used: the same link now says so, for anyone.
    for again in (login(None), client):
        page = again.get(path)
        assert page.status_code == 200
        assert not page.context["validlink"]
        assert 'id="welcome-invalid"' in page.content.decode()
    response = login(None).post(
        reverse("login"), {"username": "new@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302  # logs in with the address and the new password


def test_a_weak_password_is_a_form_error(startup):
    founder_invite(startup=startup, email="weak@example.com")
    client = login(None)
    form_url = client.get(link_in(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert not User.objects.get(username="weak@example.com").has_usable_password()


@pytest.mark.parametrize(
    "path",
    [
        "/founder/welcome/MQ/abc-def/",
        "/founder/welcome/!!/set-password/",
        "/founder/welcome/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/abc/",  # a 24-digit id
        "/founder/welcome/" + "A" * 4000 + "/x/",
        "/founder/welcome/..%2F..%2Fadmin/x/",
        "/founder/welcome/%00/%00/",
    ],
)
def test_a_bad_link_is_a_clear_page_not_an_error(path):
    response = login(None).get(path)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert not response.context["validlink"]


def test_the_page_opens_no_account_but_a_founders(startup, staff_user):
    """A staff account's token (made by hand: no mail ever carries one) opens nothing."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(staff_user.pk))
    token = default_token_generator.make_token(staff_user)
    response = login(None).get(f"/founder/welcome/{uid}/{token}/")
    assert response.status_code == 200
    assert not response.context["validlink"]


# --- pages ------------------------------------------------------------------------------------


def test_login_takes_a_founder_to_their_page(startup, client):
    founder = make_founder(startup)
    founder.set_password(PASSWORD)
    founder.save()
    response = client.post(
        reverse("login"), {"username": founder.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("founder:home")
    assert response.status_code == 200
    assert login(founder).get("/").url == reverse("founder:home")


def test_the_founders_page_shows_their_startup_card_and_milestones(django_assert_num_queries):
    startup = factories.StartupFactory(name="示例量子", stage=stage("prototype"), trl=5)
    other = factories.StartupFactory(name="别家量子")
    factories.MilestoneFactory(startup=startup, title="第一台样机")
    factories.MilestoneFactory(startup=other, title="别家的里程碑")
    founder = make_founder(startup, title="创始人兼CEO")
    client = login(founder)
    client.get(reverse("founder:home"))  # warm the session
    # session with its user, permissions (user, groups), membership with startup, KPI
    # requests with their submissions' status (one query: subqueries), milestones, their
    # files, policy applications, financing introductions
    with django_assert_num_queries(9):
        response = client.get(reverse("founder:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in page
    for shown in ("示例量子", "创始人兼CEO", "第一台样机", 'id="founder-trl">5<'):
        assert shown in page, shown
    assert "别家" not in page
    assert reverse("dashboard:pipeline") not in page  # the staff navigation is not shown
    for _ in range(5):
        factories.MilestoneFactory(startup=startup)
    with django_assert_num_queries(9):
        assert client.get(reverse("founder:home")).status_code == 200


def test_the_founders_page_is_theirs_alone(startup, staff_user, viewer):
    assert login(None).get(reverse("founder:home")).status_code == 302  # to the login page
    for user in (staff_user, viewer):
        assert login(user).get(reverse("founder:home")).status_code == 403
    founder = make_founder(startup)
    FounderMembership.objects.filter(user=founder).delete()  # the role without a startup
    response = login(founder).get(reverse("founder:home"))
    assert response.status_code == 403
    assert 'id="founder-unlinked"' in response.content.decode()


def test_the_staff_pages_send_a_founder_to_their_own(startup, fund):
    founder = make_founder(startup)
    client = login(founder)
    for url in (
        reverse("dashboard:pipeline"),
        reverse("dashboard:startup", args=[startup.pk]),
        reverse("dashboard:startup", args=[factories.StartupFactory().pk]),
        reverse("dashboard:fund", args=[fund.pk]),
        reverse("dashboard:fund-lps", args=[fund.pk]),
        reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("founder:home"), url


def test_an_invitation_racing_another_is_refused_cleanly(startup, monkeypatch):
    """Two staff invite one address at once: the loser's account insert hits the unique
    login name; it is refused under email, not a 500 (simulated: the check saw no account)."""
    from portfolio.services import founders as service

    founder_invite(startup=startup, email="race@example.com")
    monkeypatch.setattr(
        service.get_user_model().objects, "filter", lambda *a, **k: User.objects.none()
    )
    with pytest.raises(ValidationError) as refused:
        founder_invite(startup=startup, email="race@example.com")
    assert codes(refused.value) == {"email": ["concurrent"]}
    monkeypatch.undo()
    assert User.objects.filter(username="race@example.com").count() == 1
