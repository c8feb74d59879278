"""The public schedule's pages kept in Django's cache, by unit, day and (for the page)
language: a province's schedule costs its queries once per ``CANCUOC_PUBLIC_CACHE_SECONDS``,
not once per visitor. The day is part of the key, so the first request of a new day (the
campaign's day, ``cancuoc.lib.clock.today()``, or the page's ``?ngay=`` within two weeks
of it) builds afresh.

The feed and the image are the same for everyone: they are served with ``Cache-Control:
public``, an ``ETag`` and ``Last-Modified``, and answered 304 when the client has them. The
page itself carries each visitor's CSRF token and language switch, so only its content is
kept here and the page is ``private``."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

T = TypeVar("T")


@dataclass(frozen=True)
class Document:
    """A file as it is served: the iCal feed, the fanpage image."""

    content: bytes
    content_type: str
    made: float  # seconds since the epoch
    filename: str = ""  # served as an attachment under this name

    @property
    def etag(self) -> str:
        return quote_etag(hashlib.blake2s(self.content, digest_size=16).hexdigest())


@dataclass(frozen=True)
class Page:
    """A schedule page's content as kept: the unit's name (for the title) and the HTML
    inside the site's frame, which is rendered for each visitor."""

    unit: str
    content: str


def public_key(what: str, code: str, day: date | None = None, language: str = "") -> str:
    """The cache key of a public page, or of a unit's code as a URL spells it (hashed: it
    may hold anything a visitor types)."""
    unit = hashlib.blake2s(code.encode(), digest_size=8).hexdigest()
    return f"cancuoc:lich:{what}:{unit}:{day.isoformat() if day else ''}:{language}"


def kept(key: str, build: Callable[[], T]) -> T:
    """The value under ``key``, built and kept if it is not there."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.CANCUOC_PUBLIC_CACHE_SECONDS)
    return value


def document_response(request: HttpRequest, document: Document) -> HttpResponse:
    """The document, or 304 when the client's copy is the same."""
    modified = int(document.made)
    response = get_conditional_response(request, etag=document.etag, last_modified=modified)
    if response is None:
        response = HttpResponse(document.content, content_type=document.content_type)
        if document.filename:
            response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["ETag"] = document.etag
    response["Last-Modified"] = http_date(modified)
    patch_cache_control(response, public=True, max_age=settings.CANCUOC_PUBLIC_CACHE_SECONDS)
    return response
