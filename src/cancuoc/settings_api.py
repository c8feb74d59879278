"""Settings of an API-only process for station traffic (``cancuoc.wsgi_api``): the API's
URLs only, and a short middleware chain. The API takes keys and answers JSON, so sessions,
CSRF, messages, language, CSP, login throttling and static files have nothing to do there;
on this machine they cost a third of a status lookup's CPU (bench/load.py). Browser users,
pages and session calls to the API keep ``cancuoc.settings``."""

from .settings import *  # noqa: F403

ROOT_URLCONF = "cancuoc.urls_api"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cancuoc.accounts.audit.AuditContextMiddleware",
]
