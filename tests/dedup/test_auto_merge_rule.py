"""Which strong pairs merge without review: a group of records joined by strong pairs merges
only if every two of them are a strong pair."""

from django.utils import translation

from cancuoc.dedup.services import _auto_groups


def test_a_lone_strong_pair_merges_and_a_weak_one_does_not():
    assert _auto_groups([(1, 2, 12), (3, 4, 3)], auto=8) == [{1, 2}]


def test_a_record_like_two_namesakes_that_differ_goes_to_review():
    # 2 is the duplicate of 1 or of 3; 1 and 3 are two people (their pair is weak).
    assert _auto_groups([(1, 2, 15), (2, 3, 12), (1, 3, -20)], auto=8) == []


def test_three_records_all_alike_merge_together():
    groups = _auto_groups([(1, 2, 15), (2, 3, 12), (1, 3, 10), (7, 8, 9)], auto=8)
    assert sorted(groups, key=min) == [{1, 2, 3}, {7, 8}]


def test_every_level_of_the_model_has_its_label_for_the_reviewer():
    from cancuoc.dedup.model import LEVEL_LABELS, level_label, settings

    comparisons = settings().get_settings("duckdb").comparisons
    shown = {c.output_column_name: c for c in comparisons}
    assert set(shown) == set(LEVEL_LABELS)
    for name, comparison in shown.items():
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        assert len(levels) == len(LEVEL_LABELS[name]), name
        for position, level in enumerate(levels):  # most alike first, as the labels are
            assert level_label(name, level.comparison_vector_value) == LEVEL_LABELS[name][position]
    birth = shown["birth"].comparison_levels
    swapped = next(level for level in birth if level.label_for_charts == "day and month swapped")
    with translation.override("vi"):
        assert level_label("birth", swapped.comparison_vector_value) == "đảo ngày và tháng"
        assert level_label("personal_id", -1) == "thiếu"
    with translation.override("en"):
        assert level_label("birth", swapped.comparison_vector_value) == "day and month swapped"
