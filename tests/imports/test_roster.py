"""An agency's roster: its staff become members and appear on its worklist with its
deadline; a row that matches nobody is rejected with its row, column and reason."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from cancuoc.geo.models import Institution, InstitutionKind, InstitutionMember
from cancuoc.geo.selectors import unit_by_code
from cancuoc.scheduling.worklists import institution_worklist


@pytest.fixture
def agency(area):
    return Institution.objects.create(
        code="UBND-XM",
        name="UBND Xã Một",
        kind=InstitutionKind.AGENCY,
        unit=unit_by_code("16000"),
    )


def roster(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC UBND XÃ MỘT"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Ngày, tháng, năm sinh", "Số CCCD", "Chức vụ"])
    for n, row in enumerate(rows, 1):
        sheet.append([n, *row])
    book.save(path)
    return path


def test_an_agency_roster_imports_and_its_staff_are_on_its_worklist(agency, add_person, tmp_path):
    by_id = add_person(full_name="Nguyễn Văn An", personal_id="038080001234", sex="M")
    by_name = add_person(full_name="Lê Thị Bình", birth_date=date(1990, 3, 4), sex="F")
    file = roster(
        tmp_path / "can-bo.xlsx",
        [
            ["Nguyễn Văn An", "10/05/1980", "038 080 001 234", "Chủ tịch"],
            ["Lê Thị Bình", "04/03/1990", "", "Văn thư"],
            ["Trần Văn Không Có", "01/01/1985", "", "Bảo vệ"],
        ],
    )
    out = StringIO()
    call_command("roster", "UBND-XM", str(file), "--deadline", "2021-04-30", stdout=out)
    text = out.getvalue()
    assert "3 dòng / rows, 2 thêm / added" in text
    assert "row 6, Họ và tên: không có trong cơ sở dữ liệu dân cư" in text
    agency.refresh_from_db()
    assert agency.deadline == date(2021, 4, 30)
    today = timezone.localdate()  # members from the day of the import
    assert set(institution_worklist(institution=agency, on=today)) == {by_id, by_name}
    roles = dict(InstitutionMember.objects.values_list("person_id", "role"))
    assert roles == {by_id.pk: "Chủ tịch", by_name.pk: "Văn thư"}
    # The same roster again adds nobody.
    call_command("roster", "UBND-XM", str(file), stdout=out)
    assert "0 thêm / added, 2 đã có / already members" in out.getvalue()
    assert InstitutionMember.objects.count() == 2


def test_a_dry_run_writes_nothing_and_a_file_without_names_is_refused(agency, tmp_path):
    file = roster(tmp_path / "r.xlsx", [["Ai Đó", "01/01/1980", "", ""]])
    call_command("roster", "UBND-XM", str(file), "--dry-run", stdout=StringIO())
    assert not InstitutionMember.objects.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã,Điểm\n1,2\n", encoding="utf-8")
    with pytest.raises(Exception, match="danh sách có cột Họ và tên, Ngày sinh"):
        call_command("roster", "UBND-XM", str(bad))
