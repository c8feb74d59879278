from collections import Counter
from datetime import date

import pytest

from cancuoc.lib.text import normalise_name, strip_diacritics
from cancuoc.registry.choices import CardKind, Presence, Relation
from cancuoc.synth import names
from cancuoc.synth.files import synth_write
from cancuoc.synth.generator import DUPLICATE_KINDS, synth_province

from .conftest import PEOPLE, SEED


@pytest.fixture(scope="module")
def originals(province):
    duplicates = {d.ref for d in province.defects if d.kind.startswith("duplicate:")}
    return [r for r in province.records if r.ref not in duplicates]


def age(record, on=date(2021, 3, 1)) -> int:
    born = record.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_the_same_seed_writes_the_same_files(tmp_path, synth_dir):
    again = synth_province(province="38", people=PEOPLE, seed=SEED, communes=12)
    synth_write(again, tmp_path)
    for name in ("persons.csv", "units.csv", "defects.csv", "institution_members.csv"):
        assert (tmp_path / name).read_bytes() == (synth_dir / name).read_bytes(), name


def test_another_seed_gives_another_province(province):
    other = synth_province(province="38", people=PEOPLE, seed=SEED + 1, communes=12)
    assert [r.full_name for r in other.records[:50]] != [r.full_name for r in province.records[:50]]


def test_ages_follow_the_2019_census_pyramid(originals):
    total = sum(share for _, _, share in names.AGE_BANDS)
    ages = Counter(min(age(r) // 5, 16) for r in originals)
    for band, (_, _, share) in enumerate(names.AGE_BANDS):
        assert abs(ages[band] / len(originals) - share / total) < 0.015, band


def test_households_average_about_three_and_a_half_people_with_one_head(originals):
    members = Counter(r.household_code for r in originals)
    heads = Counter(r.household_code for r in originals if r.relation_to_head == Relation.HEAD)
    assert 3.2 <= len(originals) / len(members) <= 3.8
    assert all(heads[code] == 1 for code in members)


def test_children_are_younger_than_the_head(originals):
    head_age = {r.household_code: age(r) for r in originals if r.relation_to_head == Relation.HEAD}
    children = [r for r in originals if r.relation_to_head == Relation.CHILD]
    assert children
    assert all(head_age[r.household_code] - age(r) >= 18 for r in children)


def test_sex_ratio_and_surnames_are_realistic(originals):
    males = sum(r.sex == "M" for r in originals) / len(originals)
    nguyen = sum(r.full_name.startswith("Nguyễn ") for r in originals) / len(originals)
    assert 0.46 <= males <= 0.54
    assert 0.34 <= nguyen <= 0.43
    assert all(len(r.full_name.split()) == 3 for r in originals)


def test_presence_and_migration_are_mixed_in(originals):
    presence = Counter(r.presence for r in originals)
    away = presence[Presence.ABSENT] + presence[Presence.ABROAD]
    assert 0.01 <= away / len(originals) <= 0.035
    # working abroad (Korea, Japan, Taiwan) apart from those absent in another province
    assert 0.2 <= presence[Presence.ABROAD] / away <= 0.5
    assert {r.whereabouts for r in originals if r.presence == Presence.ABROAD} == {
        "Hàn Quốc",
        "Nhật Bản",
        "Đài Loan",
    }
    assert presence[Presence.DECEASED] > 0 and presence[Presence.MOVED_OUT] > 0
    migrants = [r for r in originals if r.temporary_unit]
    assert migrants
    assert all(r.temporary_unit[:5] != r.permanent_unit[:5] for r in migrants)


def test_the_card_mix_is_that_of_early_2021(originals):
    adults = [r for r in originals if age(r) >= 14]
    kinds = Counter(r.card_kind for r in adults)
    assert kinds[CardKind.CMND_9] > kinds[CardKind.CCCD_BARCODE] > kinds[CardKind.CCCD_CHIP] > 0
    assert kinds[CardKind.CCCD_CHIP] / len(adults) < 0.05
    assert all(
        r.card_issued_on >= r.birth_date.replace(year=r.birth_date.year + 14)
        for r in adults
        if r.card_issued_on and r.birth_date.month * 100 + r.birth_date.day != 229
    )


def test_institutions_have_members_of_the_right_age(province):
    by_ref = {r.ref: r for r in province.records}
    schools = [i for i in province.institutions if i.kind == "school"]
    assert schools and all(i.member_refs for i in schools)
    assert all(15 <= age(by_ref[ref]) <= 17 for i in schools for ref in i.member_refs)
    agencies = [i for i in province.institutions if i.kind == "agency"]
    assert all(i.deadline == date(2021, 4, 30) for i in agencies)


def test_every_duplicate_is_labelled_and_differs_from_its_original_as_labelled(province):
    by_ref = {r.ref: r for r in province.records}
    kinds = Counter()
    for defect in province.defects:
        if not defect.kind.startswith("duplicate:"):
            continue
        kind = defect.kind.split(":")[1]
        kinds[kind] += 1
        copy, original = by_ref[defect.ref], by_ref[defect.original_ref]
        if kind in ("nfd", "tone"):
            assert copy.full_name != original.full_name
            assert normalise_name(copy.full_name) == normalise_name(original.full_name)
        elif kind == "no_diacritics":
            assert copy.full_name == strip_diacritics(original.full_name)
        elif kind == "day_month_swap":
            swapped = original.birth_date
            assert (copy.birth_date.day, copy.birth_date.month) == (swapped.month, swapped.day)
        elif kind == "id_typo":
            differ = [i for i in range(12) if copy.personal_id[i] != original.personal_id[i]]
            assert len(differ) == 1 and differ[0] >= 6
        else:
            assert copy.permanent_unit != original.permanent_unit
    assert set(kinds) == set(DUPLICATE_KINDS)


def test_missing_fields_are_blank_and_labelled(province):
    by_ref = {r.ref: r for r in province.records}
    missing = [d for d in province.defects if d.kind.startswith("missing:")]
    assert missing
    assert all(getattr(by_ref[d.ref], d.kind.split(":")[1]) == "" for d in missing)
