"""The time the campaign's pages and writes count in.

``CANCUOC_AS_OF`` (the demo sets it) pins "today" to a day of the campaign: a capture
recorded at the station is then dated that day, at the wall clock's time, so the pages as
of that day show it at once. Unset, it is the real local date and time."""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


def today() -> date:
    text = settings.CANCUOC_AS_OF
    return date.fromisoformat(text) if text else timezone.localdate()


def now() -> datetime:
    real = timezone.localtime()
    if not settings.CANCUOC_AS_OF:
        return real
    return real.replace(**dict(zip(("year", "month", "day"), today().timetuple()[:3], strict=True)))


def local_day(moment: datetime) -> date:
    """The local calendar day of a moment (what a capture at 23:30 counts for)."""
    return timezone.localtime(moment).date()
