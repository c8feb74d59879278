"""The plan page: units behind first and marked, figures and money grouped for the page's
language, the booked appointments counted, a table that becomes cards on a phone."""

from datetime import date, datetime, time, timedelta

import lxml.html
import pytest
from django.utils import timezone

from cancuoc.accounts.models import Assignment, Role
from cancuoc.scheduling.models import Appointment, Slot

from .conftest import DAY_SHIFT, ON, START, captured_daily, station_at, target_of, unit


@pytest.fixture
def province_command(client, django_user_model, area):
    user = django_user_model.objects.create_user("tinh", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.PROVINCE_COMMAND, unit=unit("38"))
    client.force_login(user)
    return client


def plan_page(client, language: str = "") -> lxml.html.HtmlElement:
    if language:
        client.cookies["django_language"] = language
    response = client.get("/don-vi/38/ke-hoach/", {"ngay": ON.isoformat()})
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def rows(page) -> list[tuple[str, bool]]:
    """(unit, flagged) of each row of the forecast, in the page's order."""
    return [
        (row.xpath("string(td[1])").strip(), "warn" in row.get("class", ""))
        for row in page.xpath("//table[@id='forecast']/tbody/tr")
    ]


def test_units_behind_come_first_marked_and_counted(province_command, behind, ahead):
    # Xã Một (16000) behind comes first, though Phường Hai (16001) is on track.
    page = plan_page(province_command)
    assert rows(page) == [("Xã Một", True), ("Phường Hai", False)]
    assert page.get_element_by_id("behind").text_content().startswith("1 trên 2")
    table = page.get_element_by_id("forecast")
    assert {"data", "cards", "sortable"} <= set(table.get("class").split())
    late = table.xpath("tbody/tr[1]")[0].text_content()
    assert "⚠" in late and "hẹn 76 người/ngày" in late


def test_money_and_figures_are_grouped_for_the_language(province_command, area):
    station_at("16000", kits=2, shifts=DAY_SHIFT)
    target_of("16000", 20_000)  # far behind: a cost of millions
    captured_daily("16000", 48)
    vi = plan_page(province_command)
    total = vi.get_element_by_id("total-cost").text
    assert total.count(".") >= 2 and "," not in total  # 1.234.567
    assert "20.000" in vi.get_element_by_id("forecast").text_content()
    assert "Dự kiến xong" in vi.get_element_by_id("forecast").text_content()
    en = plan_page(province_command, "en")
    assert en.get_element_by_id("total-cost").text == total.replace(".", ",")
    forecast = en.get_element_by_id("forecast").text_content()
    assert "20,000" in forecast and "Done by" in forecast and "book 976 a day" in forecast
    assert en.get_element_by_id("behind").text_content().startswith("1 of 2 units behind")


def test_a_unit_fully_booked_before_its_deadline_is_not_behind(province_command, area, add_person):
    # Xã Một: no captures in the last week and no station: never, unless booked.
    station = station_at("38", kits=2, shifts=DAY_SHIFT)
    target_of("16000", 13)
    captured_daily("16000", 5, first=START, last=START + timedelta(days=1))
    assert rows(plan_page(province_command)) == [("Xã Một", True), ("Phường Hai", False)]
    starts = timezone.make_aware(datetime.combine(date(2021, 4, 15), time(8)))
    slot = Slot.objects.create(
        station=station, starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=4
    )
    for _ in range(3):
        Appointment.objects.create(person=add_person(), slot=slot)
    page = plan_page(province_command)
    assert rows(page) == [("Xã Một", False), ("Phường Hai", False)]
    [row] = page.xpath("//table[@id='forecast']/tbody/tr[1]")
    assert "15/04/2021" in row.text_content()
    assert page.get_element_by_id("behind").text_content().startswith("0 trên 2")
