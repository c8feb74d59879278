"""The commune's worklist page (/don-vi/<code>/danh-sach/): the count, 50 rows by village and
name with the ID numbers masked, the pager, the filters (village, residence basis, easy or
hard), the download that keeps them, and who may open it."""

from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.registry.models import Person
from cancuoc.registry.services import register_load
from tests.conftest import person_record

ON = "2021-04-01"
PURPOSE = "Rà soát, vận động công dân làm thủ tục cấp thẻ"


def _user(client, role: str, unit: str):
    user = get_user_model().objects.create_user(f"{role}-{unit}", password="x" * 12)
    Assignment.objects.create(user=user, role=role, unit=unit_by_code(unit))
    client.force_login(user)
    return user


@pytest.fixture
def officer(client, area):
    return _user(client, Role.COMMUNE_OFFICER, "16000")


@pytest.fixture
def commune(area):
    """52 people of Thôn 1, 3 of the remote Thôn 2 (hard cases), one with a temporary
    residence in Thôn 2 (hard too), and one in the other commune."""
    ids = (f"0380801{n:05d}" for n in range(100))
    records = [
        person_record(full_name=f"Nguyễn Văn Một {n:02d}", personal_id=next(ids)) for n in range(52)
    ]
    records[0].personal_id = "038080001234"
    records += [
        person_record(
            full_name=f"Trần Thị Hai {n}", permanent_unit="16000002", personal_id=next(ids)
        )
        for n in range(3)
    ]
    records.append(
        person_record(full_name="Lê Văn Tạm", temporary_unit="16000002", personal_id=next(ids))
    )
    records.append(person_record(full_name="Phạm Văn Ngoài", permanent_unit="16001001"))
    register_load(records=records, source="test")


def _names(response) -> list[str]:
    return [row["full_name"] for row in response.context["rows"]]


def test_the_page_counts_and_shows_the_first_fifty_by_village_then_name(officer, client, commune):
    page = client.get("/don-vi/16000/danh-sach/", {"ngay": ON})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 56
    by_name = Person.objects.filter(full_name__startswith="Nguyễn").order_by("sort_key", "pk")
    assert _names(page) == [p.full_name for p in by_name[:50]]
    assert [r["index"] for r in page.context["rows"]][:2] == [1, 2]
    html = page.content.decode()
    assert 'id="total">56<' in html and "Thôn 1" in html
    assert "038080001234" not in html and "••••••••1234" in html
    assert "Phạm Văn Ngoài" not in html
    second = client.get("/don-vi/16000/danh-sach/", {"ngay": ON, "trang": 2})
    assert [r["index"] for r in second.context["rows"]] == list(range(51, 57))
    # Thôn 2 comes after Thôn 1, whose Lê Văn Tạm lives in Thôn 2 now (temporary residence)
    assert {r["village"] for r in second.context["rows"][-4:]} == {"Thôn 2"}
    assert "Lê Văn Tạm" in _names(second)


def test_the_filters_narrow_the_list_and_the_count(officer, client, commune):
    def listed(**filters) -> tuple[int, set[str]]:
        page = client.get("/don-vi/16000/danh-sach/", {"ngay": ON, **filters})
        return page.context["page"].paginator.count, set(_names(page))

    village = listed(thon="16000002")
    assert village == (4, {"Lê Văn Tạm", *(f"Trần Thị Hai {n}" for n in range(3))})
    assert listed(loai="hard") == village  # the remote village makes the hard cases
    assert listed(loai="easy")[0] == 52
    assert listed(co_so="temporary") == (1, {"Lê Văn Tạm"})
    assert listed(co_so="permanent")[0] == 56
    # a value that is not one of the choices is left out, not an error
    assert listed(thon="16001001", loai="any", co_so="x")[0] == 56


def test_the_download_keeps_the_filters_and_audits_them(officer, client, commune):
    response = client.get(
        "/don-vi/16000/danh-sach.xlsx",
        {"ngay": ON, "thon": "16000002", "loai": "hard", "muc_dich": PURPOSE},
    )
    assert response.status_code == 200
    assert "danh-sach-16000002-20210401.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert "Thôn 2" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert {row[1] for row in rows} == {"Lê Văn Tạm", *(f"Trần Thị Hai {n}" for n in range(3))}
    export = AuditEvent.objects.get(action="export")
    assert export.purpose == PURPOSE
    assert export.detail == {
        "rows": 4,
        "as_of": ON,
        "basis": "both",
        "place": "16000002",
        "difficulty": "hard",
    }


def test_the_page_links_its_download_with_the_filters(officer, client, commune):
    html = client.get(
        "/don-vi/16000/danh-sach/", {"ngay": ON, "thon": "16000002", "loai": "easy"}
    ).content.decode()
    download = html[html.index('id="download"') :]
    assert 'action="/don-vi/16000/danh-sach.xlsx"' in html
    assert 'name="thon" value="16000002"' in download and 'name="loai" value="easy"' in download
    assert 'name="muc_dich" required' in download


def test_a_viewer_and_an_officer_of_another_commune_are_refused(client, commune):
    _user(client, Role.VIEWER, "16000")
    assert client.get("/don-vi/16000/danh-sach/", {"ngay": ON}).status_code == 403
    _user(client, Role.COMMUNE_OFFICER, "16001")
    assert client.get("/don-vi/16000/danh-sach/", {"ngay": ON}).status_code == 403


def test_a_province_officer_sees_the_communes_and_a_village_officer_its_village(client, commune):
    _user(client, Role.PROVINCE_COMMAND, "38")
    page = client.get("/don-vi/38/danh-sach/", {"ngay": ON})
    assert page.context["page"].paginator.count == 57
    assert [p.code for p in page.context["places"]] == ["16001", "16000"]  # by name
    _user(client, Role.COMMUNE_OFFICER, "16000002")
    assert (
        client.get("/don-vi/16000002/danh-sach/", {"ngay": ON}).context["page"].paginator.count == 4
    )


def test_the_page_in_english(officer, client, commune):
    client.cookies["django_language"] = "en"
    html = client.get("/don-vi/16000/danh-sach/", {"ngay": ON})
    text = html.content.decode()
    assert "Worklist" in text and "Download the whole list (XLSX)" in text
    assert "Hard" in text and "Village" in text
