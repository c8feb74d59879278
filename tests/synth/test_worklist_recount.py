"""Every commune's worklist count equals a recount from persons.csv that uses none of the
eligibility code: only the file, the calendar and the campaign's rule as the law states it."""

from collections import Counter
from datetime import date

import pytest

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import unit_by_code
from cancuoc.scheduling.worklists import worklist, worklist_counts
from cancuoc.synth.services import synth_load

from .conftest import read_csv


def parse_day(text: str) -> date | None:
    if not text:
        return None
    parts = [int(p) for p in text.split("/")]
    if len(parts) == 1:
        return date(parts[0], 1, 1)
    if len(parts) == 2:
        return date(parts[1], parts[0], 1)
    return date(parts[2], parts[1], parts[0])


def is_14_or_older(born: date, on: date) -> bool:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day)) >= 14


def recount(synth_dir, on: date) -> Counter:
    commune_of = {
        row["Mã đơn vị"]: row["Mã đơn vị cấp trên"] for row in read_csv(synth_dir / "units.csv")
    }
    counts: Counter = Counter()
    for row in read_csv(synth_dir / "persons.csv"):
        if row["Tình trạng"] not in (
            "Đang cư trú",
            "Vắng mặt khỏi nơi cư trú",
            "Đang ở nước ngoài",
        ):
            continue
        if not is_14_or_older(parse_day(row["Ngày sinh"]), on):
            continue
        issued, expires = parse_day(row["Ngày cấp"]), parse_day(row["Có giá trị đến"])
        has_chip = (
            row["Loại giấy tờ"] == "CCCD gắn chip"
            and issued <= on
            and (expires is None or expires > on)
        )
        if has_chip:
            continue
        since = parse_day(row["Ngày đăng ký tạm trú"])
        lives = row["Mã đơn vị tạm trú"] if row["Mã đơn vị tạm trú"] and since <= on else None
        counts[commune_of[lives or row["Mã đơn vị thường trú"]]] += 1
    return counts


@pytest.mark.parametrize("on", [date(2021, 4, 1), date(2021, 6, 17)])
def test_every_commune_worklist_equals_the_recount_from_the_file(db, province, synth_dir, on):
    synth_load(province)
    expected = recount(synth_dir, on)
    communes = AdministrativeUnit.objects.filter(parent=unit_by_code("38"))
    loaded = {c.code: worklist(unit=c, on=on).count() for c in communes}
    assert sum(expected.values()) > 1000
    assert {code: n for code, n in loaded.items() if n} == dict(expected)
    grouped = {c.unit.code: c.total for c in worklist_counts(unit=unit_by_code("38"), on=on)}
    assert {code: n for code, n in grouped.items() if n} == dict(expected)
