"""Duplicate detection and merging (sạch: no person twice in the register).

A run scores the pairs of records that blocking brings together (dedup.model), keeps those
at or above the review weight, merges without review the pairs at or above the auto-merge
weight whose records agree with each other (see ``_auto_groups``), and leaves the rest in
the review queue for a person to decide: merge, or not the same person. A merge keeps both
records: the second is marked MERGED and points to the one kept, which takes over its cards,
applications, appointments and memberships and the fields it lacked, each change in its
history. Nothing is deleted."""

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.models import AdministrativeUnit, InstitutionMember
from cancuoc.intake.models import Application
from cancuoc.lib import clock
from cancuoc.lib.bulk import update_rows
from cancuoc.lib.errors import DomainError
from cancuoc.registry.choices import Presence
from cancuoc.registry.models import Card, Person, PersonChange
from cancuoc.registry.services import person_changes
from cancuoc.registry.signals import persons_changed
from cancuoc.scheduling.models import Appointment, AppointmentState

from . import model
from .frames import persons_frame
from .models import DECIDED, MatchPair, MatchRun, PairState

log = logging.getLogger(__name__)

SOURCE = "dedup"
MERGE_LOCK = 0x63616E63  # "canc": the advisory lock all merges take (_merges_serialised)
# Fields a kept record takes from the merged one when its own is empty.
FILLED_FROM_DUPLICATE = [
    "phone",
    "ethnicity",
    "religion",
    "native_place",
    "birth_registration_place",
    "household_id",
    "relation_to_head",
]
COMPARISONS = list(model.LEVEL_LABELS)  # the model's comparisons, by output column name


class MergeRefused(DomainError, ValueError):
    """A pair that cannot be merged as asked (decided already, or the same record)."""


@dataclass(frozen=True)
class ScoredPair:
    left: int
    right: int
    weight: float
    probability: float
    levels: dict[str, int]


def dedup_run(
    *,
    unit: AdministrativeUnit | None = None,
    on: date | None = None,
    saved_model: dict[str, Any] | None = None,
    review_weight: float | None = None,
    auto_merge_weight: float | None = None,
    by: Any = None,
    new: Collection[int] | None = None,
    job: Any = None,
    progress: Callable[[str], None] | None = None,
) -> MatchRun:
    """Score the register (or ``unit``'s part of it), keep the pairs worth a look, merge the
    clear ones. Trains the model on the data unless ``saved_model`` (Splink's settings with
    trained parameters, e.g. an earlier run's ``model``) is given.

    ``new``: score only the pairs with at least one of these records (those an import just
    wrote, ``job``), against the rest and among themselves, with ``saved_model``: the pairs
    of the others were scored by earlier runs.

    ``progress(step)`` is called as each step begins ("read", "train", "score", "merge"; a
    background job shows it, and may stop the run there by raising): nothing is written
    before "merge", and the merge is one transaction, so a run stopped anywhere leaves nothing."""
    if new is not None and saved_model is None:
        raise ValueError("matching new records needs a saved model")
    on = on or clock.today()
    review = settings.CANCUOC_DEDUP_REVIEW_WEIGHT if review_weight is None else review_weight
    auto = (
        settings.CANCUOC_DEDUP_AUTO_MERGE_WEIGHT if auto_merge_weight is None else auto_merge_weight
    )
    seconds: dict[str, float] = {}
    with _timed(seconds, "read", progress):
        frame = persons_frame(unit=unit, on=on)
    scored, compared, trained_model = pairs_score(
        frame, saved_model=saved_model, floor=review, seconds=seconds, new=new, progress=progress
    )
    records = frame.num_rows if new is None else len(set(new) & set(frame["unique_id"].to_pylist()))
    if progress is not None:  # outside the transaction: the job's row is not held by it
        progress("merge")
    with transaction.atomic():
        run = MatchRun.objects.create(
            unit=unit,
            job=job,
            started_by=_actor(by),
            records=records,
            pairs_compared=compared,
            review_weight=review,
            auto_merge_weight=auto,
            trained=saved_model is None,
            model=trained_model,
            seconds=seconds,
        )
        with _timed(seconds, "merge"):
            _merges_serialised()
            pairs = _pairs_store(run, scored)
            groups = _auto_groups([(p.left_id, p.right_id, p.match_weight) for p in pairs], auto)
            in_group = {member: n for n, group in enumerate(groups) for member in group}
            automatic = [
                pair
                for pair in pairs
                if in_group.get(pair.left_id, -1) == in_group.get(pair.right_id, -2)
            ]
            merged = _groups_merge(groups, automatic)
            run.to_review = MatchPair.objects.to_review().filter(run=run).count()
        run.pairs_kept = len(scored)
        run.auto_merged = merged
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            action="dedup.run",
            obj=run,
            user=by,
            detail={
                "records": run.records,
                "pairs_kept": run.pairs_kept,
                "auto_merged": merged,
                "to_review": run.to_review,
            },
        )
    log.info(
        "dedup run %s: %s records, %s pairs compared, %s kept, %s merged, %s to review",
        run.pk,
        run.records,
        compared,
        run.pairs_kept,
        merged,
        run.to_review,
    )
    return run


class NoTrainedModel(RuntimeError):
    """No run over the whole register has trained a model yet."""


def register_model() -> dict[str, Any] | None:
    """The model of the latest run over the whole register (trained there, or reused)."""
    run = (
        MatchRun.objects.filter(unit__isnull=True, job__isnull=True)
        .exclude(model={})
        .order_by("-pk")
        .first()
    )
    return run.model if run is not None else None


def job_match(
    *,
    job: Any,
    by: Any = None,
    review_weight: float | None = None,
    auto_merge_weight: float | None = None,
) -> MatchRun:
    """Match the records an import job wrote against the register and among themselves,
    with :func:`register_model`; merge the clear duplicates, queue the rest for review
    (weights as for :func:`dedup_run`). Raises :class:`NoTrainedModel` before the first run
    over the whole register."""
    saved = register_model()
    if saved is None:
        raise NoTrainedModel(
            _("chưa có mô hình dò trùng: chạy `cancuoc dedup run` cho cả tỉnh trước")
        )
    new = {pk for first, last in job.person_ranges for pk in range(first, last + 1)}
    return dedup_run(
        saved_model=saved,
        new=new,
        job=job,
        by=by,
        review_weight=review_weight,
        auto_merge_weight=auto_merge_weight,
    )


def _actor(by: Any) -> Any:
    """The user to record as having acted, or None (a run from the console, a test)."""
    return by if getattr(by, "pk", None) else None


@contextmanager
def _timed(
    seconds: dict[str, float], step: str, progress: Callable[[str], None] | None = None
) -> Iterator[None]:
    if progress is not None:
        progress(step)
    started = time.perf_counter()
    yield
    seconds[step] = round(time.perf_counter() - started, 3)


def pairs_score(
    frame: pa.Table,
    *,
    saved_model: dict[str, Any] | None = None,
    floor: float,
    seconds: dict[str, float] | None = None,
    new: Collection[int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[ScoredPair], int, dict[str, Any]]:
    """Score every pair that blocking yields from the frame of persons (frames.persons_frame),
    or, given ``new`` (and a saved model), every such pair with one of those records;
    return those at or above ``floor``, how many were compared, and the model used."""
    seconds = {} if seconds is None else seconds
    duck = duckdb.connect()
    try:
        duck.register("frame", frame)
        linker = model.linker_for(duck, saved_model)
        if saved_model is None:
            with _timed(seconds, "train", progress):
                model.train(linker, duck)
        with _timed(seconds, "score", progress):
            if new is None:
                tables = [linker.inference.predict().physical_name]
            else:
                tables = model.predict_new(duck, linker, new)
        pairs = " UNION ALL ".join(f"SELECT * FROM {table}" for table in tables)
        compared = duck.execute(f"SELECT count(*) FROM ({pairs})").fetchone()[0]
        gammas = ", ".join(f"gamma_{name}" for name in COMPARISONS)
        rows = duck.execute(
            f"SELECT unique_id_l, unique_id_r, match_weight, match_probability, {gammas} "
            f"FROM ({pairs}) WHERE match_weight >= ? ORDER BY match_weight DESC",
            [floor],
        ).fetchall()
        used = model.model_dict(linker)
    finally:
        duck.close()
    scored = [
        ScoredPair(
            left=min(left, right),
            right=max(left, right),
            weight=float(weight),
            probability=float(probability),
            levels=dict(zip(COMPARISONS, levels, strict=True)),
        )
        for left, right, weight, probability, *levels in rows
    ]
    return scored, compared, used


def _auto_groups(pairs: list[tuple[int, int, float]], auto: float) -> list[set[int]]:
    """The records to merge without a person looking, as groups of one person each: the
    groups of records joined by pairs at or above ``auto`` that are scored as one person
    throughout, every two of their records such a pair. A record strongly like two records
    that are not like each other (the duplicate of one of two namesakes) is left for
    review. ``pairs`` are (left, right, weight) of the pairs still to decide: a pair a
    reviewer said is two people joins nothing."""
    strong = [(left, right) for left, right, weight in pairs if weight >= auto]
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right in strong:
        parent[root(left)] = root(right)
    groups: dict[int, set[int]] = defaultdict(set)
    edges: Counter[int] = Counter()
    for left, right in strong:
        groups[root(left)].update((left, right))
        edges[root(left)] += 1
    return [
        group for key, group in groups.items() if edges[key] == len(group) * (len(group) - 1) // 2
    ]


def _merges_serialised() -> None:
    """Make the transaction's merges wait for those of any other (a run storing its pairs,
    a reviewer's merge) until it ends, so that two never decide on the same records from
    what each read before the other wrote: communes upload their files side by side, and
    each import is matched. PostgreSQL: a transaction-level advisory lock; SQLite writes
    one transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MERGE_LOCK])


def _groups_merge(groups: list[set[int]], pairs: list[MatchPair]) -> int:
    """Merge each group into its best record, and mark its pairs merged automatically;
    returns how many pairs that is. A group one of whose records was merged since the run
    read the register (by a reviewer, or another run) is left for review."""
    people = Person.objects.select_for_update().in_bulk(
        {member for group in groups for member in group}
    )
    stale = {pk for pk, person in people.items() if person.presence == Presence.MERGED}
    if stale:
        groups = [group for group in groups if not group & stale]
        pairs = [pair for pair in pairs if not {pair.left_id, pair.right_id} & stale]
    holders = _card_holders(people)
    weight = {frozenset((p.left_id, p.right_id)): p.match_weight for p in pairs}
    merges = []
    for group in groups:
        kept = _kept([people[member] for member in group], holders)
        for member in sorted(group - {kept.pk}):
            strongest = weight.get(frozenset((kept.pk, member)), 0.0)
            reason = f"tự động hợp nhất, trọng số {strongest:.1f}"
            merges.append(Merge(kept=kept, duplicate=people[member], reason=reason))
    persons_merge(merges)
    decided = timezone.now()
    return update_rows(
        MatchPair,
        ["state", "decided_at"],
        ((pair.pk, PairState.AUTO_MERGED, decided) for pair in pairs),
    )


def _pairs_store(run: MatchRun, scored: list[ScoredPair]) -> list[MatchPair]:
    """Insert the pairs new to the register's queue, rescore those still to review; pairs
    decided before stay as they were decided. Returns the pairs of this run."""
    existing = {
        (pair.left_id, pair.right_id): pair
        for pair in MatchPair.objects.filter(left_id__in={p.left for p in scored})
    }
    new, rescored = [], []
    for scored_pair in scored:
        pair = existing.get((scored_pair.left, scored_pair.right))
        if pair is not None and pair.state in DECIDED:
            continue
        pair = pair or MatchPair(left_id=scored_pair.left, right_id=scored_pair.right)
        pair.run = run
        pair.match_weight = scored_pair.weight
        pair.match_probability = scored_pair.probability
        pair.levels = scored_pair.levels
        (rescored if pair.pk else new).append(pair)
    MatchPair.objects.bulk_update(
        rescored, ["run", "match_weight", "match_probability", "levels"], batch_size=2000
    )
    MatchPair.objects.bulk_create(new, batch_size=2000)
    return sorted([*new, *rescored], key=lambda pair: -pair.match_weight)


def _appointments_cancel_second(kept_of: dict[int, Person]) -> list[int]:
    """Before the appointments move: a person holds one appointment still to come, so a
    duplicate's booked one is cancelled (its place freed) when the record it joins has one
    already, or an earlier-booked one of another of its duplicates is kept. Returns the
    duplicates whose appointment was cancelled."""
    booked = Appointment.objects.filter(state=AppointmentState.BOOKED)
    holding = set(
        booked.filter(person_id__in={k.pk for k in kept_of.values()}).values_list(
            "person_id", flat=True
        )
    )
    cancel: list[tuple[int, int]] = []  # (appointment, duplicate)
    of_duplicates = booked.filter(person_id__in=list(kept_of)).order_by("slot__starts_at", "pk")
    for pk, duplicate_pk in of_duplicates.values_list("pk", "person_id"):
        kept_pk = kept_of[duplicate_pk].pk
        if kept_pk in holding:
            cancel.append((pk, duplicate_pk))
        holding.add(kept_pk)
    update_rows(Appointment, ["state"], [(pk, AppointmentState.CANCELLED) for pk, _ in cancel])
    return [duplicate_pk for _, duplicate_pk in cancel]


def _memberships_movable(kept_of: dict[int, Person]) -> list[tuple[int, int]]:
    """(membership, duplicate) for the duplicates' memberships of institutions the record
    they join is not a member of already, nor gets from another of its duplicates (one
    membership a person and institution); the others stay where they were."""
    rows = InstitutionMember.objects.filter(person_id__in=list(kept_of))
    kept_ids = {k.pk for k in kept_of.values()}
    member = set(
        InstitutionMember.objects.filter(person_id__in=kept_ids).values_list(
            "person_id", "institution_id"
        )
    )
    movable = []
    for pk, duplicate_pk, institution in rows.order_by("pk").values_list(
        "pk", "person_id", "institution_id"
    ):
        key = (kept_of[duplicate_pk].pk, institution)
        if key not in member:
            member.add(key)
            movable.append((pk, duplicate_pk))
    return movable


def _card_holders(people: dict[int, Person]) -> set[int]:
    return set(Card.objects.filter(person_id__in=list(people)).values_list("person_id", flat=True))


def _kept(people: list[Person], holders: set[int]) -> Person:
    """Which record of a group is kept: the one with a valid ID number, else one holding a
    card, else the most complete, else the oldest."""

    def rank(person: Person) -> tuple:
        filled = sum(bool(getattr(person, name)) for name in FILLED_FROM_DUPLICATE)
        return (bool(person.personal_id), person.pk in holders, filled, -person.pk)

    return max(people, key=rank)


def _current(person: Person) -> Person:
    """The record a person's merged records lead to."""
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    return person


@transaction.atomic
def pair_merge(*, pair: MatchPair, by: Any = None, note: str = "") -> Person:
    """A reviewer's word that the two records of a pair are one person: merge them (into
    whatever each was merged into already); returns the record kept."""
    _merges_serialised()
    pair = MatchPair.objects.select_for_update().get(pk=pair.pk)
    _still_pending(pair)
    left, right = _current(pair.left), _current(pair.right)
    kept = left
    if left.pk != right.pk:
        people = {left.pk: left, right.pk: right}
        kept = _kept([left, right], _card_holders(people))
        duplicate = right if kept is left else left
        reason = f"cặp nghi trùng #{pair.pk}, trọng số {pair.match_weight:.1f}"
        persons_merge([Merge(kept=kept, duplicate=duplicate, reason=reason)], by=by)
    _decide(pair, PairState.MERGED, by=by, note=note)
    audit_record(action="dedup.merge", obj=pair, user=by, detail={"kept": kept.pk})
    return kept


@transaction.atomic
def pair_distinct(*, pair: MatchPair, by: Any = None, note: str = "") -> MatchPair:
    """A reviewer's word that the two records are two people: the pair leaves the queue,
    and later runs do not bring it back."""
    pair = MatchPair.objects.select_for_update().get(pk=pair.pk)
    _still_pending(pair)
    _decide(pair, PairState.DISTINCT, by=by, note=note)
    audit_record(action="dedup.distinct", obj=pair, user=by)
    return pair


def _still_pending(pair: MatchPair) -> None:
    if pair.state != PairState.PENDING:
        raise MergeRefused(
            _("cặp #%(pair)s đã được quyết định (%(state)s)")
            % {"pair": pair.pk, "state": pair.get_state_display()}
        )


def _decide(pair: MatchPair, state: str, *, by: Any, note: str) -> None:
    pair.state, pair.note = state, note
    pair.decided_at, pair.decided_by = timezone.now(), _actor(by)
    pair.save(update_fields=["state", "note", "decided_at", "decided_by"])


@dataclass(frozen=True)
class Merge:
    kept: Person
    duplicate: Person  # the kept person recorded a second time
    reason: str  # kept in both persons' histories: data in Vietnamese, not a message


@transaction.atomic
def persons_merge(merges: Sequence[Merge], *, by: Any = None) -> None:
    """Each duplicate is marked MERGED and linked to its kept record, which takes its cards,
    applications, appointments (a second one still to come is cancelled), memberships of
    institutions, the records merged into it before, and the fields it lacks; every change
    is in the history of the person it changes. In bulk: a run merges thousands of pairs at
    once."""
    kept_of = {merge.duplicate.pk: merge.kept for merge in merges}
    if any(merge.kept.pk in kept_of or merge.kept.pk == merge.duplicate.pk for merge in merges):
        raise MergeRefused(_("một bản ghi vừa được giữ vừa bị hợp nhất"))
    reason_of = {
        merge.duplicate.pk: f"{merge.reason}; bản ghi #{merge.duplicate.pk}" for merge in merges
    }
    kept_ids = {merge.kept.pk for merge in merges}
    actor = _actor(by)
    history: list[PersonChange] = []
    today = clock.today()

    def record(person: Person, changes: dict[str, Any], duplicate: Person) -> None:
        history.extend(
            person_changes(
                person=person,
                changes=changes,
                by=actor,
                source=SOURCE,
                reason=reason_of[duplicate.pk],
            )
        )

    for merge in merges:
        kept, duplicate = merge.kept, merge.duplicate
        fills = {
            name: getattr(duplicate, name)
            for name in FILLED_FROM_DUPLICATE
            if not getattr(kept, name) and getattr(duplicate, name)
        }
        if "relation_to_head" in fills and not (fills.get("household_id") or kept.household_id):
            del fills["relation_to_head"]
        record(kept, fills, duplicate)
        record(
            duplicate,
            {"presence": Presence.MERGED, "presence_since": today, "merged_into_id": kept.pk},
            duplicate,
        )
    duplicates = list(kept_of)
    cancelled = _appointments_cancel_second(kept_of)
    moved = [
        ("cards", Card, "person_id", Card.objects.filter(person_id__in=duplicates)),
        (
            "merged_records",
            Person,
            "merged_into_id",
            Person.objects.filter(merged_into_id__in=duplicates),
        ),
        (
            "applications",
            Application,
            "person_id",
            Application.objects.filter(person_id__in=duplicates),
        ),
        # Every appointment, the kept and missed ones too: the history of who was asked when.
        (
            "appointments",
            Appointment,
            "person_id",
            Appointment.objects.filter(person_id__in=duplicates),
        ),
    ]
    moves = [
        (field, model_, link, list(rows.values_list("pk", link)))
        for field, model_, link, rows in moved
    ]
    moves.append(("memberships", InstitutionMember, "person_id", _memberships_movable(kept_of)))
    for field, model_, link, links in moves:
        update_rows(model_, [link], [(pk, kept_of[old].pk) for pk, old in links])
        for duplicate_pk, n in Counter(old for _pk, old in links).items():
            history.append(
                PersonChange(
                    person=kept_of[duplicate_pk],
                    field=field,
                    new_value=f"+{n}",
                    source=SOURCE,
                    changed_by=actor,
                    reason=reason_of[duplicate_pk],
                )
            )
    for duplicate_pk in cancelled:
        history.append(
            PersonChange(
                person=kept_of[duplicate_pk],
                field="appointments",
                new_value="-1 (đã huỷ)",
                source=SOURCE,
                changed_by=actor,
                reason=f"{reason_of[duplicate_pk]}: đã có lịch hẹn",
            )
        )
    update_rows(
        Person,
        ["presence", "presence_since", "merged_into_id", "updated_at"],
        (
            (
                m.duplicate.pk,
                m.duplicate.presence,
                m.duplicate.presence_since,
                m.duplicate.merged_into_id,
                m.duplicate.updated_at,
            )
            for m in merges
        ),
    )
    filled = [change for change in history if change.person_id in kept_ids]
    for name in {change.field for change in filled} & set(FILLED_FROM_DUPLICATE):
        people = {change.person_id: change.person for change in filled if change.field == name}
        update_rows(
            Person,
            [name, "updated_at"],
            ((pk, getattr(person, name), person.updated_at) for pk, person in people.items()),
        )
    PersonChange.objects.bulk_create(history, batch_size=2000)
    persons_changed.send(sender=Person, person_ids=[*kept_ids, *kept_of])
