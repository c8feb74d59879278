"""The appointments still to come in an area, by day: what the forecast counts as booked."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.registry.models import Home

from .models import Appointment, AppointmentState


@dataclass(frozen=True)
class Bookings:
    """Đã hẹn: the people of a unit with an appointment still to come, by the day of their
    slot, earliest first."""

    by_day: tuple[tuple[date, int], ...] = ()

    @property
    def count(self) -> int:
        return sum(n for _, n in self.by_day)

    @property
    def last_day(self) -> date | None:
        return self.by_day[-1][0] if self.by_day else None

    def until(self, day: date) -> "Bookings":
        """Only those booked on ``day`` or before."""
        return Bookings(tuple((d, n) for d, n in self.by_day if d <= day))

    def day_of(self, nth: int) -> date | None:
        """The day the ``nth`` person booked comes, in the order of the slots (None: fewer
        are booked, or ``nth`` is 0)."""
        seen = 0
        for day, n in self.by_day:
            seen += n
            if nth and seen >= nth:
                return day
        return None


def bookings_in(units: list[AdministrativeUnit], *, on: date) -> dict[int, Bookings]:
    """For each of ``units`` (subtrees apart from one another, at one depth: a unit, or the
    units directly below one), the appointments still to come in its subtree: booked, in a
    slot from the day after ``on``. A person counts where they live on ``on`` (their home, as
    intake counts a capture), else where the station is. One query whatever the number of
    units; grouped by unit and day in the database."""
    if not units:
        return {}
    depth = {len(u.path) for u in units}
    if len(depth) != 1:
        raise ValueError("units of one depth only")
    by_path = {u.path: u.pk for u in units}
    home = Home.objects.active_on(on).filter(person=OuterRef("person_id")).order_by("-id")
    if units[0].on_old_map:  # where the person counts on that map; a station is of today's
        place = Subquery(home.values("former_unit__path")[:1])
    else:
        place = Coalesce(Subquery(home.values("unit__path")[:1]), F("slot__station__unit__path"))
    after = timezone.make_aware(datetime.combine(on + timedelta(days=1), time()))
    rows = (
        Appointment.objects.filter(state=AppointmentState.BOOKED, slot__starts_at__gte=after)
        .annotate(
            place=Substr(place, 1, depth.pop()),
            day=TruncDate("slot__starts_at"),
        )
        .filter(place__in=list(by_path))
        .values_list("place", "day")
        .annotate(n=Count("pk"))
        .order_by("place", "day")
    )
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for place, day, n in rows:
        found[by_path[place]].append((day, n))
    return {u.pk: Bookings(tuple(found[u.pk])) for u in units}
