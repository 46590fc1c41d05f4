import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incubator.settings")
application = get_wsgi_application()

from incubator.settings import require_production_settings  # noqa: E402

require_production_settings()
