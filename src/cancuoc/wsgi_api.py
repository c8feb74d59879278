"""The API-only process: ``gunicorn cancuoc.wsgi_api`` (see ``cancuoc.settings_api``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "cancuoc.settings_api"
application = get_wsgi_application()
