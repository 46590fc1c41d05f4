"""The cache settings production runs without Redis (``incubator/settings.py``): the
database's cache table, for tests that need the shared store a deployment has."""

from django.conf import settings

#: one cache backend's settings: ``override_settings(CACHES={"default": DATABASE_CACHE})``
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": settings.CACHE_TABLE,
}
