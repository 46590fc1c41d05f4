"""The browser's session and its user, read by one prebuilt query (``prebuilt``).

Django's database sessions and its ``ModelBackend`` build and compile two ORM queries on
every request made with a session (every dashboard page, the admin, the API from the
browser): the session, then its user. Here the session's row (``BrowserSession``) carries
its user's key, written from the session's data whenever the session is saved, and one
query compiled once per connection reads the session with its user joined. The database
is still asked on every request, so a session that ends (logout, expiry, a new password) or
a user made inactive is refused on the very next one, exactly as Django's own classes
decide: Django's ``get_user`` still takes the user's key from the session's data and checks
the password hash; the backend hands over the user read with the session when it is that
user, and reads the user by a query of its own otherwise.

``SESSION_ENGINE = "portfolio.session_auth"`` and ``portfolio.session_auth.ModelBackend`` in
``AUTHENTICATION_BACKENDS`` (settings.py). ``clearsessions`` deletes the expired rows.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY, backends, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.core.signals import request_started
from django.utils import timezone

from portfolio import prebuilt

#: ``(user key, user or None)`` of the session read last in this request (``SessionStore``),
#: for the backend's ``get_user`` to take instead of reading the user again; emptied when a
#: request starts and when taken, so it never outlives the request that read it.
_read_with_session: ContextVar[tuple | None] = ContextVar("read_with_session", default=None)


def _forget_session_user(**_kwargs) -> None:
    _read_with_session.set(None)


request_started.connect(_forget_session_user, dispatch_uid="portfolio.session_auth")


def _session(key):
    model = SessionStore.get_model_class()
    return model.objects.select_related("user").filter(session_key=key)


def _user(pk):
    return get_user_model()._default_manager.filter(pk=pk)


def _user_key(value):
    """The session data's user key as the user table's key, or None (none, or not a key)."""
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        from portfolio.models import BrowserSession

        return BrowserSession

    def create_model_instance(self, data):
        """Django's row of the session, with the key of the user its data logs in."""
        session = super().create_model_instance(data)
        session.user_id = _user_key(data.get(SESSION_KEY))
        return session

    def _get_session_from_db(self):
        """Django's: the session of this key unless it has expired, else None (and the key
        forgotten, so a new session gets a new key); its user comes with it."""
        session = prebuilt.fetch("session", self.model, _session, self.session_key)
        if session is None or session.expire_date <= timezone.now():
            _read_with_session.set(None)
            self._session_key = None
            return None
        _read_with_session.set((session.user_id, session.user))
        return session


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        """Django's: the user of the session's id if it may log in (active), else None. The
        user read with this request's session when it is that user; else one query."""
        pk = _user_key(user_id)
        if pk is None:
            return None
        read = _read_with_session.get()
        _read_with_session.set(None)
        if read is not None and read[0] == pk:
            user = read[1]
        else:
            user = prebuilt.fetch(
                "session_user", get_user_model(), _user, pk, prebuilt.INTEGER_SENTINEL
            )
        return user if user is not None and self.user_can_authenticate(user) else None
