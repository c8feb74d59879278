"""Still to enrol (còn phải thu nhận): for every unit and institution, how many people are on
the worklist on any day of the campaign, exact and current.

A person is on the worklist on day D (``scheduling.worklists.worklist``) when they are in the
register, have reached the policy's age, hold no card the policy counts on D and have no
application on its way taken by D; a unit counts them at their home of D (``Home``: today's
unit and the unit before 1 July 2025). Each condition holds on a union of day intervals, so
a person's place on the worklist is a few intervals [start, end): +1 on the start day and
−1 on the end day, at their home's unit (``PersonContribution``), summed per unit and day
with every ancestor (``StillToEnrolRollup``). The count on D is the sum of the changes up to D:
people who turn 14, or whose card expires, later are in it from their day on. An
institution's members, members who applied and members still to enrol are kept the same way
(``InstitutionRollup``).

A change to persons (``registry.signals.persons_changed``, intake's signals) refreshes their
contributions in the caller's transaction: the old ones are taken out of the sums, the new
ones, computed from the register, put in. ``still_to_enrol_rebuild`` recounts everything.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from django.db import connection
from django.db.models import Max, Q, Sum
from django.utils import timezone

from cancuoc.geo.models import SEGMENT, AdministrativeUnit, InstitutionMember
from cancuoc.intake.models import OPEN_STATES, Application, CardState
from cancuoc.lib.bulk import copy_rows
from cancuoc.registry.choices import IN_REGISTER
from cancuoc.registry.dates import anniversary
from cancuoc.registry.eligibility import POLICIES, EligibilityPolicy
from cancuoc.registry.models import Card, Home, Person

from .models import InstitutionRollup, PersonContribution, StillToEnrolRollup
from .sql import anniversary as anniversary_sql
from .sql import date_sql, delete_rows, greatest, least, local_date, statistics_refresh

FOREVER = date.max  # the end of an interval that does not end
# No policy asks for a card before the first one came into force: nothing counts earlier.
EPOCH = min(policy.in_force_from for policy in POLICIES.values())
BATCH = 20_000  # persons computed at a time in Python
RANGE_BATCH = 250_000  # persons of a range counted at a time in the database

Interval = tuple[date, date]  # [start, end)


def _normalised(intervals: list[Interval]) -> list[Interval]:
    """Sorted, without empty intervals, overlapping or touching ones joined."""
    result: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


def _intersection(a: list[Interval], b: list[Interval]) -> list[Interval]:
    return _normalised(
        [(max(s1, s2), min(e1, e2)) for s1, e1 in a for s2, e2 in b if max(s1, s2) < min(e1, e2)]
    )


def _difference(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """The days of ``a`` outside ``b``."""
    result = []
    for start, end in _normalised(a):
        for cut_start, cut_end in _normalised(b):
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                result.append((start, cut_start))
            start = max(start, cut_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


def _day_after(day: date | None) -> date:
    return day + timedelta(days=1) if day is not None and day < FOREVER else FOREVER


@dataclass
class _Facts:
    """What decides a person's place on the worklists, read in bulk."""

    birth_date: date
    in_register: bool
    # kind, issued, expires, lost
    cards: list[tuple[str, date, date | None, date | None]] = field(default_factory=list)
    # id, unit, former unit, start, end
    homes: list[tuple[int, int, int | None, date | None, date | None]] = field(default_factory=list)
    open_from: date | None = None  # the day of their first application on its way
    applied_from: date | None = None  # the day of their first application not sent back
    # institution, since, until
    memberships: list[tuple[int, date | None, date | None]] = field(default_factory=list)


def _policy_days(policy: EligibilityPolicy, facts: _Facts) -> list[Interval]:
    """The days in force of ``policy`` on which the person is old enough and holds no card
    it counts (``PersonQuerySet.needing_card``)."""
    grown = anniversary(facts.birth_date, policy.minimum_age)
    span = [(max(policy.in_force_from, grown), _day_after(policy.in_force_until))]
    held = [
        (
            issued,
            min(
                expires or FOREVER,
                lost or FOREVER,
                _day_after(policy.valid_until.get(kind)),
            ),
        )
        for kind, issued, expires, lost in facts.cards
        if kind in policy.qualifying_kinds
    ]
    return _difference(span, held)


def _worklist_days(facts: _Facts) -> list[Interval]:
    """The days on which the person is on a worklist (anywhere): needing a card, no
    application on its way."""
    if not facts.in_register:
        return []
    days = [i for policy in POLICIES.values() for i in _policy_days(policy, facts)]
    if facts.open_from is not None:
        days = _intersection(days, [(date.min, facts.open_from)])
    return _normalised(days)


def _home_spans(facts: _Facts) -> Iterator[tuple[int, int | None, Interval]]:
    """(unit, former unit, days) where the person is counted: on each day the latest home in
    force (``counted_residence``)."""
    homes = [
        (pk, unit, former, start or date.min, end or FOREVER)
        for pk, unit, former, start, end in facts.homes
    ]
    if len(homes) == 1:
        _pk, unit, former, start, end = homes[0]
        if start < end:
            yield unit, former, (start, end)
        return
    bounds = sorted({b for h in homes for b in h[3:]})
    for start, end in pairwise(bounds):
        live = [h for h in homes if h[3] <= start and h[4] > start]
        if live:
            _pk, unit, former, *_span = max(live)
            yield unit, former, (start, end)


def _steps(days: list[Interval]) -> Iterator[tuple[date, int]]:
    """+1 on the first day of each interval, −1 on the day after it (none for an open end);
    nothing before EPOCH."""
    for start, end in days:
        if end <= EPOCH:
            continue
        yield max(start, EPOCH), 1
        if end < FOREVER:
            yield end, -1


ContributionKey = tuple[int, int | None, int | None, date]  # person, unit, institution, day
Contributions = dict[ContributionKey, tuple[int, int, int]]  # to enrol, members, applied


def _contributions(person_id: int, facts: _Facts) -> Contributions:
    """The person's rows of ``PersonContribution``: (person, unit, institution, day) →
    (left, members, applied), zeros left out."""
    rows: dict[ContributionKey, list[int]] = defaultdict(lambda: [0, 0, 0])
    on_worklist = _worklist_days(facts)
    if on_worklist:
        for unit, former, span in _home_spans(facts):
            for day, step in _steps(_intersection(on_worklist, [span])):
                for place in (unit, former):
                    if place is not None:
                        rows[(person_id, place, None, day)][0] += step
    for institution, since, until in facts.memberships:
        member = [(since or date.min, until or FOREVER)]
        applied = [(facts.applied_from, FOREVER)] if facts.applied_from else []
        for column, days in (
            (0, _intersection(member, on_worklist)),
            (1, member),
            (2, _intersection(member, applied)),
        ):
            for day, step in _steps(days):
                rows[(person_id, None, institution, day)][column] += step
    return {key: (v[0], v[1], v[2]) for key, v in rows.items() if any(v)}


def _facts(batch: "_Batch") -> dict[int, _Facts]:
    """The facts of the batch's persons: five queries."""
    person_filter = batch.q()
    facts = {
        pk: _Facts(birth, presence in IN_REGISTER)
        for pk, birth, presence in Person.objects.filter(batch.q("pk")).values_list(
            "pk", "birth_date", "presence"
        )
    }
    for pk, *card in Card.objects.filter(person_filter).values_list(
        "person_id", "kind", "issued_on", "expires_on", "lost_on"
    ):
        facts[pk].cards.append(tuple(card))
    for pk, *home in Home.objects.filter(person_filter).values_list(
        "person_id", "pk", "unit_id", "former_unit_id", "start_date", "end_date"
    ):
        facts[pk].homes.append(tuple(home))
    for pk, state, started in Application.objects.filter(person_filter).values_list(
        "person_id", "state", "started_at"
    ):
        day = timezone.localtime(started).date()
        person = facts[pk]
        if state in OPEN_STATES:
            person.open_from = min(day, person.open_from or day)
        if state != CardState.REJECTED:
            person.applied_from = min(day, person.applied_from or day)
    for pk, *membership in InstitutionMember.objects.filter(person_filter).values_list(
        "person_id", "institution_id", "since", "until"
    ):
        facts[pk].memberships.append(tuple(membership))
    return facts


@dataclass(frozen=True)
class _Batch:
    """Persons computed together: by a list of ids, or a range of ids by its bounds (a bulk
    load's consecutive ids)."""

    ids: tuple[int, ...] = ()
    first: int = 0
    stop: int = 0

    def q(self, field: str = "person_id") -> Q:
        if self.ids:
            return Q(**{f"{field}__in": self.ids})
        return Q(**{f"{field}__gte": self.first, f"{field}__lt": self.stop})

    def sql(self, column: str) -> tuple[str, list[int]]:
        if self.ids:
            return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", list(self.ids)
        return f"{column} >= %s AND {column} < %s", [self.first, self.stop]


def _batches(person_ids: Sequence[int]) -> Iterator[_Batch]:
    if isinstance(person_ids, range) and person_ids.step == 1:
        for first in range(person_ids.start, person_ids.stop, RANGE_BATCH):
            yield _Batch(first=first, stop=min(first + RANGE_BATCH, person_ids.stop))
        return
    ids = sorted(set(person_ids))
    for first in range(0, len(ids), BATCH):
        yield _Batch(ids=tuple(ids[first : first + BATCH]))


def _computed(batch: _Batch) -> Contributions:
    rows: Contributions = {}
    for pk, facts in _facts(batch).items():
        rows.update(_contributions(pk, facts))
    return rows


def _stored(batch: _Batch) -> Contributions:
    return {
        (person, unit, institution, day): (to_enrol, members, applied)
        for person, unit, institution, day, to_enrol, members, applied in (
            PersonContribution.objects.filter(batch.q()).values_list(*CONTRIBUTION_COLUMNS)
        )
    }


CONTRIBUTION_COLUMNS = [
    "person_id",
    "unit_id",
    "institution_id",
    "day",
    "to_enrol",
    "members",
    "applied",
]


def _write(rows: Contributions) -> int:
    return copy_rows(
        PersonContribution,
        CONTRIBUTION_COLUMNS,
        (key + values for key, values in sorted(rows.items(), key=lambda r: r[0][:1] + r[0][3:])),
    )


def persons_refresh(person_ids: Sequence[int]) -> None:
    """Bring the rollups up to date for these persons, in the caller's transaction: their
    stored contributions out of the sums, their contributions as the register now says in.
    Persons whose contributions did not change cost six reads and no write (a card approved:
    still on its way)."""
    for batch in _batches(person_ids):
        if batch.ids:
            _locked(batch.ids)
            new = _computed(batch)
            if _stored(batch) == new:
                continue
        _sums_add(batch, -1)
        where, params = batch.sql("person_id")
        delete_rows(PersonContribution, where, params)
        if batch.ids:
            _write(new)
        else:  # a bulk load: most persons counted in the database
            _write_range(batch)
        _sums_add(batch, 1)


def _locked(ids: Sequence[int]) -> None:
    """Two refreshes of one person at once (a capture during a merge) would both take out
    the stored rows and both put theirs in: the persons are locked first, in key order (so
    two refreshes of different persons cannot deadlock on them), until the caller commits.
    Outside a transaction there is nothing to hold the lock: nothing is locked."""
    if connection.in_atomic_block:
        list(Person.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def _write_range(batch: _Batch) -> None:
    """The contributions of a range of persons: the simple ones (in the register, at most one
    card, no membership: nearly all of a bulk load) by one statement in the database, the
    others in Python."""
    _simple_write(batch)
    members, params = batch.sql("person_id")
    holders, more = batch.sql("c.person_id")
    person, card = Person._meta.db_table, Card._meta.db_table
    member = InstitutionMember._meta.db_table
    others = f"""SELECT person_id FROM {member} WHERE {members}
        UNION
        SELECT c.person_id FROM {card} c JOIN {person} pe ON pe.id = c.person_id
        WHERE {holders} AND pe.presence IN ({_in_register()})
        GROUP BY c.person_id HAVING COUNT(*) > 1"""
    with connection.cursor() as cursor:
        cursor.execute(others, params + more)
        ids = [pk for (pk,) in cursor.fetchall()]
    for part in _batches(ids):
        _write(_computed(part))


def _in_register() -> str:
    return ", ".join(f"'{presence}'" for presence in IN_REGISTER)


def _simple_write(batch: _Batch) -> None:
    """``_contributions`` in SQL for the batch's persons in the register with at most one card
    and no membership: for each policy and home span, the days they are old enough, cut at
    their application on its way, without the days their card counts (the piece before it
    and the piece after it); +1 on each piece's first day, −1 on the day after it. A
    person's homes do not overlap (``registry.homes.home_spans`` makes them so)."""
    person, card, home = Person._meta.db_table, Card._meta.db_table, Home._meta.db_table
    member, application = InstitutionMember._meta.db_table, Application._meta.db_table
    open_states = ", ".join(f"'{state}'" for state in OPEN_STATES)
    first, last = date_sql(date.min), date_sql(FOREVER)
    spans = []
    for policy in POLICIES.values():
        kinds = ", ".join(f"'{kind}'" for kind in sorted(policy.qualifying_kinds))
        until = " ".join(
            f"WHEN '{kind}' THEN {date_sql(_day_after(day))}"
            for kind, day in sorted(policy.valid_until.items())
        )
        card_end = least(
            f"COALESCE(p.expires_on, {last})",
            f"COALESCE(p.lost_on, {last})",
            f"CASE p.kind {until} ELSE {last} END" if until else last,
        )
        start = greatest(
            date_sql(policy.in_force_from),
            anniversary_sql("p.birth_date", policy.minimum_age),
            f"COALESCE(h.start_date, {first})",
        )
        end = least(
            date_sql(_day_after(policy.in_force_until)),
            f"COALESCE(h.end_date, {last})",
            f"COALESCE(p.open_from, {last})",
        )
        spans.append(f"""
            SELECT p.id AS person_id, h.unit_id, h.former_unit_id, {start} AS s, {end} AS e,
                CASE WHEN p.kind IN ({kinds}) THEN p.issued_on ELSE {last} END AS cs,
                CASE WHEN p.kind IN ({kinds}) THEN {card_end} ELSE {last} END AS ce
            FROM p JOIN {home} h ON h.person_id = p.id
            WHERE {batch.sql("h.person_id")[0]}""")
    pieces = [
        ("unit_id", "start", "1", "TRUE"),
        ("unit_id", "stop", "-1", f"stop < {last}"),
        ("former_unit_id", "start", "1", "former_unit_id IS NOT NULL"),
        ("former_unit_id", "stop", "-1", f"stop < {last} AND former_unit_id IS NOT NULL"),
    ]
    steps = " UNION ALL ".join(
        f"SELECT person_id, {place} AS place, {day} AS day, {step} AS step FROM pieces"
        f" WHERE start < stop AND {condition}"
        for place, day, step, condition in pieces
    )
    # Each part read by the batch's range of ids and joined whole (hashable), not probed
    # once per person.
    held, params = batch.sql("c.person_id")
    applied, more = batch.sql("a.person_id")
    params += more
    where, more = batch.sql("pe.id")
    params += more + batch.sql("h.person_id")[1] * len(spans)
    sql = f"""
        WITH one_card AS (
            SELECT c.person_id, COUNT(*) AS n, MIN(c.kind) AS kind, MIN(c.issued_on) AS issued_on,
                MIN(c.expires_on) AS expires_on, MIN(c.lost_on) AS lost_on
            FROM {card} c WHERE {held} GROUP BY c.person_id),
        open_from AS (
            SELECT a.person_id, MIN({local_date("a.started_at")}) AS day FROM {application} a
            WHERE {applied} AND a.state IN ({open_states}) GROUP BY a.person_id),
        p AS (
            SELECT pe.id, pe.birth_date, o.day AS open_from, c.kind, c.issued_on,
                c.expires_on, c.lost_on
            FROM {person} pe
            LEFT JOIN one_card c ON c.person_id = pe.id
            LEFT JOIN open_from o ON o.person_id = pe.id
            WHERE {where} AND pe.presence IN ({_in_register()}) AND COALESCE(c.n, 0) <= 1
            AND NOT EXISTS (SELECT 1 FROM {member} m WHERE m.person_id = pe.id)),
        spans AS ({" UNION ALL ".join(spans)}),
        cards AS (  -- a card that never counts (ends before it begins) cuts nothing
            SELECT person_id, unit_id, former_unit_id, s, e,
                CASE WHEN cs < ce THEN cs ELSE {last} END AS cs,
                CASE WHEN cs < ce THEN ce ELSE {last} END AS ce
            FROM spans),
        pieces AS (
            SELECT person_id, unit_id, former_unit_id, s AS start, {least("e", "cs")} AS stop
            FROM cards
            UNION ALL
            SELECT person_id, unit_id, former_unit_id, {greatest("s", "ce")}, e FROM cards),
        steps AS ({steps})
        INSERT INTO {PersonContribution._meta.db_table} ({", ".join(CONTRIBUTION_COLUMNS)})
        SELECT person_id, place, NULL, day, SUM(step), 0, 0 FROM steps
        GROUP BY person_id, place, day HAVING SUM(step) <> 0"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Levels of the tree at most (province, district, commune, village on the old map: 4).
LEVELS = 8


def _levels() -> str:
    """A table of the path lengths of the levels of the tree: each unit's ancestors are the
    prefixes of its path, found by equality joins (hashable), not a prefix test. Fixed, so
    that an intake's refresh does not ask the depth of the tree first."""
    return " UNION ALL ".join(f"SELECT {SEGMENT * (n + 1)} AS size" for n in range(LEVELS))


def _sums_add(batch: _Batch | None, sign: int) -> None:
    """Add (``sign`` 1) or take out (−1) the stored contributions of the persons selected
    into the rollups, each unit's also into its ancestors'; one statement per rollup, the
    keys in order (concurrent writers take the rows' locks in the same order)."""
    contribution = PersonContribution._meta.db_table
    unit = AdministrativeUnit._meta.db_table
    where, params = batch.sql("c.person_id") if batch is not None else ("1 = 1", [])
    left, institutions = StillToEnrolRollup._meta.db_table, InstitutionRollup._meta.db_table
    on_conflict = "" if batch is None else " ON CONFLICT ({key}) DO UPDATE SET {updates}"
    units_sql = f"""
        INSERT INTO {left} (unit_id, day, change)
        SELECT a.id, c.day, {sign} * SUM(c.to_enrol)
        FROM {contribution} c
        JOIN {unit} u ON u.id = c.unit_id
        JOIN ({_levels()}) lv ON lv.size <= length(u.path)
        JOIN {unit} a ON a.path = substr(u.path, 1, lv.size)
        WHERE c.unit_id IS NOT NULL AND {where}
        GROUP BY a.id, c.day
        ORDER BY a.id, c.day""" + on_conflict.format(
        key="unit_id, day", updates=f"change = {left}.change + excluded.change"
    )
    counters = ["members", "applied", "to_enrol"]
    institutions_sql = f"""
        INSERT INTO {institutions} (institution_id, day, members, applied, to_enrol)
        SELECT c.institution_id, c.day, {", ".join(f"{sign} * SUM(c.{n})" for n in counters)}
        FROM {contribution} c
        WHERE c.institution_id IS NOT NULL AND {where}
        GROUP BY c.institution_id, c.day
        ORDER BY c.institution_id, c.day""" + on_conflict.format(
        key="institution_id, day",
        updates=", ".join(f"{n} = {institutions}.{n} + excluded.{n}" for n in counters),
    )
    with connection.cursor() as cursor:
        cursor.execute(units_sql, params)
        cursor.execute(institutions_sql, params)


def still_to_enrol_rebuild() -> tuple[int, int]:
    """Recount the still-to-enrol rollups of every person from the register; returns the
    rows written (unit-day, institution-day). Run in the caller's transaction."""
    statistics_refresh([Person, Card, Home, Application, InstitutionMember])
    for model in (PersonContribution, StillToEnrolRollup, InstitutionRollup):
        delete_rows(model)
    top = Person.objects.aggregate(top=Max("pk"))["top"] or 0
    for batch in _batches(range(1, top + 1)):
        _write_range(batch)
    statistics_refresh([PersonContribution])
    _sums_add(None, 1)
    return StillToEnrolRollup.objects.count(), InstitutionRollup.objects.count()


def left_on(unit_ids: Sequence[int], on: date) -> dict[int, int]:
    """How many people of each unit are still to enrol on ``on``: one query."""
    return dict(
        StillToEnrolRollup.objects.filter(unit_id__in=unit_ids, day__lte=on)
        .values("unit_id")
        .annotate(n=Sum("change"))
        .values_list("unit_id", "n")
    )


def institutions_on(institution_ids: Sequence[int], on: date) -> dict[int, dict[str, int]]:
    """Each institution's members, applied and left on ``on``: one query."""
    return {
        row["institution_id"]: row
        for row in InstitutionRollup.objects.filter(institution_id__in=institution_ids, day__lte=on)
        .values("institution_id")
        .annotate(members=Sum("members"), applied=Sum("applied"), left=Sum("to_enrol"))
    }
