from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.choices import ResidenceKind
from cancuoc.registry.homes import Span, home_spans
from cancuoc.registry.models import Person, Residence
from cancuoc.registry.services import person_homes_rebuild

P, T = ResidenceKind.PERMANENT, ResidenceKind.TEMPORARY
days = st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2022, 12, 31)))


@st.composite
def residences(draw):
    spans = []
    for kind, unit in [(P, 1), (T, 2), (T, 3), (P, 4)][: draw(st.integers(1, 4))]:
        start, end = draw(days), draw(days)
        if start and end and end <= start:
            start, end = end, start + timedelta(days=1)
        spans.append(Span(kind, unit, start, end))
    return spans


def counted_on(residences: list[Span], day: date) -> int | None:
    """The rule as stated: a temporary residence in force wins (the latest begun), else the
    permanent one in force, else nowhere."""
    live = [r for r in residences if r.covers(day)]
    temporary = [r for r in live if r.kind == T]
    chosen = max(temporary or live, key=lambda r: r.start or date.min, default=None)
    return chosen.unit_id if chosen else None


@given(residences(), st.dates(min_value=date(2019, 6, 1), max_value=date(2023, 6, 1)))
def test_home_spans_count_a_person_where_the_rule_says_on_any_day(residences, day):
    spans = home_spans(residences)
    covering = [s for s in spans if s.covers(day)]
    assert len(covering) <= 1
    assert (covering[0].unit_id if covering else None) == counted_on(residences, day)


def test_moving_a_temporary_residence_moves_the_person_in_the_worklists(add_person):
    person = add_person(temporary_unit="16001001", temporary_since=date(2020, 1, 1))
    on = date(2021, 4, 1)
    commune_one, ward_two = unit_by_code("16000"), unit_by_code("16001")
    assert list(Person.objects.living_in(ward_two, on=on)) == [person]
    Residence.objects.filter(person=person, kind=T).update(end_date=date(2021, 3, 1))
    person_homes_rebuild(person)
    assert list(Person.objects.living_in(ward_two, on=on)) == []
    assert list(Person.objects.living_in(commune_one, on=on)) == [person]
    assert list(Person.objects.living_in(ward_two, on=date(2021, 2, 1))) == [person]
