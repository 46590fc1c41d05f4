"""The browser's session and its user, each read by one prebuilt query (``prebuilt``).

Django's database sessions and its ``ModelBackend`` build and compile the same two ORM
queries on every request made with a session (every dashboard page, the admin, the API from
the browser); here they are compiled once per connection. The database is still asked on
every request, so a session that ends (logout, expiry, a new password) or a user made
inactive is refused on the very next one, exactly as Django's own classes decide.

``SESSION_ENGINE = "portfolio.session_auth"`` and ``portfolio.session_auth.ModelBackend`` in
``AUTHENTICATION_BACKENDS`` (settings.py). Sessions stay rows of ``django_session``.
"""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.utils import timezone

from portfolio import prebuilt


def _session(key):
    return db.SessionStore.get_model_class().objects.filter(session_key=key)


def _user(pk):
    return get_user_model()._default_manager.filter(pk=pk)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """Django's: the session of this key unless it has expired, else None (and the key
        forgotten, so a new session gets a new key)."""
        session = prebuilt.fetch("session", self.model, _session, self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        """Django's: the user of the session's id if it may log in (active), else None."""
        User = get_user_model()
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = prebuilt.fetch("session_user", User, _user, pk, prebuilt.INTEGER_SENTINEL)
        return user if user is not None and self.user_can_authenticate(user) else None
