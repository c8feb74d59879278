"""The public schedule costs a server little whoever asks: each page is built once per unit
and day and then served from the cache, one address may ask only so often, and a page holds
a bounded number of openings whatever the size of the unit."""

from datetime import datetime, time, timedelta
from io import BytesIO

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar
from PIL import Image

from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Shift, Station, StationKind
from cancuoc.scheduling.models import Visit
from cancuoc.scheduling.public import ICAL_EVENTS, PAGE_OPENINGS

from .bookings import DAY, make_station

PAGES = ["/lich/16000/", "/lich/16000/lich.ics", "/lich/16000/bai-dang.png"]


@pytest.fixture
def schedule(area, settings):
    settings.CANCUOC_AS_OF = DAY.isoformat()
    station = make_station()
    Shift.objects.create(station=station, name="Ca 1", starts=time(7), ends=time(11))
    return station


def add_visit(day, village: str = "16000002") -> Visit:
    van = Station.objects.get_or_create(
        code="XE-1", name="Xe lưu động", kind=StationKind.VEHICLE, unit=unit_by_code("16000")
    )[0]
    arrives = timezone.make_aware(datetime.combine(day, time(13, 30)))
    return Visit.objects.create(
        station=van,
        day=day,
        order=1,
        unit=unit_by_code(village),
        arrives_at=arrives,
        leaves_at=arrives + timedelta(hours=2),
        expected=20,
    )


def many_stations(count: int, *, shifts: int = 3) -> None:
    """``count`` stations in Xã Một's two villages, each working ``shifts`` shifts a day."""
    villages = [unit_by_code("16000001"), unit_by_code("16000002")]
    stations = Station.objects.bulk_create(
        Station(
            code=f"S-{n}",
            name=f"Điểm {n}",
            kind=StationKind.FIXED,
            unit=villages[n % 2],
        )
        for n in range(count)
    )
    Shift.objects.bulk_create(
        Shift(station=station, name=f"Ca {k}", starts=time(6 + 5 * k), ends=time(10 + 5 * k))
        for station in stations
        for k in range(shifts)
    )


@pytest.mark.parametrize("url", PAGES)
def test_a_second_request_the_same_day_does_not_touch_the_database(client, schedule, url):
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200 and len(queries) == 0
    if url.endswith((".ics", ".png")):  # the page carries each visitor's CSRF token
        assert again.content == first.content


def test_the_page_is_kept_until_the_day_changes(client, schedule, settings):
    add_visit(DAY + timedelta(days=2))
    assert client.get("/lich/16000/").content.decode().count("Lưu động") == 1
    add_visit(DAY + timedelta(days=3))
    assert client.get("/lich/16000/").content.decode().count("Lưu động") == 1  # kept
    settings.CANCUOC_AS_OF = (DAY + timedelta(days=1)).isoformat()
    fresh = client.get("/lich/16000/").content.decode()
    assert fresh.count("Lưu động") == 2 and "08/06/2021" in fresh
    feed = Calendar.from_ical(client.get("/lich/16000/lich.ics").content)
    assert sum("Thôn 2" in str(e["location"]) for e in feed.walk("VEVENT")) == 2


def test_no_spelling_of_the_url_builds_the_page_again(client, schedule):
    client.get("/lich/38/lich.ics")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/lich/038/lich.ics").status_code == 200
    assert len(queries) == 1  # which unit "038" names; then the feed "38" has
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/lich/38/lich.ics?ngay=2031-01-01").status_code == 200
    assert len(queries) == 0  # a day far from today counts as today


def test_the_page_is_kept_once_per_language(client, schedule):
    assert "Ai nên đến" in client.get("/lich/16000/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Who should come" in client.get("/lich/16000/").content.decode()


def test_an_officers_visit_leaves_nothing_of_theirs_in_the_page_others_get(
    client, schedule, django_user_model
):
    officer = django_user_model.objects.create_user("can-bo-xa-mot", password="x" * 20)
    client.force_login(officer)
    assert "can-bo-xa-mot" in client.get("/lich/16000/").content.decode()
    client.logout()
    page = client.get("/lich/16000/")
    assert "can-bo-xa-mot" not in page.content.decode()
    assert "private" in page["Cache-Control"]


@pytest.mark.parametrize("url", PAGES[1:])
def test_the_feed_and_the_image_may_be_kept_by_anyone_and_are_revalidated(
    client, schedule, settings, url
):
    answer = client.get(url)
    control = answer["Cache-Control"]
    assert "public" in control and f"max-age={settings.CANCUOC_PUBLIC_CACHE_SECONDS}" in control
    assert answer["ETag"] and answer["Last-Modified"]
    same = client.get(url, headers={"If-None-Match": answer["ETag"]})
    assert same.status_code == 304 and not same.content


def test_one_address_past_the_limit_is_told_to_wait_and_another_is_not(client, schedule, settings):
    settings.CANCUOC_PUBLIC_PAGES_PER_MINUTE = 4
    answers = [client.get(PAGES[n % 3], REMOTE_ADDR="203.0.113.7").status_code for n in range(4)]
    assert answers == [200] * 4
    refused = client.get("/lich/16000/lich.ics", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    assert client.get("/lich/16000/lich.ics", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_the_addresses_of_one_ipv6_subscriber_share_one_limit(client, schedule, settings):
    settings.CANCUOC_PUBLIC_PAGES_PER_MINUTE = 2
    for host in ("2001:db8:1:2::a", "2001:db8:1:2::b"):
        assert client.get("/lich/16000/", REMOTE_ADDR=host).status_code == 200
    assert client.get("/lich/16000/", REMOTE_ADDR="2001:db8:1:2::c").status_code == 429
    assert client.get("/lich/16000/", REMOTE_ADDR="2001:db8:1:3::a").status_code == 200


def test_unknown_units_count_against_the_limit_too(client, schedule, settings):
    settings.CANCUOC_PUBLIC_PAGES_PER_MINUTE = 2
    assert client.get("/lich/99999/", REMOTE_ADDR="203.0.113.9").status_code == 404
    assert client.get("/lich/099999/", REMOTE_ADDR="203.0.113.9").status_code == 404
    assert client.get("/lich/16000/", REMOTE_ADDR="203.0.113.9").status_code == 429


def test_a_unit_with_thousands_of_openings_gets_bounded_pages(client, schedule):
    many_stations(60)  # 60 stations × 3 shifts × 14 days: 2,520 openings
    feed = client.get("/lich/16000/lich.ics")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert 0 < len(events) <= ICAL_EVENTS and len(feed.content) < 300_000
    days = {e.decoded("dtstart").date() for e in events}
    assert len(events) == len(days) * (60 * 3 + 1)  # whole days: every shift of every station
    page = lxml.html.fromstring(client.get("/lich/16000/").content)
    rows = page.xpath("//table[@id='openings']/tbody/tr")
    assert 0 < len(rows) <= PAGE_OPENINGS
    assert page.xpath("//p[@id='more']")
    assert page.xpath("//ul[@id='below']//a/@href") == ["/lich/16000001/", "/lich/16000002/"]
    assert len(page.xpath("//textarea[@id='post']")[0].text.splitlines()) < PAGE_OPENINGS + 20
    image = client.get("/lich/16000/bai-dang.png")
    assert Image.open(BytesIO(image.content)).format == "PNG" and len(image.content) < 500_000


def test_a_small_unit_shows_all_its_openings(client, schedule):
    page = lxml.html.fromstring(client.get("/lich/16000/").content)
    assert len(page.xpath("//table[@id='openings']/tbody/tr")) == 14
    assert not page.xpath("//p[@id='more']")


def test_a_provinces_schedule_takes_the_same_queries_for_many_stations_as_for_one(client, schedule):
    def queries_for(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.get("/lich/38/")  # which unit "38" is, kept
    one = queries_for("/lich/38/lich.ics")
    many_stations(40, shifts=1)
    add_visit(DAY + timedelta(days=1))
    Station.objects.create(
        code="P-2", name="Công an Phường Hai", kind=StationKind.FIXED, unit=unit_by_code("16001")
    )
    assert queries_for("/lich/38/lich.ics?ngay=2021-06-08") == one
