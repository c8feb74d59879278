"""A limit on the requests one client address makes to the public pages in a minute, counted
in Django's cache rather than the database: a page served from the cache then costs no
query at all. The minute starts at the address's first request; past the limit the answer
is 429 with ``Retry-After``, the seconds left in that minute."""

import ipaddress
import math
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from cancuoc.lib.client_address import client_ip

WINDOW = 60  # seconds


def _counted_as(address: str | None) -> str:
    """IPv6 clients are counted by their /64: one subscriber holds a whole /64 and could
    otherwise take a fresh address for every request."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "-"
    if parsed.version == 6 and not parsed.ipv4_mapped:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def seconds_to_wait(*, scope: str, address: str | None, limit: int) -> int:
    """Counts one request from ``address``: 0 while it has made at most ``limit`` in its
    current minute, else how many seconds are left in that minute."""
    key = f"cancuoc:throttle:{scope}:{_counted_as(address)}"
    now = time.time()
    cache.add(f"{key}:since", now, timeout=WINDOW)
    cache.add(key, 0, timeout=WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # the minute ended between the two lines above
        count = 1
        cache.set(key, count, timeout=WINDOW)
    if count <= limit:
        return 0
    since = cache.get(f"{key}:since", now)
    return max(1, math.ceil(since + WINDOW - now))


def per_address_limit(scope: str) -> Callable:
    """Refuses (429) a view's requests from one address past
    ``CANCUOC_PUBLIC_PAGES_PER_MINUTE`` a minute."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            wait = seconds_to_wait(
                scope=scope,
                address=client_ip(request),
                limit=settings.CANCUOC_PUBLIC_PAGES_PER_MINUTE,
            )
            if not wait:
                return view(request, *args, **kwargs)
            message = _("Quá nhiều yêu cầu từ địa chỉ của bạn. Xin thử lại sau %(seconds)d giây.")
            response = HttpResponse(
                message % {"seconds": wait}, status=429, content_type="text/plain; charset=utf-8"
            )
            response["Retry-After"] = str(wait)
            return response

        return limited

    return decorate
