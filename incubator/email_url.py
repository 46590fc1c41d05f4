"""``EMAIL_URL``: Django's email settings from one URL (docs/deploy.md, "Email").

- ``smtp://user:password@host:25`` plain SMTP; ``smtp+tls://...:587`` STARTTLS;
  ``smtps://...:465`` (or ``smtp+ssl://``) SMTP over TLS. User and password are
  percent-decoded (``%40`` for ``@``).
- ``console://`` prints each message (``make demo``), ``locmem://`` keeps them in memory,
  ``dummy://`` drops them, ``file:///var/mail/incubator`` writes one file per message.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKEND = "django.core.mail.backends.%s.EmailBackend"
SIMPLE = {"console": "console", "locmem": "locmem", "dummy": "dummy"}
SMTP = {"smtp": (False, False), "smtp+tls": (True, False), "smtps": (False, True)}
SMTP["smtp+ssl"] = SMTP["smtps"]
DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "smtps": 465, "smtp+ssl": 465}


def email_settings(url: str) -> dict[str, object]:
    """The ``EMAIL_*`` settings ``url`` describes."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme in SIMPLE:
        return {"EMAIL_BACKEND": BACKEND % SIMPLE[scheme]}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a directory, e.g. file:///var/mail")
        return {"EMAIL_BACKEND": BACKEND % "filebased", "EMAIL_FILE_PATH": unquote(parts.path)}
    if scheme not in SMTP:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {scheme!r} is not one of smtp, smtp+tls, smtps, console, "
            "locmem, dummy, file."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host, e.g. smtp+tls://user:pw@host:587")
    use_tls, use_ssl = SMTP[scheme]
    return {
        "EMAIL_BACKEND": BACKEND % "smtp",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or DEFAULT_PORTS[scheme],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
