"""Which strong pairs merge without review: a group of records joined by strong pairs merges
only if every two of them are a strong pair."""

from cancuoc.dedup.services import ScoredPair, _auto_mergeable


def pair(left: int, right: int, weight: float) -> ScoredPair:
    return ScoredPair(left=left, right=right, weight=weight, probability=0.9, levels={})


def test_a_lone_strong_pair_merges_and_a_weak_one_does_not():
    assert _auto_mergeable([pair(1, 2, 12), pair(3, 4, 3)], auto=8) == {(1, 2)}


def test_a_record_like_two_namesakes_that_differ_goes_to_review():
    # 2 is the duplicate of 1 or of 3; 1 and 3 are two people (their pair is weak).
    scored = [pair(1, 2, 15), pair(2, 3, 12), pair(1, 3, -20)]
    assert _auto_mergeable(scored, auto=8) == set()


def test_three_records_all_alike_merge_together():
    scored = [pair(1, 2, 15), pair(2, 3, 12), pair(1, 3, 10), pair(7, 8, 9)]
    assert _auto_mergeable(scored, auto=8) == {(1, 2), (2, 3), (1, 3), (7, 8)}
