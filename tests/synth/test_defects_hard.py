"""The hard profile of duplicates: several defects each, every kind present, the ground truth
written as for the default profile, the same province for the same seed."""

from collections import Counter

import pytest

from cancuoc.synth import defects
from cancuoc.synth.generator import synth_province


@pytest.fixture(scope="module")
def hard():
    return synth_province(province="38", people=12000, seed=3, defects="hard")


def _duplicates(province):
    return [d for d in province.defects if d.kind.startswith("duplicate:")]


def test_each_duplicate_carries_two_to_four_defects_of_known_kinds(hard):
    found = _duplicates(hard)
    assert len(found) == round(12000 * 0.015)
    counts = Counter(len(d.kind.removeprefix("duplicate:").split("+")) for d in found)
    assert set(counts) <= {2, 3, 4}
    assert counts[2] and counts[3] and counts[4]
    mean = sum(n * c for n, c in counts.items()) / len(found)
    assert 2.4 < mean < 3.2  # drawn 2 (45%), 3 (35%), 4 (20%): about 2.75
    kinds = Counter(k for d in found for k in d.kind.removeprefix("duplicate:").split("+"))
    assert set(kinds) <= set(defects.ALL_KINDS)
    assert set(kinds) == set(defects.ALL_KINDS)  # every kind is drawn at this size
    for duplicate in found:  # no kind twice in one duplicate
        applied = duplicate.kind.removeprefix("duplicate:").split("+")
        assert len(applied) == len(set(applied))


def test_a_duplicate_differs_from_its_original_as_its_defects_say(hard):
    by_ref = {record.ref: record for record in hard.records}
    for defect in _duplicates(hard):
        copy, original = by_ref[defect.ref], by_ref[defect.original_ref]
        kinds = defect.kind.removeprefix("duplicate:").split("+")
        name_kinds = {k for k in kinds if k.startswith("name_") or k == "middle_name"}
        assert (copy.full_name != original.full_name) == bool(name_kinds)
        if "year_only" in kinds:
            assert copy.birth_date_precision == "Y" and (
                copy.birth_date.month,
                copy.birth_date.day,
            ) == (1, 1)
            assert copy.birth_date.year == original.birth_date.year
        if "month_only" in kinds:
            assert copy.birth_date_precision == "M" and copy.birth_date.day == 1
        if not {"year_only", "month_only", "day_month_swap", "date_typo"} & set(kinds):
            assert copy.birth_date == original.birth_date
        if "id_typo" in kinds:
            assert copy.personal_id and copy.personal_id != original.personal_id
        else:
            assert copy.personal_id == ""  # typed again without it, as the default profile
        if "missing_phone" in kinds:
            assert original.phone and not copy.phone
        if "moved" in kinds:
            assert copy.permanent_unit != original.permanent_unit
        if "native_place_written" in kinds:
            assert copy.native_place and copy.native_place != original.native_place


def test_the_same_seed_gives_the_same_duplicates_and_the_default_profile_is_unchanged():
    first = synth_province(province="38", people=3000, seed=9, communes=5, defects="hard")
    again = synth_province(province="38", people=3000, seed=9, communes=5, defects="hard")
    assert first.defects == again.defects
    assert first.records == again.records
    default = synth_province(province="38", people=3000, seed=9, communes=5)
    kinds = {d.kind for d in _duplicates(default)}
    assert all("+" not in kind for kind in kinds)
    # The profile changes only the duplicates (and so the draws after them: which records
    # lose a field): the people drawn before them are the same.
    originals = len(default.records) - len(_duplicates(default))

    def people(province):
        return [(r.full_name, r.birth_date, r.sex, r.household_code) for r in province.records]

    assert people(first)[:originals] == people(default)[:originals]


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="defects"):
        synth_province(province="38", people=100, seed=1, communes=1, defects="cruel")
