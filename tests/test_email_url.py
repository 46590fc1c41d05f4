"""EMAIL_URL (incubator/email_url.py): Django's email settings from one URL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from incubator.email_url import email_settings

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_starttls_with_a_percent_encoded_user():
    assert email_settings("smtp+tls://bot%40incubator.cn:p%3Ass@mail.example.cn:587") == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.cn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "bot@incubator.cn",
        "EMAIL_HOST_PASSWORD": "p:ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://relay", 25, False, False),
        ("smtps://relay", 465, False, True),
        ("smtp+ssl://relay:2465", 2465, False, True),
        ("smtp+tls://relay", 587, True, False),
    ],
)
def test_smtp_flavours(url, port, tls, ssl):
    settings = email_settings(url)
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"], settings["EMAIL_USE_SSL"]) == (
        port,
        tls,
        ssl,
    )
    assert settings["EMAIL_HOST_USER"] == settings["EMAIL_HOST_PASSWORD"] == ""


def test_other_backends():
    assert email_settings("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    assert email_settings("file:///var/mail/incubator") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/var/mail/incubator",
    }


@pytest.mark.parametrize(
    "url", ["imap://host", "smtp://", "smtp://host:notaport", "file://", "host:25"]
)
def test_a_wrong_url_stops_the_start_with_a_clear_message(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings(url)
