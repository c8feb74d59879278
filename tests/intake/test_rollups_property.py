"""Rollups equal a recount after any sequence of intakes and card steps."""

import uuid
from collections import Counter
from datetime import date, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.intake.models import NEXT_STATES, Application, CardEvent, CardState
from cancuoc.intake.services import IntakeRefused, application_advance, intake_record
from cancuoc.lib.clock import local_day
from cancuoc.reports.models import COUNTERS, DailyRollup, StationDayRollup
from cancuoc.reports.rollups import rollups_rebuild

from .conftest import at

START = date(2021, 4, 1)
steps = st.lists(
    st.tuples(
        st.sampled_from(["intake", "reject", "advance"]),
        st.integers(0, 5),  # which person / application
        st.integers(0, 6),  # day offset
        st.integers(0, 3),  # which next state
    ),
    max_size=30,
)


def recount() -> Counter:
    """(unit code, day, counter) from the events alone, walking up the tree by parent."""
    counts: Counter = Counter()
    captured: set[int] = set()
    for event in CardEvent.objects.select_related("application__unit").order_by("at", "id"):
        application = event.application
        if event.state == CardState.REJECTED:
            name = "recalled" if application.pk in captured else "rejected_at_capture"
        else:
            name = event.state
        if event.state == CardState.CAPTURED:
            captured.add(application.pk)
        unit = application.unit
        while unit is not None:
            counts[(unit.code, local_day(event.at), name)] += 1
            unit = unit.parent
    return counts


def table() -> Counter:
    counts: Counter = Counter()
    for row in DailyRollup.objects.select_related("unit"):
        for name in COUNTERS:
            if getattr(row, name):
                counts[(row.unit.code, row.day, name)] = getattr(row, name)
    return counts


def station_table() -> set[tuple]:
    return set(
        StationDayRollup.objects.values_list(
            "station_id",
            "kit_id",
            "operator_id",
            "day",
            "captured",
            "rejected_at_capture",
            "capture_seconds",
        )
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_rollups_equal_a_recount_after_any_intake_sequence(add_person, station, operator, plan):
    with transaction.atomic():
        persons = [
            add_person(permanent_unit=("16000001", "16000002", "16001001")[i % 3]) for i in range(6)
        ]
        kits = list(station.kits.all())
        for action, who, offset, pick in plan:
            moment = at(START + timedelta(days=offset), 8 + pick)
            try:
                if action in ("intake", "reject"):
                    intake_record(
                        operator=operator,
                        person=persons[who],
                        station=station,
                        kit=kits[pick % 2],
                        started_at=moment,
                        ended_at=moment + timedelta(minutes=7, seconds=pick * 10.5),
                        accepted=action == "intake",
                        reason="" if action == "intake" else "Vân tay mờ",
                        idempotency_key=uuid.uuid4().hex,
                    )
                else:
                    applications = list(Application.objects.order_by("pk"))
                    if not applications:
                        continue
                    application = applications[who % len(applications)]
                    options = sorted(NEXT_STATES[CardState(application.state)])
                    if not options:
                        continue
                    last = application.events.order_by("-at").first().at
                    application_advance(
                        application=application,
                        to=options[pick % len(options)],
                        at=max(moment, last + timedelta(minutes=1)),
                        reason="Lỗi dữ liệu",
                    )
            except IntakeRefused:
                pass
        incremental, by_kit = table(), station_table()
        assert incremental == recount()
        rollups_rebuild()
        assert table() == incremental
        assert station_table() == by_kit
        assert AdministrativeUnit.objects.filter(code="38").exists()
        transaction.set_rollback(True)
