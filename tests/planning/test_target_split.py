from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancuoc.forecasting.targets import TargetSplitError, largest_remainder, target_split
from cancuoc.planning.models import Target
from cancuoc.reports.models import EligibleSnapshot

from .conftest import DEADLINE, target_of, unit


def test_the_parts_sum_to_the_target_in_proportion_to_the_eligible(area):
    target = target_of("38", 1000)
    one, two = unit("16000"), unit("16001")
    parts = target_split(target=target, eligible={one.pk: 2, two.pk: 1})
    assert {p.unit.code: p.count for p in parts} == {"16000": 667, "16001": 333}
    assert sum(p.count for p in parts) == 1000
    assert all(
        (p.parent, p.start, p.deadline) == (target, target.start, target.deadline) for p in parts
    )


def test_a_re_split_updates_the_parts_and_overwrites_a_hand_edit(area):
    target = target_of("38", 1000)
    weights = {unit("16000").pk: 1, unit("16001").pk: 1}
    first = target_split(target=target, eligible=weights)
    Target.objects.filter(pk=first[0].pk).update(count=900)  # edited by hand
    target.count = 1200
    target.save()
    again = target_split(target=target, eligible=weights)
    assert [p.pk for p in again] == [p.pk for p in first]
    assert [p.count for p in again] == [600, 600]
    assert Target.objects.count() == 3


def test_a_units_own_target_for_the_same_deadline_becomes_its_part(area):
    own = target_of("16000", 50)
    target = target_of("38", 100)
    parts = target_split(target=target, eligible={unit("16000").pk: 3, unit("16001").pk: 1})
    assert parts[0].pk == own.pk and parts[0].count == 75 and parts[0].parent == target
    assert Target.objects.filter(deadline=DEADLINE).count() == 3


def test_by_default_the_latest_eligible_snapshot_decides(area):
    for code, early, late in [("16000", 10, 1), ("16001", 10, 3)]:
        EligibleSnapshot.objects.create(unit=unit(code), as_of=date(2021, 3, 1), eligible=early)
        EligibleSnapshot.objects.create(unit=unit(code), as_of=date(2021, 4, 1), eligible=late)
    parts = target_split(target=target_of("38", 400))
    assert [p.count for p in parts] == [100, 300]


def test_without_eligible_figures_the_split_refuses_and_writes_nothing(area):
    with pytest.raises(TargetSplitError, match="38 Thanh Hóa"):
        target_split(target=target_of("38", 400))
    assert Target.objects.count() == 1


@given(
    total=st.integers(0, 10**7),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=40).filter(any),
)
def test_largest_remainder_sums_exactly_and_stays_within_one_of_each_quota(total, weights):
    shares = largest_remainder(total, dict(enumerate(weights)))
    assert sum(shares.values()) == total
    for key, weight in enumerate(weights):
        quota = total * weight / sum(weights)
        assert quota - 1 < shares[key] < quota + 1
