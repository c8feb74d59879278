"""The check-in page: search (kept out of the address), record, come back to the results."""

import re
from datetime import date

import lxml.html
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import translation

from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.models import Application
from cancuoc.intake.selectors import PER_PAGE, CheckinResults, CheckinRow
from cancuoc.lib.clock import local_day
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.registry.services import register_load
from cancuoc.reports.models import DailyRollup
from tests.conftest import person_record

from .conftest import search


def record_form(page, person) -> dict:
    """The fields of the record form of ``person``'s row, as the browser would send them."""
    document = lxml.html.fromstring(page.content)
    [form] = document.xpath(f"//form[@class='record'][input[@name='person'][@value='{person.pk}']]")
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    fields["kit"] = form.xpath(".//select[@name='kit']/option")[0].get("value")
    fields["outcome"] = "accept"
    return fields


def test_an_operator_finds_a_person_by_name_and_records_the_application(
    add_person, operator_in, client
):
    person = add_person(full_name="Lê Thị Hoà", personal_id="038180001234", sex="F")
    add_person(full_name="Lê Thị Hoà", permanent_unit="16001001")  # another commune
    page = search(client, "lê thị hòa")  # the other tone placement
    html = page.content.decode()
    assert html.count("Lê Thị Hoà") == 1 and "038180001234" not in html
    form = record_form(page, person)
    assert client.post("/thu-nhan/ghi/", form).status_code == 302
    assert client.post("/thu-nhan/ghi/", form).status_code == 302  # the retry of a flaky network
    assert Application.objects.filter(person=person).count() == 1
    day = local_day(Application.objects.get().started_at)
    assert DailyRollup.objects.get(unit=unit_by_code("38"), day=day).captured == 1
    assert search(client, "038180001234").content.decode().count("Đã thu nhận")


def test_the_search_is_posted_and_kept_out_of_the_address(add_person, operator_in, client):
    add_person(full_name="Nguyễn Thị An", personal_id="038180004321", sex="F")
    answer = client.post("/thu-nhan/", {"q": "038180004321", "diem": "CA-XM"})
    assert answer.status_code == 302
    assert answer["Location"] == "/thu-nhan/?diem=CA-XM"
    page = client.get(answer["Location"])
    assert "Nguyễn Thị An" in page.content.decode()
    # an address that carries the query finds nothing by itself (nothing to log)
    client.post("/thu-nhan/", {"q": "", "diem": "CA-XM"})
    page = client.get("/thu-nhan/", {"q": "038180004321"})
    assert "Nguyễn Thị An" not in page.content.decode()
    document = lxml.html.fromstring(page.content)
    [form] = document.xpath("//form[@id='checkin-search']")
    assert form.get("method") == "post"
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']") and form.xpath(".//input[@name='q']")


def test_after_recording_the_page_returns_to_the_results_of_the_station(
    add_person, operator_in, client
):
    person = add_person(full_name="Trần Văn Bình")
    form = record_form(search(client, "tran van binh"), person)
    answer = client.post("/thu-nhan/ghi/", form)
    assert answer["Location"] == "/thu-nhan/?diem=CA-XM"
    page = client.get(answer["Location"])
    document = lxml.html.fromstring(page.content)
    [ok] = document.xpath("//p[@class='ok']")
    assert "Trần Văn Bình" in ok.text_content()
    assert "Đã thu nhận" in document.xpath("//table[@id='results']")[0].text_content()


def test_a_person_outside_the_area_cannot_be_recorded(add_person, operator_in, client):
    outsider = add_person(permanent_unit="16001001")
    form = {"person": outsider.pk, "kit": "KIT-1", "key": "k", "outcome": "accept"}
    answer = client.post("/thu-nhan/ghi/", form)
    assert answer.status_code == 400
    assert "Không có công dân này trong phạm vi được giao" in answer.content.decode()
    assert not Application.objects.exists()


def test_a_localised_person_number_is_a_clear_bad_request_in_the_users_language(
    add_person, operator_in, client
):
    add_person()
    form = {"person": "14,909", "kit": "KIT-1", "key": "k-1", "outcome": "accept"}
    answer = client.post("/thu-nhan/ghi/", form)
    assert answer.status_code == 400
    problems = lxml.html.fromstring(answer.content).xpath("//ul[@id='problems']")[0]
    assert "Công dân" in problems.text_content()
    client.cookies["django_language"] = "en"
    answer = client.post("/thu-nhan/ghi/", form)
    assert answer.status_code == 400
    text = lxml.html.fromstring(answer.content).xpath("//ul[@id='problems']")[0].text_content()
    assert "Person: Enter a whole number." in text
    assert not Application.objects.exists()


def test_other_bad_values_are_bad_requests_too(add_person, operator_in, client):
    person = add_person()
    good = {"person": person.pk, "kit": "KIT-1", "key": "k-1", "outcome": "accept"}
    for wrong in (
        {"person": ""},
        {"person": "-3"},
        {"person": str(2**64)},
        {"kit": ""},
        {"started": "hôm qua"},
        {"outcome": "maybe"},
        {"key": "k" * 65},
        {"trang": "x"},
    ):
        assert client.post("/thu-nhan/ghi/", good | wrong).status_code == 400, wrong
    assert client.post("/thu-nhan/", {"q": "x" * 201}).status_code == 400
    assert not Application.objects.exists()


def test_the_page_in_english(add_person, operator_in, client):
    client.cookies["django_language"] = "en"
    person = add_person(full_name="Nguyễn Văn An", birth_date=date(1980, 5, 10))
    page = search(client, "nguyen van an")
    document = lxml.html.fromstring(page.content)
    assert document.xpath("//h1")[0].text_content().strip() == "Check-in"
    assert [th.text_content() for th in document.xpath("//table[@id='results']//th")] == [
        "Name",
        "Date of birth",
        "ID number",
        "Lives in",
        "Application",
    ]
    assert "10 May 1980" in page.content.decode()
    assert document.xpath("//form[@class='record']//button[@class='primary']")[0].text == (
        "Record application"
    )
    assert document.xpath("//p[@id='result-count']")[0].text_content().split()[:3] == [
        "Found",
        "1",
        "person",
    ]
    answer = client.post("/thu-nhan/ghi/", record_form(page, person), follow=True)
    assert "Recorded the application of Nguyễn Văn An." in answer.content.decode()


# Letters only Vietnamese writes; the page's own words in English must have none.
VIETNAMESE = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I
)
CHROME = (
    "//main//*[self::h1 or self::th or self::button or self::label or self::nav"
    " or @id='result-count' or contains(@class, 'hint') or contains(@class, 'warn')]"
)


def test_the_results_in_english_have_no_vietnamese_words_of_their_own(area, operator_in, client):
    register_load(
        records=[person_record(full_name="Hoàng Văn Nam") for _ in range(PER_PAGE + 2)]
        + [person_record(full_name="Hoàng Văn Nam", birth_date=date(2015, 1, 1))],
        source="test",
    )
    client.cookies["django_language"] = "en"
    page = search(client, "hoang van nam")
    document = lxml.html.fromstring(page.content)
    assert len(document.xpath("//form[@class='record']")) == PER_PAGE
    assert document.xpath("//*[@id='result-count']")[0].text_content().split()[:5] == [
        "1–20",
        "of",
        "23",
        "people",
        "found",
    ]
    words = []
    for element in document.xpath(CHROME):
        own = " ".join(element.xpath("text()")).replace("Công an Xã Một", "")  # the station's
        if VIETNAMESE.search(own):
            words.append(f"<{element.tag}> {own.strip()}")
    for attribute in ("placeholder", "aria-label", "title", "data-starting", "data-looking"):
        for element in document.xpath(f"//*[@{attribute}]"):
            if VIETNAMESE.search(element.get(attribute)):
                words.append(f"<{element.tag} {attribute}> {element.get(attribute)}")
    assert words == []
    second = client.get("/thu-nhan/?diem=CA-XM&trang=2")
    assert "Page 2 of 2" in second.content.decode()
    assert len(lxml.html.fromstring(second.content).xpath("//form[@class='record']")) == 3


def test_machine_values_are_never_grouped_whatever_the_number_format(rf, settings):
    settings.USE_THOUSAND_SEPARATOR = True  # as the pages were when English crashed intake
    request = rf.get("/thu-nhan/")
    request.user = AnonymousUser()
    row = CheckinRow(
        pk=14909,
        name="Nguyễn Văn An",
        birth=date(1980, 5, 10),
        masked_id="••••••••1234",
        place="Thôn 1, Xã Một",
        in_station_area=True,
        by_slip=False,
        open_state="",
    )
    results = CheckinResults(rows=[row], total=12345, number=1002, pages=1003, first=1, last=20)
    kit = Kit(code="KIT-1")
    with translation.override("en"):
        html = render_to_string(
            "intake/checkin.html",
            {
                "stations": [],
                "station": None,
                "kits": [kit],
                "query": "an",
                "results": results,
                "key": "abc",
                "started": "2021-04-01T09:00:00+07:00",
                "fewest_digits": 4,
            },
            request=request,
        )
    document = lxml.html.fromstring(html)
    assert document.xpath("//input[@name='person']/@value") == ["14909"]
    assert document.xpath("//input[@name='key']/@value") == ["abc-14909"]
    assert document.xpath("//input[@name='trang']/@value") == ["1002"]
    assert document.xpath("//a[@rel='next']/@href") == ["?diem=&trang=1003"]
    assert "of 12,345 people found" in document.xpath("//*[@id='result-count']")[0].text_content()


def test_the_station_chosen_stays_chosen(station, operator_in, client):
    other = Station.objects.create(
        code="CA-XM-2",
        name="Tổ lưu động Xã Một",
        kind=StationKind.MOBILE_TEAM,
        unit=unit_by_code("16000"),
    )
    Kit.objects.create(station=other, code="KIT-LD")

    def chosen() -> list[str]:
        document = lxml.html.fromstring(client.get("/thu-nhan/").content)
        return document.xpath("//select[@name='diem']/option[@selected]/@value")

    assert chosen() == ["CA-XM"]  # the first by name
    client.post("/thu-nhan/", {"q": "", "diem": "CA-XM-2"})
    assert chosen() == ["CA-XM-2"]
