"""The data-quality report: đúng, đủ, sạch, sống as "n of N", and the lists behind them."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.geo.selectors import unit_by_code
from cancuoc.reports.quality import quality_figures

ON = date(2021, 4, 1)


def test_the_four_words_count_what_they_say(add_person, client, django_user_model):
    add_person(full_name="Đúng Đủ", personal_id="038080001234", birth_date=date(1980, 5, 10))
    add_person(full_name="Sai Số", personal_id="038080009999", birth_date=date(1975, 1, 1))
    add_person(full_name="Thiếu Dân Tộc", ethnicity="")
    add_person(full_name="Trùng Tên", birth_date=date(1990, 2, 2))
    add_person(full_name="Trùng  Tên", birth_date=date(1990, 2, 2))  # typed with two spaces
    add_person(full_name="Cụ Già", birth_date=date(1890, 1, 1))
    add_person(full_name="Đã Mất", presence="deceased", presence_since=date(2020, 1, 1))
    figures = {f.shortfall: f for f in quality_figures(unit_by_code("38"), ON)}
    assert figures["invalid_id"].total == 6  # in the register: the deceased are not
    # The ID given for 1975 does not match its year: kept as unverified, so no valid ID;
    # everyone else was loaded without one.
    assert figures["invalid_id"].good == 1
    assert figures["implausible_birth"].good == 5
    assert figures["same_name_and_birth"].good == 4
    assert figures["incomplete"].good < 6  # no household in these records, and one ethnicity
    assert (figures["left"].good, figures["left"].total) == (6, 7)
    assert round(figures["left"].percent) == 86

    officer = django_user_model.objects.create_user("cs", password="x" * 12)
    Assignment.objects.create(user=officer, role=Role.PROVINCE_COMMAND, unit=unit_by_code("38"))
    client.force_login(officer)
    page = client.get("/don-vi/38/chat-luong/", {"ngay": ON.isoformat()}).content.decode()
    assert "1 trên 6" in page and "6 trên 7" in page
    answer = client.get(
        "/don-vi/38/chat-luong/", {"ngay": ON.isoformat(), "tai": "xlsx", "muc_dich": PURPOSES[0]}
    )
    book = load_workbook(BytesIO(answer.content))
    rows = [r for r in book["Trùng họ tên, ngày sinh"].iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 2 and {" ".join(r[0].split()) for r in rows} == {"Trùng Tên"}
    assert "038080009999" not in str([list(s.values) for s in book])  # masked
    assert AuditEvent.objects.filter(action="export", detail__document="quality").exists()
