"""The HTTP API (django-ninja, OpenAPI at /api/v1/openapi.json): the same services and the
same area scoping as the pages, for station tablets and provincial systems."""
