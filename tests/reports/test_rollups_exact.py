"""The still-to-enrol rollups equal a recount from the register after any sequence of
captures, rejections and recalls, imports, merges, hand-overs, corrections, deaths and
memberships (issue 16): for every unit touched, on both maps, and every institution, on days
around birthdays (14 on 10 March 2021; a 29 February birth on 1 March 2022), a card's expiry,
and the policies' dates. The recount is the live worklist (``scheduling.worklists``) and the
live institution figures; ``rollups_rebuild`` gives the same rows as the increments."""

import contextlib
import random
from datetime import date, datetime, time, timedelta

import pytest
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cancuoc.dedup.services import Merge, MergeRefused, persons_merge
from cancuoc.geo.models import (
    AdministrativeUnit,
    Institution,
    InstitutionKind,
    InstitutionMember,
    UnitKind,
)
from cancuoc.geo.selectors import unit_by_code
from cancuoc.geo.services import NewUnit, geo_load, units_create
from cancuoc.intake.handovers import handover_accept, handover_request
from cancuoc.intake.models import NEXT_STATES, OPEN_STATES, Application, CardState
from cancuoc.intake.services import application_advance, intake_record
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.registry.choices import IN_REGISTER, CardKind, Presence
from cancuoc.registry.corrections import correction_apply, correction_file
from cancuoc.registry.dates import end_of_day
from cancuoc.registry.models import CorrectionRequest, Handover, Home, Person
from cancuoc.registry.services import person_update, register_load
from cancuoc.reports import still_to_enrol
from cancuoc.reports.institutions import institutions_progress
from cancuoc.reports.models import InstitutionRollup, PersonContribution, StillToEnrolRollup
from cancuoc.reports.rollups import ancestor_ids, rollups_rebuild
from cancuoc.reports.still_to_enrol import CONTRIBUTION_COLUMNS, left_on
from cancuoc.scheduling.worklists import without_open_application, worklist, worklist_counts
from tests.conftest import person_record

DAYS = [
    date(2021, 1, 1),
    date(2021, 3, 9),
    date(2021, 3, 10),
    date(2021, 4, 15),
    date(2021, 5, 31),
    date(2021, 6, 1),
    date(2021, 12, 31),
    date(2022, 2, 28),
    date(2022, 3, 1),
    date(2024, 7, 1),
    date(2025, 1, 1),
]
VILLAGES = [("1654001", "16540"), ("1654002", "16540"), ("1138301", "11383")]
PLACES = ["1654001", "1654002", "16540", "1138301", "11383", "11407"]
BIRTHS = [
    date(1960, 7, 1),
    date(1990, 5, 5),
    date(2007, 3, 10),
    date(2008, 2, 29),
    date(2007, 9, 1),
]
CARDS = [
    {},
    {"card_kind": CardKind.CMND_9, "card_issued_on": date(2010, 1, 4)},
    {"card_kind": CardKind.CCCD_BARCODE, "card_issued_on": date(2018, 6, 1)},
    {"card_kind": CardKind.CCCD_CHIP, "card_issued_on": date(2021, 4, 1)},
    {
        "card_kind": CardKind.CCCD_CHIP,
        "card_issued_on": date(2021, 2, 1),
        "card_expires_on": date(2021, 6, 1),
    },
]


def _day(rng: random.Random) -> date:
    return date(2021, 3, 1) + timedelta(days=rng.randrange(120))


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


class Campaign:
    """The writers of the register and of intake, called at random."""

    def __init__(self, rng: random.Random, operator) -> None:
        self.rng, self.operator = rng, operator
        self.station = Station.objects.create(
            code="CA-QN", name="Công an", kind=StationKind.FIXED, unit=unit_by_code("16540")
        )
        self.kit = Kit.objects.create(station=self.station, code="K1")
        self.institutions = [
            Institution.objects.create(
                code=f"I{n}",
                name=f"Trường {n}",
                kind=InstitutionKind.SCHOOL,
                unit=self.station.unit,
            )
            for n in range(2)
        ]
        self.keys = iter(range(10**6))

    def person(self, **filters) -> Person | None:
        people = list(Person.objects.filter(**filters).order_by("pk"))
        return self.rng.choice(people) if people else None

    def load(self) -> None:
        rng = self.rng
        records = []
        for _ in range(rng.randint(1, 4)):
            fields = {
                "birth_date": rng.choice(BIRTHS),
                "permanent_unit": rng.choice(PLACES),
                "presence": rng.choice([Presence.ALIVE, Presence.ALIVE, Presence.ABSENT]),
                **rng.choice(CARDS),
            }
            if rng.random() < 0.3:
                fields |= {"temporary_unit": rng.choice(PLACES), "temporary_since": _day(rng)}
            records.append(person_record(**fields))
        register_load(records=records, source="exact")

    def capture(self) -> None:
        person = self.person(presence__in=IN_REGISTER)
        if person is None or person.applications.filter(state__in=OPEN_STATES).exists():
            return
        accepted = self.rng.random() < 0.8
        moment = _moment(_day(self.rng))
        intake_record(
            operator=self.operator,
            person=person,
            station=self.station,
            kit=self.kit,
            started_at=moment,
            ended_at=moment + timedelta(minutes=7),
            accepted=accepted,
            reason="" if accepted else "Ảnh mờ",
            idempotency_key=f"exact-{next(self.keys)}",
            confirmed=True,
        )

    def advance(self) -> None:
        open_ = list(Application.objects.filter(state__in=OPEN_STATES).order_by("pk"))
        if not open_:
            return
        application = self.rng.choice(open_)
        to = self.rng.choice(sorted(NEXT_STATES[CardState(application.state)]))
        application_advance(
            application=application,
            to=to,
            at=application.state_since + timedelta(days=self.rng.randint(1, 20)),
            reason="Sai thông tin" if to == CardState.REJECTED else "",
        )

    def merge(self) -> None:
        kept, duplicate = (
            self.person(presence__in=IN_REGISTER),
            self.person(presence__in=IN_REGISTER),
        )
        if kept is None or kept == duplicate:
            return
        with contextlib.suppress(MergeRefused):  # e.g. both have an application on its way
            persons_merge([Merge(kept=kept, duplicate=duplicate, reason="trùng")])

    def hand_over(self) -> None:
        person = self.person(presence=Presence.ABSENT, handovers__isnull=True)
        if person is None:
            return
        home = person.residences.filter(kind="P").first().unit
        to = [p for p in PLACES if not unit_by_code(p).path.startswith(home.path)]
        day = _day(self.rng)
        handover = handover_request(
            person=person, to_unit=unit_by_code(self.rng.choice(to)), on=day
        )
        handover_accept(handover=handover, on=day)

    def correct(self) -> None:
        person = self.person(presence__in=IN_REGISTER)
        if person is None:
            return
        birth = self.rng.choice([b for b in BIRTHS if b != person.birth_date])
        request = correction_file(
            person=person,
            changes={"birth_date": f"{birth:%d/%m/%Y}"},
            reason="Sai ngày sinh",
            evidence="Giấy khai sinh",
        )
        correction_apply(request=request)

    def die(self) -> None:
        person = self.person(presence__in=IN_REGISTER)
        if person is not None:
            person_update(
                person=person,
                changes={"presence": Presence.DECEASED, "presence_since": _day(self.rng)},
                source="test",
            )

    def join(self) -> None:
        person = self.person()
        if person is not None:
            since = self.rng.choice([None, _day(self.rng)])
            InstitutionMember.objects.get_or_create(
                institution=self.rng.choice(self.institutions),
                person=person,
                defaults={"since": since},
            )

    def step(self) -> None:
        action = self.rng.choices(
            [
                self.load,
                self.capture,
                self.advance,
                self.merge,
                self.hand_over,
                self.correct,
                self.die,
                self.join,
            ],
            weights=[4, 5, 12, 1, 1, 1, 1, 2],
        )[0]
        action()


def _units_touched() -> list[AdministrativeUnit]:
    """Every unit a home counts in, on both maps, with their ancestors; and an empty one."""
    leaves = {pk for pair in Home.objects.values_list("unit_id", "former_unit_id") for pk in pair}
    leaves |= set(AdministrativeUnit.objects.filter(code="16462").values_list("pk", flat=True))
    units = AdministrativeUnit.objects.in_bulk([pk for pk in leaves if pk])
    ids = {a for unit in units.values() for a in ancestor_ids(unit)}
    return list(AdministrativeUnit.objects.filter(pk__in=ids).order_by("path"))


def _institutions_recounted(on: date) -> dict[str, tuple[int, int, int]]:
    """Members, applied and left of each institution from the register (the query the
    institution page ran before the rollups)."""
    applied = Application.objects.filter(
        person=OuterRef("person_id"), started_at__lt=end_of_day(on)
    ).exclude(state=CardState.REJECTED)
    left = without_open_application(
        Person.objects.filter(pk=OuterRef("person_id")).needing_card(on=on), on=on
    )
    rows = (
        InstitutionMember.objects.filter(InstitutionMember.active_on_q(on))
        .values("institution__code")
        .annotate(
            members=Count("pk"),
            applied=Count("pk", filter=Q(Exists(applied))),
            left=Count("pk", filter=Q(Exists(left))),
        )
        .order_by()
    )
    return {r["institution__code"]: (r["members"], r["applied"], r["left"]) for r in rows}


def _rollup_rows() -> tuple[set, set, set]:
    return (
        set(StillToEnrolRollup.objects.exclude(change=0).values_list("unit_id", "day", "change")),
        set(
            InstitutionRollup.objects.exclude(members=0, applied=0, to_enrol=0).values_list(
                "institution_id", "day", "members", "applied", "to_enrol"
            )
        ),
        set(PersonContribution.objects.values_list(*CONTRIBUTION_COLUMNS)),
    )


def assert_exact() -> None:
    units = _units_touched()
    assert any(u.on_old_map for u in units) and any(not u.on_old_map for u in units)
    for day in DAYS:
        counted = left_on([u.pk for u in units], day)
        recounted = {u.pk: worklist(unit=u, on=day).count() for u in units}
        assert {u.path: counted.get(u.pk, 0) for u in units} == {
            u.path: recounted[u.pk] for u in units
        }, day
        figures = {
            f.institution.code: (f.members, f.applied, f.left)
            for f in institutions_progress(Institution.objects.all(), on=day)
            if (f.members, f.applied, f.left) != (0, 0, 0)
        }
        assert figures == _institutions_recounted(day), day
    children = worklist_counts(unit=unit_by_code("38"), on=DAYS[3])
    counted = left_on([c.unit.pk for c in children], DAYS[3])
    assert {c.unit.pk: counted.get(c.unit.pk, 0) for c in children} == {
        c.unit.pk: c.total for c in children
    }
    kept = _rollup_rows()
    rollups_rebuild()  # most persons counted in SQL there: the same rows as Python counts
    assert _rollup_rows() == kept
    everyone = still_to_enrol._Batch(ids=tuple(Person.objects.values_list("pk", flat=True)))
    in_python = {key + values for key, values in still_to_enrol._computed(everyone).items()}
    assert kept[2] == in_python


def _exercised() -> dict[str, int]:
    return {
        "merged": Person.objects.filter(presence=Presence.MERGED).count(),
        "deceased": Person.objects.filter(presence=Presence.DECEASED).count(),
        "handovers": Handover.objects.filter(state="accepted").count(),
        "corrections": CorrectionRequest.objects.filter(state="applied").count(),
        "recalled": Application.objects.filter(state=CardState.REJECTED).count(),
        "handed_over": Application.objects.filter(state=CardState.HANDED_OVER).count(),
        "members": InstitutionMember.objects.count(),
        "persons": Person.objects.count(),
    }


@pytest.fixture
def maps(db):
    geo_load()
    units_create(
        [NewUnit(code, f"Thôn {code}", UnitKind.VILLAGE, parent) for code, parent in VILLAGES]
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollups_equal_a_recount_after_any_sequence_of_writes(maps, django_user_model, seed):
    campaign = Campaign(random.Random(seed), django_user_model.objects.create_user("kit"))
    campaign.load()
    for n in range(80):
        campaign.step()
        if n in (39, 79):
            assert_exact()
    # Every kind of write happened in the sequence.
    assert all(_exercised().values()), _exercised()


def test_a_synthetic_province_loaded_in_bulk_is_counted_as_the_register_says(db):
    """synth_load: persons by register_load (counted in SQL), members by COPY (then counted)."""
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    synth_load(synth_province(province="38", people=1500, seed=7))
    province = unit_by_code("38")
    for day in (date(2021, 3, 15), date(2021, 5, 23), date(2025, 1, 1)):
        children = worklist_counts(unit=province, on=day)
        counted = left_on([province.pk, *(c.unit.pk for c in children)], day)
        assert {c.unit.pk: counted.get(c.unit.pk, 0) for c in children} == {
            c.unit.pk: c.total for c in children
        }
        assert counted[province.pk] == worklist(unit=province, on=day).count() > 0
        figures = {
            f.institution.code: (f.members, f.applied, f.left)
            for f in institutions_progress(Institution.objects.all(), on=day)
            if f.members
        }
        assert figures == _institutions_recounted(day) != {}
