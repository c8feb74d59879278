"""The review queue: a pair merged by a reviewer (the kept record takes the cards and the
fields it lacked, all in its history), or marked as two people; decisions are final,
audited, and a merged record is out of worklists and figures."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from cancuoc.accounts.models import AuditEvent
from cancuoc.dedup.models import MatchPair, MatchRun, PairState
from cancuoc.dedup.services import MergeRefused, pair_distinct, pair_merge
from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.models import Application, CardState
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.registry.choices import CardKind, Presence
from cancuoc.registry.models import Card, Person, PersonChange
from cancuoc.registry.services import card_issue
from cancuoc.reports.quality import quality_figures
from cancuoc.scheduling.models import Appointment, AppointmentState, Slot
from cancuoc.scheduling.worklists import worklist

ON = date(2021, 4, 1)


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_user("ra-soat", password="x" * 12)


def queued(a: Person, b: Person, weight: float = 4.0) -> MatchPair:
    run = MatchRun.objects.create(review_weight=0, auto_merge_weight=8, model={})
    left, right = sorted([a, b], key=lambda p: p.pk)
    return MatchPair.objects.create(
        run=run,
        left=left,
        right=right,
        match_weight=weight,
        match_probability=0.94,
        levels={"name": 3},
    )


def test_a_reviewer_merges_a_pair(add_person, reviewer):
    original = add_person(personal_id="038080001234", full_name="Nguyễn Văn An", phone="")
    again = add_person(full_name="Nguyen Van An", phone="0912000111", religion="Phật giáo")
    card_issue(
        person=again, kind=CardKind.CCCD_CHIP, number="038080001234", issued_on=date(2021, 3, 20)
    )
    pair = queued(original, again)
    # The chip card is on the second record: the person is on the worklist as the first.
    assert list(worklist(unit=unit_by_code("16000"), on=ON)) == [original]

    kept = pair_merge(pair=pair, by=reviewer, note="Cùng một người, nhập hai lần")

    assert kept == original  # the record with the valid ID number
    again.refresh_from_db()
    kept.refresh_from_db()
    assert again.presence == Presence.MERGED and again.merged_into == kept
    assert (kept.phone, kept.religion) == ("0912000111", "Phật giáo")
    assert Card.objects.get().person == kept
    assert Person.objects.count() == 2  # nothing deleted
    changes = {(c.person_id, c.field) for c in PersonChange.objects.filter(source="dedup")}
    assert {
        (kept.pk, "phone"),
        (kept.pk, "religion"),
        (kept.pk, "cards"),
        (again.pk, "presence"),
        (again.pk, "merged_into_id"),
    } <= changes
    pair.refresh_from_db()
    assert (pair.state, pair.decided_by, pair.note) == (
        PairState.MERGED,
        reviewer,
        "Cùng một người, nhập hai lần",
    )
    assert AuditEvent.objects.filter(action="dedup.merge", object_id=str(pair.pk)).exists()
    # The kept record now holds the chip card: nobody of the two is left to enrol.
    assert list(worklist(unit=unit_by_code("16000"), on=ON)) == []
    with pytest.raises(MergeRefused, match="đã được quyết định"):
        pair_distinct(pair=pair, by=reviewer)


def test_two_people_stay_two_and_leave_the_queue(add_person, reviewer):
    first = add_person(full_name="Lê Thị Hoa", sex="F", birth_date=date(1990, 3, 1))
    second = add_person(full_name="Lê Thị Hoà", sex="F", birth_date=date(1990, 3, 1))
    pair = queued(first, second)
    figures = {f.shortfall: f for f in quality_figures(unit_by_code("38"), ON)}
    assert figures["to_review"].good == figures["to_review"].total - 2

    pair_distinct(pair=pair, by=reviewer, note="Hai chị em")

    assert not MatchPair.objects.to_review().exists()
    assert set(Person.objects.values_list("presence", flat=True)) == {Presence.ALIVE}
    figures = {f.shortfall: f for f in quality_figures(unit_by_code("38"), ON)}
    assert figures["to_review"].good == figures["to_review"].total
    assert AuditEvent.objects.filter(action="dedup.distinct").exists()
    with pytest.raises(MergeRefused):
        pair_merge(pair=pair, by=reviewer)


def test_a_merge_into_a_merged_record_goes_to_the_record_kept(add_person):
    kept = add_person(personal_id="038080001234")
    second, third = add_person(phone=""), add_person(phone="")
    pair_merge(pair=queued(kept, second))
    pair_merge(pair=queued(second, third))
    third.refresh_from_db()
    assert third.merged_into == kept
    figures = {f.shortfall: f for f in quality_figures(unit_by_code("38"), ON)}
    assert figures["left"].total == figures["left"].good == 1  # merged records never "left"


def test_a_merge_brings_the_appointments_applications_and_memberships(add_person, reviewer):
    """The kept record takes over what was done for the duplicate; a second appointment
    still to come is cancelled (a person holds one), and a membership it has already stays."""
    station = Station.objects.create(
        code="CA-XM", name="Công an Xã Một", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    kit = Kit.objects.create(station=station, code="KIT-1")
    starts = [timezone.make_aware(datetime(2021, 4, day, 8)) for day in (1, 2, 3)]
    missed, theirs, ours = (
        Slot.objects.create(
            station=station, starts_at=s, ends_at=s + timedelta(hours=1), capacity=3
        )
        for s in starts
    )
    kept = add_person(personal_id="038080001234")
    duplicate = add_person(full_name="Nguyen Van An")
    Appointment.objects.create(person=duplicate, slot=missed, state=AppointmentState.NO_SHOW)
    Appointment.objects.create(person=duplicate, slot=theirs, state=AppointmentState.BOOKED)
    Appointment.objects.create(person=kept, slot=ours, state=AppointmentState.BOOKED)
    Application.objects.create(
        person=duplicate,
        unit=unit_by_code("16000"),
        station=station,
        kit=kit,
        operator=reviewer,
        started_at=starts[0],
        ended_at=starts[0] + timedelta(minutes=20),
        state=CardState.REJECTED,
        state_since=starts[0],
        idempotency_key="k-1",
    )
    school, factory = (
        Institution.objects.create(code=code, name=code, kind=kind, unit=unit_by_code("16000"))
        for code, kind in [("THPT-1", InstitutionKind.SCHOOL), ("NM-1", InstitutionKind.ENTERPRISE)]
    )
    InstitutionMember.objects.create(institution=school, person=duplicate)
    InstitutionMember.objects.create(institution=factory, person=duplicate, role="công nhân")
    InstitutionMember.objects.create(institution=factory, person=kept)

    assert pair_merge(pair=queued(kept, duplicate), by=reviewer) == kept

    states = dict(Appointment.objects.filter(person=kept).values_list("slot", "state"))
    assert states == {
        missed.pk: AppointmentState.NO_SHOW,
        theirs.pk: AppointmentState.CANCELLED,  # its place is free again
        ours.pk: AppointmentState.BOOKED,
    }
    assert Application.objects.get().person == kept
    assert set(kept.memberships.values_list("institution__code", flat=True)) == {"THPT-1", "NM-1"}
    assert duplicate.memberships.get().role == "công nhân"  # the factory's, not moved twice
    changes = dict(
        PersonChange.objects.filter(person=kept, source="dedup")
        .exclude(field="appointments", new_value__startswith="-")
        .values_list("field", "new_value")
    )
    assert changes == {"applications": "+1", "appointments": "+2", "memberships": "+1"}
    assert PersonChange.objects.filter(
        person=kept, field="appointments", new_value__startswith="-1"
    ).exists()


def test_a_group_merged_meanwhile_by_a_reviewer_is_left_to_review(add_person, reviewer):
    """A run scored the register before a reviewer merged one of a group's records: the run's
    merge of that group is not done on what it read; its pair waits for review."""
    from cancuoc.dedup.services import _groups_merge

    kept, second, third = add_person(personal_id="038080001234"), add_person(), add_person()
    pair_merge(pair=queued(kept, second), by=reviewer)  # meanwhile
    stale = queued(second, third, weight=12.0)  # from the run's reading of the register

    assert _groups_merge([{second.pk, third.pk}], [stale]) == 0

    third.refresh_from_db()
    stale.refresh_from_db()
    assert third.presence == Presence.ALIVE and stale.state == PairState.PENDING
