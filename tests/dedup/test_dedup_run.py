"""A run over a synthetic province: the injected duplicates are found and merged, nothing
else is, nothing is deleted, and a second run changes nothing that was decided."""

from cancuoc.dedup.models import MatchPair, MatchRun, PairState
from cancuoc.dedup.services import dedup_run
from cancuoc.registry.choices import Presence
from cancuoc.registry.models import Person, PersonChange
from cancuoc.synth.services import synth_load

from .conftest import true_pairs


def _refs(pair: MatchPair, ref_of: dict[int, str]) -> frozenset[str]:
    return frozenset((ref_of[pair.left_id], ref_of[pair.right_id]))


def test_a_run_merges_the_injected_duplicates_and_nothing_else(db, province):
    synth_load(province)
    before = Person.objects.count()
    truth = true_pairs(province)
    ref_of = dict(Person.objects.values_list("pk", "source_ref"))

    run = dedup_run()

    assert run.records == before and run.trained and run.model["comparisons"]
    merged = MatchPair.objects.filter(state=PairState.AUTO_MERGED)
    assert run.auto_merged == merged.count() >= 0.9 * len(truth)
    assert all(_refs(pair, ref_of) in truth for pair in merged)  # precision 1 on this data
    found = {_refs(pair, ref_of) for pair in MatchPair.objects.all()}
    assert len(found & truth) >= 0.98 * len(truth)  # merged, or waiting for review
    assert run.to_review == MatchPair.objects.to_review().count()

    assert Person.objects.count() == before  # nothing deleted
    gone = Person.objects.filter(presence=Presence.MERGED)
    assert gone.count() == run.auto_merged
    for duplicate in gone.select_related("merged_into"):
        kept = duplicate.merged_into
        assert kept.presence != Presence.MERGED
        assert frozenset((duplicate.source_ref, kept.source_ref)) in truth
        assert bool(kept.personal_id) >= bool(duplicate.personal_id)  # the valid ID is kept
        history = PersonChange.objects.filter(person=duplicate, source="dedup")
        assert {"presence", "merged_into_id"} <= set(history.values_list("field", flat=True))

    again = dedup_run(saved_model=run.model)
    assert not again.trained and again.records == before - run.auto_merged
    assert again.auto_merged == 0
    assert MatchPair.objects.filter(state=PairState.AUTO_MERGED).count() == run.auto_merged
    assert MatchRun.objects.count() == 2
