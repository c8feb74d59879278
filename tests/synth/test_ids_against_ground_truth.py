from cancuoc.registry import personal_id
from cancuoc.registry.personal_id import Rejection

from .conftest import read_csv

EXPECTED = {
    "invalid_id:province": Rejection.PROVINCE,
    "invalid_id:century_sex": Rejection.SEX_MISMATCH,
    "invalid_id:year": Rejection.YEAR_MISMATCH,
    "invalid_id:length": Rejection.LENGTH,
    "invalid_id:not_digits": Rejection.NOT_DIGITS,
}


def test_the_validator_accepts_every_valid_id_and_rejects_every_injected_one(synth_dir):
    injected = {
        row["ref"]: row["kind"]
        for row in read_csv(synth_dir / "defects.csv")
        if row["kind"].startswith("invalid_id:")
    }
    accepted = rejected = 0
    for row in read_csv(synth_dir / "persons.csv"):
        number = row["Số định danh cá nhân"]
        if not number:
            continue
        found = personal_id.problems(
            number,
            birth_year=int(row["Ngày sinh"][-4:]),
            sex="M" if row["Giới tính"] == "Nam" else "F",
        )
        if row["Mã bản ghi"] in injected:
            assert [p.reason for p in found] == [EXPECTED[injected[row["Mã bản ghi"]]]], row
            assert all(p.message_vi and p.message_en for p in found)
            rejected += 1
        else:
            assert found == [], (row["Mã bản ghi"], found)
            accepted += 1
    assert rejected == len(injected) >= len(EXPECTED)
    assert accepted > 3000
