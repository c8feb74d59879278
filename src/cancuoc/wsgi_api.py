"""The API-only process: ``gunicorn cancuoc.wsgi_api`` (see ``cancuoc.settings_api``)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "cancuoc.settings_api"
application = get_wsgi_application()
# Everything loaded so far lives as long as the process: keep the garbage collector's full
# passes off it, or each one walks the whole of Django, ninja and pydantic in the middle of a
# request (gc.freeze, CPython 3.7+).
gc.freeze()
