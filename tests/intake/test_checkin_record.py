"""Recording at the check-in page: a warning and a confirmation for a child or a card holder,
and the figures of the campaign's day moved at once."""

from datetime import date, timedelta

import lxml.html

from cancuoc.geo.selectors import unit_by_code
from cancuoc.intake.models import Application
from cancuoc.lib.clock import local_day
from cancuoc.registry.choices import CardKind
from cancuoc.registry.models import Card
from cancuoc.reports.models import DailyRollup

from .conftest import search
from .test_checkin_page import record_form

AS_OF = date(2021, 4, 1)


def row_of(page, person):
    document = lxml.html.fromstring(page.content)
    person_field = f"input[@name='person'][@value='{person.pk}']"
    [row] = document.xpath(f"//table[@id='results']//tr[.//{person_field}]")
    return row


def test_a_child_is_recorded_only_after_the_officer_confirms(
    add_person, operator_in, client, settings
):
    settings.CANCUOC_AS_OF = AS_OF.isoformat()
    child = add_person(full_name="Lê Bé Bốn", birth_date=AS_OF - timedelta(days=4 * 365 + 30))
    page = search(client, "le be bon")
    row = row_of(page, child)
    assert "warn" in row.get("class")
    [warning] = row.xpath(".//p[contains(@class, 'warn')]")
    assert "Chưa đủ 14 tuổi" in warning.text_content()
    [confirm] = row.xpath(".//form[@class='record']//input[@name='confirm']")
    assert confirm.get("type") == "checkbox" and confirm.get("required") is not None
    form = record_form(page, child)
    refused = client.post("/thu-nhan/ghi/", form, follow=True)
    [error] = lxml.html.fromstring(refused.content).xpath("//p[@class='error']")
    assert "Lê Bé Bốn" in error.text_content() and "xác nhận" in error.text_content()
    assert not Application.objects.exists()
    client.post("/thu-nhan/ghi/", form | {"confirm": "1"})
    assert Application.objects.filter(person=child).count() == 1


def test_a_holder_of_a_valid_chip_card_is_warned_too(add_person, operator_in, client, settings):
    settings.CANCUOC_AS_OF = AS_OF.isoformat()
    holder = add_person(full_name="Trịnh Văn Thẻ")
    Card.objects.create(
        person=holder, kind=CardKind.CCCD_CHIP, number="038080001111", issued_on=date(2021, 3, 1)
    )
    adult = add_person(full_name="Trịnh Văn Chưa")
    page = search(client, "trinh van")
    assert "Đã có thẻ còn giá trị" in row_of(page, holder).text_content()
    assert row_of(page, holder).xpath(".//input[@name='confirm']")
    plain = row_of(page, adult)
    assert not plain.xpath(".//input[@name='confirm'] | .//*[contains(@class, 'warn')]")
    client.post("/thu-nhan/ghi/", record_form(page, holder))
    client.post("/thu-nhan/ghi/", record_form(page, adult))
    assert list(Application.objects.values_list("person__full_name", flat=True)) == [
        "Trịnh Văn Chưa"
    ]


def test_an_intake_moves_the_figures_of_the_campaigns_day_at_once(
    add_person, operator_in, client, settings
):
    settings.CANCUOC_AS_OF = AS_OF.isoformat()
    person = add_person(full_name="Đỗ Thị Mai")

    def done() -> str:
        page = client.get("/don-vi/16000001/")
        return lxml.html.fromstring(page.content).xpath("//*[@id='done']")[0].text_content()

    before = done()
    client.post("/thu-nhan/ghi/", record_form(search(client, "do thi mai"), person))
    application = Application.objects.get(person=person)
    assert local_day(application.started_at) == local_day(application.ended_at) == AS_OF
    assert DailyRollup.objects.get(unit=unit_by_code("16000001"), day=AS_OF).captured == 1
    assert (before, done()) == ("0", "1")


def test_a_page_opened_the_day_before_counts_the_capture_on_the_day_it_is_recorded(
    add_person, operator_in, client, settings
):
    settings.CANCUOC_AS_OF = AS_OF.isoformat()
    person = add_person(full_name="Đỗ Văn Muộn")
    form = record_form(search(client, "do van muon"), person)
    form["started"] = "2021-03-31T16:55:00+07:00"
    client.post("/thu-nhan/ghi/", form)
    assert local_day(Application.objects.get().started_at) == AS_OF
