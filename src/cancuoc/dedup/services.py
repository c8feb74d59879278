"""Duplicate detection and merging (sạch: no person twice in the register).

A run scores the pairs of records that blocking brings together (dedup.model), keeps those
at or above the review weight, merges without review the pairs at or above the auto-merge
weight whose records agree with each other (see ``_auto_mergeable``), and leaves the rest in
the review queue for a person to decide: merge, or not the same person. A merge keeps both
records: the second is marked MERGED and points to the one kept, which takes over its cards
and the fields it lacked, each change in its history. Nothing is deleted."""

import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.registry.choices import Presence
from cancuoc.registry.models import Card, Person, PersonChange
from cancuoc.registry.services import person_update

from . import model
from .frames import persons_frame
from .models import DECIDED, MatchPair, MatchRun, PairState

log = logging.getLogger(__name__)

SOURCE = "dedup"
# Fields a kept record takes from the merged one when its own is empty.
FILLED_FROM_DUPLICATE = [
    "phone", "ethnicity", "religion", "native_place", "birth_registration_place", "household",
    "relation_to_head",
]  # fmt: skip
COMPARISONS = ["name", "birth", "personal_id", "sex", "phone", "native_place", "ethnicity",
               "place"]  # fmt: skip


class MergeRefused(ValueError):
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
) -> MatchRun:
    """Score the register (or ``unit``'s part of it), keep the pairs worth a look, merge the
    clear ones. Trains the model on the data unless ``saved_model`` (Splink's settings with
    trained parameters, e.g. an earlier run's ``model``) is given."""
    on = on or timezone.localdate()
    review = settings.CANCUOC_DEDUP_REVIEW_WEIGHT if review_weight is None else review_weight
    auto = (
        settings.CANCUOC_DEDUP_AUTO_MERGE_WEIGHT if auto_merge_weight is None
        else auto_merge_weight
    )  # fmt: skip
    seconds: dict[str, float] = {}
    with _timed(seconds, "read"):
        frame = persons_frame(unit=unit, on=on)
    scored, compared, trained_model = pairs_score(
        frame, saved_model=saved_model, floor=review, seconds=seconds
    )
    run = MatchRun.objects.create(
        unit=unit, started_by=by if getattr(by, "pk", None) else None, records=frame.num_rows,
        pairs_compared=compared, review_weight=review, auto_merge_weight=auto,
        trained=saved_model is None, model=trained_model, seconds=seconds,
    )  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        pairs = _pairs_store(run, scored)
        automatic = _auto_mergeable(scored, auto)
        merged = 0
        for pair in pairs:
            if (pair.left_id, pair.right_id) in automatic:
                pair_merge(pair=pair, state=PairState.AUTO_MERGED)
                merged += 1
        run.pairs_kept = len(scored)
        run.auto_merged = merged
        run.to_review = MatchPair.objects.to_review().filter(run=run).count()
        run.finished_at = timezone.now()
        seconds["merge"] = round(time.perf_counter() - started, 3)
        run.save()
        audit_record(
            action="dedup.run", obj=run, user=by,
            detail={"records": run.records, "pairs_kept": run.pairs_kept,
                    "auto_merged": merged, "to_review": run.to_review},
        )  # fmt: skip
    log.info(
        "dedup run %s: %s records, %s pairs compared, %s kept, %s merged, %s to review",
        run.pk, run.records, compared, run.pairs_kept, merged, run.to_review,
    )  # fmt: skip
    return run


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds[step] = round(time.perf_counter() - started, 3)


def pairs_score(
    frame: pa.Table,
    *,
    saved_model: dict[str, Any] | None = None,
    floor: float,
    seconds: dict[str, float] | None = None,
) -> tuple[list[ScoredPair], int, dict[str, Any]]:
    """Score every pair that blocking yields from the frame of persons (frames.persons_frame);
    return those at or above ``floor``, how many were compared, and the model used."""
    seconds = {} if seconds is None else seconds
    connection = duckdb.connect()
    try:
        connection.register("frame", frame)
        linker = model.linker_for(connection, saved_model)
        if saved_model is None:
            with _timed(seconds, "train"):
                model.train(linker)
        with _timed(seconds, "score"):
            predictions = linker.inference.predict()
        table = predictions.physical_name
        compared = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        gammas = ", ".join(f"gamma_{name}" for name in COMPARISONS)
        rows = connection.execute(
            f"SELECT unique_id_l, unique_id_r, match_weight, match_probability, {gammas} "
            f"FROM {table} WHERE match_weight >= ? ORDER BY match_weight DESC",
            [floor],
        ).fetchall()
        used = model.model_dict(linker)
    finally:
        connection.close()
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


def _auto_mergeable(scored: list[ScoredPair], auto: float) -> set[tuple[int, int]]:
    """The pairs at or above ``auto`` that may be merged without a person looking: those
    whose group (records joined by such pairs) is scored as one person throughout, every
    two of its records a pair at or above ``auto``. A record strongly like two records that
    are not like each other (the duplicate of one of two namesakes) is left for review."""
    strong = [(p.left, p.right) for p in scored if p.weight >= auto]
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right in strong:
        parent[root(left)] = root(right)
    groups: dict[int, set[int]] = defaultdict(set)
    edges: dict[int, int] = defaultdict(int)
    for left, right in strong:
        group = root(left)
        groups[group].update((left, right))
        edges[group] += 1
    return {
        (left, right)
        for left, right in strong
        if edges[root(left)] == len(groups[root(left)]) * (len(groups[root(left)]) - 1) // 2
    }


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


def _kept_first(a: Person, b: Person) -> tuple[Person, Person]:
    """Which record of a pair is kept: the one with a valid ID number, else the one holding
    a card, else the more complete, else the older."""

    def rank(person: Person) -> tuple:
        filled = sum(bool(getattr(person, name)) for name in FILLED_FROM_DUPLICATE)
        return (bool(person.personal_id), person.cards.exists(), filled, -person.pk)

    return (a, b) if rank(a) >= rank(b) else (b, a)


def _current(person: Person) -> Person:
    """The record a person's merged records lead to."""
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    return person


@transaction.atomic
def pair_merge(
    *, pair: MatchPair, state: str = PairState.MERGED, by: Any = None, note: str = ""
) -> Person:
    """Merge the two records of a pair (reviewed: ``MERGED``; by a run: ``AUTO_MERGED``);
    returns the record kept."""
    pair = MatchPair.objects.select_for_update().get(pk=pair.pk)
    if pair.state != PairState.PENDING:
        raise MergeRefused(
            f"cặp #{pair.pk} đã được quyết định ({pair.get_state_display()}) / "
            f"pair #{pair.pk} is decided already"
        )
    left, right = _current(pair.left), _current(pair.right)
    kept = left
    if left.pk != right.pk:
        kept, duplicate = _kept_first(left, right)
        person_merge(
            kept=kept, duplicate=duplicate, by=by,
            reason=f"cặp nghi trùng #{pair.pk}, trọng số {pair.match_weight:.1f}",
        )  # fmt: skip
    pair.state, pair.note = state, note
    pair.decided_at, pair.decided_by = timezone.now(), by if getattr(by, "pk", None) else None
    pair.save(update_fields=["state", "note", "decided_at", "decided_by"])
    if state == PairState.MERGED:
        audit_record(action="dedup.merge", obj=pair, user=by, detail={"kept": kept.pk})
    return kept


@transaction.atomic
def pair_distinct(*, pair: MatchPair, by: Any = None, note: str = "") -> MatchPair:
    """A reviewer's word that the two records are two people: the pair leaves the queue,
    and later runs do not bring it back."""
    pair = MatchPair.objects.select_for_update().get(pk=pair.pk)
    if pair.state != PairState.PENDING:
        raise MergeRefused(
            f"cặp #{pair.pk} đã được quyết định ({pair.get_state_display()}) / "
            f"pair #{pair.pk} is decided already"
        )
    pair.state, pair.note = PairState.DISTINCT, note
    pair.decided_at, pair.decided_by = timezone.now(), by if getattr(by, "pk", None) else None
    pair.save(update_fields=["state", "note", "decided_at", "decided_by"])
    audit_record(action="dedup.distinct", obj=pair, user=by)
    return pair


@transaction.atomic
def person_merge(*, kept: Person, duplicate: Person, by: Any = None, reason: str) -> None:
    """``duplicate`` is ``kept`` recorded a second time: it is marked MERGED and linked to
    ``kept``, which takes its cards, the records merged into it, and the fields it lacks."""
    if kept.pk == duplicate.pk:
        raise MergeRefused("một bản ghi không hợp nhất với chính nó / a record is itself")
    fills = {
        name: getattr(duplicate, name)
        for name in FILLED_FROM_DUPLICATE
        if not getattr(kept, name) and getattr(duplicate, name)
    }
    if fills.get("relation_to_head") and not (fills.get("household") or kept.household_id):
        fills.pop("relation_to_head")
    if fills:
        person_update(person=kept, changes=fills, by=by, source=SOURCE, reason=reason)
    changed_by = by if getattr(by, "pk", None) else None
    cards = Card.objects.filter(person=duplicate).update(person=kept)
    earlier = Person.objects.filter(merged_into=duplicate).update(merged_into=kept)
    person_update(
        person=duplicate, changes={"presence": Presence.MERGED, "presence_since": date.today()},
        by=by, source=SOURCE, reason=reason,
    )  # fmt: skip
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into"])
    history = [PersonChange(person=duplicate, field="merged_into", new_value=str(kept.pk))]
    if cards:
        history.append(PersonChange(person=kept, field="cards", new_value=f"+{cards}"))
    if earlier:
        history.append(PersonChange(person=kept, field="merged_records", new_value=f"+{earlier}"))
    for change in history:
        change.changed_by, change.source = changed_by, SOURCE
        change.reason = f"{reason}; từ bản ghi #{duplicate.pk} / from record #{duplicate.pk}"
    PersonChange.objects.bulk_create(history)
