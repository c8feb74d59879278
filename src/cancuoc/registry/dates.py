"""Ages and anniversaries, the way Vietnamese law counts them."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def years_before(day: date, years: int) -> date:
    """The latest birth date of a person who is ``years`` old on ``day``.

    Someone born on 29 February reaches an age on 1 March in other years, so the threshold on
    a 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def anniversary(birth: date, years: int) -> date:
    """The day a person born on ``birth`` reaches ``years`` (1 March for a 29 February)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - birth.year - (1 if anniversary(birth, day.year - birth.year) > day else 0)


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in the local time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """Midnight after ``day`` in the local time zone: "by the end of that day"."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
