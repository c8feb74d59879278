"""Matching that degrades gracefully: the frame's derived keys, the thresholds chosen from
the model's own estimates, and issue 17's case: a record imported again with the same name,
date of birth and village, its native place written otherwise, is never left below review."""

import pyarrow as pa
import pytest
from django.conf import settings

from cancuoc.dedup import frames, model
from cancuoc.dedup.services import pairs_score
from cancuoc.lib.text import strip_diacritics
from cancuoc.synth.services import synth_load


def test_native_place_is_reduced_to_commune_and_province_by_todays_names():
    today = frames.native_place_parts("Xã Quảng Hải, Thanh Hóa")
    assert today == ("quang hai", "thanh hoa")
    assert frames.native_place_parts("quang hai - tinh Thanh Hoa") == today
    assert frames.native_place_parts("XÃ QUẢNG HẢI, TỈNH THANH HOÁ") == today
    # Written by the map before 1 July 2025: the old commune and district give today's
    # commune it became (Quảng Hải, Quảng Xương became part of today's Quảng Ngọc or the
    # like: whatever the mapping says, the same as writing today's name).
    old = frames.native_place_parts("Xã Quảng Hải, Huyện Quảng Xương, Tỉnh Thanh Hóa")
    assert old[1] == "thanh hoa"
    communes, _provinces = frames._today_of_former()
    assert old[0] == communes[("quang hai", "quang xuong")]
    assert frames.native_place_parts("Phường 01, Quận 3") == ("1", "3")
    assert frames.native_place_parts("") == (None, None)


def test_phones_and_names_in_one_form():
    assert frames.phone_key("0912 345 678") == "0912345678"
    assert frames.phone_key("+84 912345678") == "0912345678"
    assert frames.phone_key("912345678") == "0912345678"  # the 0 a spreadsheet dropped
    same = {
        frames.name_sound(key)
        for key in (
            "NGUYỄN VĂN CƯỜNG",
            "NGUYEEN VĂN CƯỜNG",
            "NGUYEENX VAN CUONG",
            "NGUYE6N4 VĂN CƯỜNG",
        )
    }
    assert len(same) == 1
    # Regional confusions fold together; different names stay apart.
    assert frames.name_sound("TRẦN THỊ LAN") == frames.name_sound("CHẦN THỊ NAN")
    assert frames.name_sound("LÊ THỊ THUÝ") != frames.name_sound("LÊ THỊ THU")


def test_thresholds_come_from_the_models_own_estimates():
    # 1,000 clear pairs, 50 likely, 200 coin flips, 10,000 clearly not.
    weights = [20.0] * 1000 + [8.0] * 50 + [0.0] * 200 + [-15.0] * 10000
    chosen = model.thresholds_from_model(weights)
    assert chosen.auto_merge == 8.0  # the likely ones still keep precision ≥ 0.999
    assert chosen.review <= 0.0  # recall 0.999 of the expected true pairs needs the flips
    assert chosen.expected_pairs == pytest.approx(1000 + 50 * 0.996 + 100, rel=0.01)
    assert chosen.expected_precision >= model.AUTO_PRECISION
    assert chosen.review <= chosen.auto_merge
    # Nothing above the least probability a merge may have: auto-merge stays at that floor.
    chosen = model.thresholds_from_model([1.0] * 100)
    assert chosen.auto_merge == pytest.approx(6.63, abs=0.01)
    assert chosen.review <= chosen.auto_merge


def _with_import(frame: pa.Table, row: dict) -> pa.Table:
    return pa.concat_tables([frame, pa.Table.from_pylist([row], schema=frame.schema)])


def test_a_different_native_place_alone_never_drops_a_pair_below_review(db, province):
    """Issue 17: "Nguyen Van Cuong" imported with the same date of birth and village as a
    record, differing only in how the native place was written, scored -33.5 and was neither
    merged nor queued. With a model trained on the default province (where duplicates never
    differ in native place), the pair is at least queued for review: the native place
    written by the old map's names, or another place altogether, the name with its marks
    or without."""
    synth_load(province)
    frame = frames.persons_frame(on=province.reference)
    _scored, _compared, trained = pairs_score(frame, floor=1e9)
    rows = frame.to_pylist()
    existing = next(r for r in rows if r["native_place"] and r["village"] and r["name_key"])
    commune = existing["native_place"].split(",")[0].title()
    new_id = max(r["unique_id"] for r in rows) + 1
    for written in (f"{commune}, Huyện Quảng Xương, Tỉnh Thanh Hóa", "Phường Hoàn Kiếm, Hà Nội"):
        for name_key in (existing["name_key"], strip_diacritics(existing["name_key"])):
            parts = frames.native_place_parts(written)
            imported = {
                **existing,
                "unique_id": new_id,
                "name_key": name_key,
                "name_sound": frames.name_sound(name_key),
                "personal_id": None,
                "phone": None,
                "household": None,
                "native_place": frames._place_key(written),
                "native_commune": parts[0],
                "native_province": parts[1],
            }
            scored, _compared, _model = pairs_score(
                _with_import(frame, imported), saved_model=trained, floor=-1e9, new={new_id}
            )
            [weight] = [
                p.weight for p in scored if {p.left, p.right} == {existing["unique_id"], new_id}
            ]
            assert weight >= settings.CANCUOC_DEDUP_REVIEW_WEIGHT, (written, name_key, weight)
