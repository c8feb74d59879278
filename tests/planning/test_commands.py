from io import StringIO

from django.core.management import call_command

from cancuoc.planning.models import Target
from cancuoc.reports.models import EligibleSnapshot

from .conftest import ON, target_of, unit


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_forecast_shows_each_unit_its_flag_additions_moves_and_cost(behind, ahead):
    text = run("forecast", "38", on=ON)
    assert "Xã Một" in text and "Phường Hai" in text
    assert "chậm / behind" in text and "đạt / on track" in text
    assert "hẹn 76 người/ngày" in text
    assert "Chậm tiến độ / behind: 1 trên 2" in text
    assert "Tổng kinh phí / total cost" in text


def test_targets_split_gives_the_units_below_their_parts(area):
    target_of("38", 900)
    for code, eligible in [("16000", 2), ("16001", 1)]:
        EligibleSnapshot.objects.create(unit=unit(code), as_of=ON, eligible=eligible)
    text = run("targets", "split", "38")
    assert "Xã Một" in text and "600" in text and "300" in text
    assert sorted(Target.objects.filter(parent__isnull=False).values_list("count", flat=True)) == [
        300,
        600,
    ]
