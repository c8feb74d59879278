"""Control and text-direction characters in an imported row (issue 15, item 4): the row is
rejected with its row, column and why; the others are imported."""

import pytest
from openpyxl import Workbook

from cancuoc.imports.models import RejectedRow
from cancuoc.imports.services import person_import
from cancuoc.registry.canonical import HEADERS, to_row
from cancuoc.registry.models import Person
from tests.conftest import person_record

from .conftest import canonical_csv

NAME, ADDRESS = HEADERS[2], HEADERS[14]


@pytest.mark.parametrize(
    ("character", "code"), [("\x00", "U+0000"), ("\u202e", "U+202E"), ("\u2066", "U+2066")]
)
def test_a_control_or_bidi_character_in_a_name_or_an_address_rejects_that_row(
    area, tmp_path, character, code
):
    records = [
        person_record(ref="R1"),
        person_record(ref="R2", full_name=f"Nguyễn Văn{character} An"),
        person_record(ref="R3", permanent_address=f"Số 5{character}, Thôn 1"),
        person_record(ref="R4", permanent_address="Số 7\nThôn 1"),  # a line break is a space
    ]
    job = person_import(path=canonical_csv(tmp_path / "xa.csv", records)).job

    assert (job.rows_read, job.rows_accepted, job.rows_rejected) == (4, 2, 2)
    assert set(Person.objects.values_list("source_ref", flat=True)) == {"R1", "R4"}
    assert Person.objects.get(source_ref="R4").residences.get().address == "Số 7 Thôn 1"
    rejected = {r.row: r for r in RejectedRow.objects.all()}
    assert (rejected[3].column, rejected[4].column) == (NAME, ADDRESS)
    assert f"ký tự đổi chiều văn bản {code} ở vị trí 11" in rejected[3].reason
    assert f"{code} at position 5" in rejected[4].reasons[0]["en"]


def test_a_bidi_override_in_an_xlsx_cell_rejects_that_row(area, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(to_row(person_record(ref="R1")))
    sheet.append(to_row(person_record(ref="R2", native_place="Thanh Hóa\u202e")))
    book.save(tmp_path / "xa.xlsx")

    job = person_import(path=tmp_path / "xa.xlsx").job

    assert (job.rows_accepted, job.rows_rejected) == (1, 1)
    assert RejectedRow.objects.get().column == HEADERS[9]
