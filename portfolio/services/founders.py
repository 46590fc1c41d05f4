"""Founders' accounts (issue 15): a membership links a user to one startup, in the role
``founders``; staff invite a founder by email and the founder sets a password through a
one-time link (Django's ``default_token_generator``: the link stops working once the
password is set, and after ``PASSWORD_RESET_TIMEOUT``).

A founder's account is theirs alone: an account that is staff, a superuser or holds another
role is refused (a staff member who is also a founder would be scoped to one startup on
every page, or, were the role ignored, would see every startup from a founder's login).
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portfolio.audit import attributed
from portfolio.models import FounderMembership, Startup
from portfolio.models.founders import FOUNDERS_GROUP
from portfolio.services import messages as msg
from portfolio.services.common import refuse, saved

#: where a link points when there is neither SITE_URL nor a request (the demo's server)
FALLBACK_SITE = "http://127.0.0.1:8000"
#: the invitation is written in Chinese first, then in English
MAIL_LANGUAGES = ("zh-hans", "en")


def _clean_text(value: Any, *, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        refuse(field, msg.FOUNDER_TEXT_INVALID, "invalid")
    value = value.strip()
    if any(ord(char) < 32 for char in value):
        refuse(field, msg.FOUNDER_TEXT_INVALID, "invalid")
    return value


@attributed
@transaction.atomic
def founder_add(
    *, user: Any, startup: Startup, title: str = "", by: Any = None
) -> FounderMembership:
    """Make ``user`` a founder of ``startup`` (the role and the membership); for a founder
    of that startup already, only the title changes."""
    title = _clean_text(title, field="title")
    existing = FounderMembership.objects.filter(user=user).select_related("startup").first()
    if existing is not None and existing.startup_id != startup.pk:
        refuse("user", msg.FOUNDER_OTHER_STARTUP, "other_startup", startup=existing.startup)
    other_roles = user.groups.exclude(name=FOUNDERS_GROUP).exists()
    if user.is_staff or user.is_superuser or other_roles:
        refuse("user", msg.FOUNDER_HAS_ROLE, "has_role")
    membership = existing or FounderMembership(user=user, startup=startup, invited_by=by)
    membership.title = title
    saved(membership)
    user.groups.add(Group.objects.get(name=FOUNDERS_GROUP))
    return membership


def _founder_user(email: str, name: str):
    """The account of ``email``: the existing one, or a new one with no usable password
    (nobody can log in with it until the founder sets one through the link)."""
    User = get_user_model()
    matches = list(User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email))[:2])
    if len(matches) > 1:
        refuse("email", msg.FOUNDER_EMAIL_TAKEN, "ambiguous")
    if matches:
        return matches[0]
    max_length = User._meta.get_field(User.USERNAME_FIELD).max_length
    try:
        UnicodeUsernameValidator()(email)
    except ValidationError:
        refuse("email", msg.FOUNDER_EMAIL_USERNAME, "username")
    if len(email) > max_length:
        refuse("email", msg.FOUNDER_EMAIL_USERNAME, "username")
    user = User(username=email, email=email, first_name=name, is_staff=False)
    user.set_unusable_password()
    user.save()
    return user


def welcome_link(user, base_url: str | None = None) -> str:
    """The one-time link to the founder's set-password page."""
    path = reverse(
        "founder:welcome",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return site_url(base_url) + path


def site_url(base_url: str | None = None) -> str:
    """The site's base address for links in mails (no trailing slash): ``SITE_URL``, else
    the request's (``base_url``), else the demo's server. Every mail's link starts here."""
    return (settings.SITE_URL or base_url or FALLBACK_SITE).rstrip("/")


def founder_mail(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of a mail to a founder from ``founder/email/<template>.txt`` and
    ``<template>_subject.txt``: Chinese, then English (``MAIL_LANGUAGES``)."""
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subject = render_to_string(f"founder/email/{template}_subject.txt", context)
            subjects.append(subject.strip())
            bodies.append(render_to_string(f"founder/email/{template}.txt", context).strip())
    return " / ".join(subjects), "\n\n----------\n\n".join(bodies) + "\n"


def _invitation(membership: FounderMembership, link: str) -> tuple[str, str]:
    """Subject and body of the invitation: Chinese, then English."""
    context = {
        "membership": membership,
        "startup": membership.startup,
        "link": link,
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    return founder_mail("invite", context)


@attributed
@transaction.atomic
def founder_invite(
    *,
    startup: Startup,
    email: str,
    title: str = "",
    name: str = "",
    by: Any = None,
    base_url: str | None = None,
) -> FounderMembership:
    """Invite a founder of ``startup`` by email: their account (login name: the address),
    the membership and the role, and a mail with a one-time link to set a password.
    Inviting a founder of this startup again sends a new link (the old one keeps working
    until either is used); a mail that cannot be sent writes nothing."""
    email = email.strip().lower() if isinstance(email, str) else ""
    try:
        validate_email(email)
    except ValidationError:
        refuse("email", msg.FOUNDER_EMAIL_INVALID, "invalid")
    name = _clean_text(name, field="name")
    max_name = get_user_model()._meta.get_field("first_name").max_length
    if len(name) > max_name:
        refuse("name", msg.FOUNDER_NAME_TOO_LONG, "max_length", max=max_name)
    try:
        with transaction.atomic():  # a savepoint: a concurrent invitation of the same address
            user = _founder_user(email, name)
            membership = founder_add(user=user, startup=startup, title=title, by=by)
    except ValidationError as error:  # the account is the address given: name it so
        raise ValidationError(
            {"email" if key == "user" else key: value for key, value in error.error_dict.items()}
        ) from None
    except IntegrityError:  # the same address invited at the same moment by someone else
        refuse("email", msg.FOUNDER_INVITE_RACE, "concurrent")
    subject, body = _invitation(membership, welcome_link(user, base_url))
    try:
        send_mail(subject, body, None, [user.email or email])
    except (smtplib.SMTPException, OSError) as error:
        refuse("email", msg.FOUNDER_MAIL_FAILED, "mail", error=error.__class__.__name__)
    return membership
