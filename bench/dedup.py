"""Duplicate-detection benchmark: a synthetic province with injected duplicates, through
``dedup_run`` on PostgreSQL, scored against the generator's ground truth.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/dedup.py --people 1000000

``--defects hard`` builds the hard profile (synth.defects: 2–4 defects a duplicate), the
default one clean defect each. Prints records per minute (and the seconds of each step),
the pairs each blocking rule yields, then precision, recall and F1 of the pairs merged
without review (the auto-merge threshold) and of every pair kept (merged or queued for
review), overall and per kind of defect (a duplicate with several defects counts under
each), with the share of true pairs lost at blocking; and the thresholds the model's own
estimates would choose (dedup.model.thresholds_from_model) with the figures at them. Every
true pair is
accounted for: compared (it shares a blocking rule) or lost at blocking; compared pairs
scored below the review weight are counted too. The baseline, measured in the same run on
the same records, is the exact rule the quality report used before (same name key, date of
birth and sex). Last, ``--new`` live records (not merged by the run) matched against the
register as job_match does, timed against scoring everything, with the pairs compared. The database
``cancuoc_bench_dedup`` is dropped and rebuilt.
"""

import argparse
import time
from collections import Counter
from datetime import date

from common import django_setup, recreate_database, server_url  # bench/common.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", default="38")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2021, 4, 1))
    parser.add_argument("--database", default="cancuoc_bench_dedup")
    parser.add_argument("--new", type=int, default=10_000, help="records of an import (0: skip)")
    parser.add_argument("--defects", choices=("default", "hard"), default="default")
    args = parser.parse_args()

    django_setup(recreate_database(server_url(), args.database))
    import duckdb
    from django.conf import settings
    from django.core.management import call_command

    from cancuoc.dedup.frames import persons_frame
    from cancuoc.dedup.model import BLOCKING_RULES, prepare, thresholds_from_model
    from cancuoc.dedup.models import MatchPair, PairState
    from cancuoc.dedup.services import dedup_run, pairs_score
    from cancuoc.registry.models import Person
    from cancuoc.synth.generator import synth_province
    from cancuoc.synth.services import synth_load

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    province = synth_province(
        province=args.province, people=args.people, seed=args.seed, defects=args.defects
    )
    synth_load(province)
    truth = {
        frozenset((d.ref, d.original_ref)): d.kind.removeprefix("duplicate:")
        for d in province.defects
        if d.kind.startswith("duplicate:")
    }
    del province
    pk_of = dict(Person.objects.values_list("source_ref", "pk"))
    ref_of = {pk: ref for ref, pk in pk_of.items()}
    print(
        f"register   {len(pk_of):,} records, {len(truth):,} injected duplicates "
        f"({args.defects} profile), "
        f"loaded in {time.perf_counter() - started:.1f} s"
    )

    frame = persons_frame(on=args.as_of)
    blocked = _blocked_true_pairs(duckdb, frame, truth, pk_of, prepare, BLOCKING_RULES)
    baseline = _exact_rule_pairs(duckdb, frame, prepare)
    _rule_pairs(duckdb, frame, prepare, BLOCKING_RULES)

    started = time.perf_counter()
    run = dedup_run(on=args.as_of)
    elapsed = time.perf_counter() - started
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in run.seconds.items())
    print(
        f"dedup      {run.records:,} records in {elapsed:.1f} s: "
        f"{run.records / elapsed * 60:,.0f} records/min ({steps})"
    )
    print(
        f"           {run.pairs_compared:,} pairs compared, {run.pairs_kept:,} kept "
        f"(weight ≥ {run.review_weight:g}), {run.auto_merged:,} merged automatically "
        f"(≥ {run.auto_merge_weight:g}), {run.to_review:,} to review"
    )

    states = {
        frozenset((ref_of[left], ref_of[right])): state
        for left, right, state in MatchPair.objects.values_list("left", "right", "state")
    }
    merged = {pair for pair, state in states.items() if state == PairState.AUTO_MERGED}
    kept = set(states)
    lost = set(truth) - blocked
    below = blocked - kept
    print(
        f"truth      {len(truth):,} true pairs = {len(blocked):,} compared + {len(lost):,} "
        f"lost at blocking; of those compared, {len(blocked & kept):,} kept and "
        f"{len(below):,} scored below the review weight"
    )
    print()
    print(f"{'':28} {'pairs':>8} {'precision':>10} {'recall':>8} {'F1':>8}")
    _line("auto-merge threshold", merged, set(truth))
    _line("kept (merged + review)", kept, set(truth))
    _line(
        "baseline: exact rule", {frozenset((ref_of[a], ref_of[b])) for a, b in baseline}, set(truth)
    )
    weights = dict(
        (frozenset((ref_of[left], ref_of[right])), weight)
        for left, right, weight in MatchPair.objects.values_list("left", "right", "match_weight")
    )
    print("  by weight alone (no group check), for choosing the auto-merge threshold:")
    for threshold in (0, 2, 4, 5, 6, 6.64, 7, 8, 10, 12):
        above = {pair for pair, weight in weights.items() if weight >= threshold}
        _line(f"  weight ≥ {threshold:g}", above, set(truth))
    print()
    print(
        f"{'recall by defect':28} {'pairs':>8} {'merged':>10} {'kept':>8} {'lost':>8} {'lost %':>8}"
    )
    kinds = Counter(kind for kinds in truth.values() for kind in kinds.split("+"))
    for kind in sorted(kinds):
        pairs = {pair for pair, k in truth.items() if kind in k.split("+")}
        print(
            f"  {kind:26} {len(pairs):>8,} {len(pairs & merged) / len(pairs):>10.4f} "
            f"{len(pairs & kept) / len(pairs):>8.4f} {len(pairs & lost):>8,} "
            f"{len(pairs & lost) / len(pairs):>8.2%}"
        )
    many = Counter(len(k.split("+")) for k in truth.values())
    for count in sorted(many):
        pairs = {pair for pair, k in truth.items() if len(k.split("+")) == count}
        print(
            f"  {f'{count} defect(s)':26} {len(pairs):>8,} "
            f"{len(pairs & merged) / len(pairs):>10.4f} {len(pairs & kept) / len(pairs):>8.4f} "
            f"{len(pairs & lost):>8,} {len(pairs & lost) / len(pairs):>8.2%}"
        )
    print(f"\nlost at blocking: {len(lost) / len(truth):.4%} of the true pairs; examples:")
    for pair in sorted(lost, key=sorted)[:8]:
        print(f"  {truth[pair]}: {' / '.join(_shown(Person, ref) for ref in sorted(pair))}")
    wrong = Counter(states[pair] for pair in kept - set(truth))
    print(f"\nfalse pairs kept, by state: {dict(wrong)}")
    _chosen_thresholds(run.model, frame, ref_of, thresholds_from_model, set(truth))
    del frame
    in_pairs = {pk_of[ref] for pair in truth for ref in pair if ref in pk_of}
    if args.new:
        _incremental(run, args, persons_frame, pairs_score, Person, in_pairs)
    print(
        f"thresholds: CANCUOC_DEDUP_AUTO_MERGE_WEIGHT={settings.CANCUOC_DEDUP_AUTO_MERGE_WEIGHT}"
        f", CANCUOC_DEDUP_REVIEW_WEIGHT={settings.CANCUOC_DEDUP_REVIEW_WEIGHT}"
    )


def _incremental(run, args, persons_frame, pairs_score, Person, in_pairs: set[int]) -> None:
    """An import's records matched against the rest with the run's model, as job_match does,
    against scoring everything with the same model: the time of each, and whether the pairs
    agree. The records are live ones (in the frame: not merged into another by the run),
    the ``--new`` of highest id, as a commune's latest file would be; the injected
    duplicates the run merged are not among them (they are no longer in the frame)."""
    frame = persons_frame(on=args.as_of)
    live = frame.column("unique_id").to_pylist()
    new = set(sorted(live)[-args.new :])
    merged = Person.objects.filter(merged_into__isnull=False).count()
    floor = run.review_weight
    started = time.perf_counter()
    everything, compared_all, _ = pairs_score(frame, saved_model=run.model, floor=floor)
    full = time.perf_counter() - started
    started = time.perf_counter()
    only, compared_new, _ = pairs_score(frame, saved_model=run.model, floor=floor, new=new)
    part = time.perf_counter() - started
    expected = {(p.left, p.right) for p in everything if p.left in new or p.right in new}
    got = {(p.left, p.right) for p in only}
    print(
        f"\nimport     {len(new):,} live records scored as new (the highest ids of the "
        f"{len(live):,} live, {len(new & in_pairs):,} of them in an injected pair; {merged:,} "
        f"merged records left out) against the rest: scored "
        f"in {part:.1f} s ({compared_new:,} pairs compared), everything in {full:.1f} s "
        f"({compared_all:,}): {full / part:.1f}× faster; pairs kept with a new record: "
        f"{len(got):,}, a full run's: {len(expected):,}, the same: {got == expected}"
    )
    print(
        "           not measured here: the import itself and its job bookkeeping "
        "(bench/import.py times `cancuoc import` with its matching)"
    )


def _shown(Person, ref: str) -> str:
    person = Person.objects.get(source_ref=ref)
    precision = person.birth_date_precision
    return f"{person.full_name} {person.birth_date:%d/%m/%Y}{precision} {person.phone or '-'}"


def _chosen_thresholds(model, frame, ref_of, thresholds_from_model, truth: set) -> None:
    """The thresholds the model's own estimates choose, over every pair the run scored (the
    run keeps only those above its review weight: the frame it read is scored again here
    with its model), with the true figures at them."""
    import duckdb

    from cancuoc.dedup.model import linker_for

    print("\nthresholds from the model (thresholds_from_model), over every pair scored:")
    connection = duckdb.connect()
    connection.register("frame", frame)
    linker = linker_for(connection, model)
    table = linker.inference.predict().physical_name
    rows = connection.execute(
        f"SELECT unique_id_l, unique_id_r, match_weight FROM {table}"
    ).fetchall()
    connection.close()
    chosen = thresholds_from_model([weight for _l, _r, weight in rows])
    print(
        f"  auto-merge ≥ {chosen.auto_merge:g}, review ≥ {chosen.review:g}; the model expects "
        f"{chosen.expected_pairs:,.0f} true pairs, precision {chosen.expected_precision:.4f} "
        f"at auto-merge, recall {chosen.expected_recall:.4f} kept"
    )
    weights = {frozenset((ref_of[left], ref_of[right])): weight for left, right, weight in rows}
    print(f"  {'':26} {'pairs':>8} {'precision':>10} {'recall':>8} {'F1':>8}")
    for label, threshold in (
        ("auto-merge (by weight)", chosen.auto_merge),
        ("kept", chosen.review),
    ):
        _line(label, {pair for pair, weight in weights.items() if weight >= threshold}, truth)


def _rule_pairs(duckdb, frame, prepare, rules) -> None:
    """How many pairs each blocking rule yields (before the union removes the repeats)."""
    connection = _prepared(duckdb, frame, prepare)
    counts = []
    for rule in rules:
        sql = rule.get_blocking_rule("duckdb").blocking_rule_sql
        ((count,),) = connection.execute(
            f"SELECT count(*) FROM persons l JOIN persons r ON {sql} AND l.unique_id < r.unique_id"
        ).fetchall()
        counts.append((sql, count))
    connection.close()
    print(f"blocking   {sum(c for _s, c in counts):,} pairs over {len(rules)} rules:")
    for sql, count in counts:
        print(f"  {count:>12,}  {sql}")


def _line(label: str, found: set, truth: set) -> None:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"  {label:26} {len(found):>8,} {precision:>10.4f} {recall:>8.4f} {f1:>8.4f}")


def _blocked_true_pairs(duckdb, frame, truth, pk_of, prepare, rules) -> set[frozenset]:
    """The true pairs that share at least one of the model's blocking rules (evaluated with
    the rules' own SQL over the same derived columns)."""
    connection = _prepared(duckdb, frame, prepare)
    pairs = [(pk_of[a], pk_of[b]) for a, b in (sorted(pair) for pair in truth)]
    connection.execute("CREATE TABLE truth (a BIGINT, b BIGINT)")
    connection.executemany("INSERT INTO truth VALUES (?, ?)", pairs)
    conditions = " OR ".join(
        f"({rule.get_blocking_rule('duckdb').blocking_rule_sql})" for rule in rules
    )
    rows = connection.execute(
        "SELECT l.unique_id, r.unique_id FROM truth "
        "JOIN persons l ON l.unique_id = truth.a JOIN persons r ON r.unique_id = truth.b "
        f"WHERE {conditions}"
    ).fetchall()
    connection.close()
    ref_of = {pk: ref for ref, pk in pk_of.items()}
    return {frozenset((ref_of[a], ref_of[b])) for a, b in rows}


def _exact_rule_pairs(duckdb, frame, prepare) -> list[tuple[int, int]]:
    connection = _prepared(duckdb, frame, prepare)
    rows = connection.execute(
        "SELECT l.unique_id, r.unique_id FROM persons l JOIN persons r "
        "ON l.name_key = r.name_key AND l.birth_date = r.birth_date AND l.sex = r.sex "
        "AND l.unique_id < r.unique_id"
    ).fetchall()
    connection.close()
    return rows


def _prepared(duckdb, frame, prepare):
    """A DuckDB connection holding the model's table of persons (derived columns and all)."""
    connection = duckdb.connect()
    connection.register("frame", frame)
    prepare(connection)
    return connection


if __name__ == "__main__":
    main()
