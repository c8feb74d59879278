"""Every page on a phone (390 px) and a laptop (1366 px), in Vietnamese and in English: no
page scrolls sideways, each page's main action is on the first screen or one scroll away,
and axe-core (the accessibility scan) finds no serious or critical violation. Screenshots
of the home, village, check-in and station pages at 390 px are kept."""

import os
from pathlib import Path

import pytest

from .conftest import AS_OF, log_in, open_page, shot

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

PLACES = """
import json
from cancuoc.geo.models import AdministrativeUnit, Institution
from cancuoc.planning.models import Station
from cancuoc.scheduling.models import Appointment
from cancuoc.registry.models import Person
lived_in = Person.objects.values("homes__unit")
leaves = AdministrativeUnit.objects.filter(children__isnull=True)
village = leaves.filter(pk__in=lived_in).order_by("code")[0]
stations = Station.objects.order_by("code")
station = stations.filter(unit=village.parent).first() or stations.first()
print(json.dumps({
    "village": village.code, "commune": village.parent.code,
    "station": station.code,
    "institution": Institution.objects.order_by("code").first().code,
    "appointment": Appointment.objects.filter(state="booked").order_by("pk").first().code,
}))
"""

# Each page: its address and its main action (None: a page only to read).
PAGES = {
    "home": ("/don-vi/38/?ngay={as_of}", "#unit-search button"),
    "commune": ("/don-vi/{commune}/?ngay={as_of}", ".links a"),
    "village": ("/don-vi/{village}/?ngay={as_of}", ".links a"),
    "checkin": ("/thu-nhan/", "#checkin-search button[type=submit]"),
    "station": ("/diem/{station}/?ngay={as_of}", "#slips button.primary"),
    "plan": ("/don-vi/38/ke-hoach/?ngay={as_of}", None),
    "quality": ("/don-vi/{commune}/chat-luong/?ngay={as_of}", None),
    "absent": ("/don-vi/{commune}/vang-mat/?ngay={as_of}", None),
    "duplicates": ("/don-vi/38/nghi-trung/?ngay={as_of}", None),
    "institution": ("/co-quan/{institution}/?ngay={as_of}", None),
    "public-schedule": ("/lich/{commune}/?ngay={as_of}", None),
    "appointment": ("/hen/{appointment}/", None),
    "lookup": ("/tra-cuu/", "form button[type=submit]"),
    "not-found": ("/hen/KHONGCOMA/", ".links a.primary"),
    "api-docs": ("/api/v1/docs", None),
    "jobs": ("/cong-viec/", None),
    "worklist": ("/don-vi/{commune}/danh-sach/?ngay={as_of}", "#worklist-filters button"),
}
SCREENSHOTS = {"home", "village", "checkin", "station"}
# Pages drawn by a script after loading: what shows they are ready.
READY = {"api-docs": ".opblock"}


@pytest.fixture(scope="module")
def places(demo):
    return demo.shell(PLACES) | {"as_of": AS_OF}


def overflow(page) -> int:
    """How far the page reaches past the screen's right edge, in CSS pixels."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def axe_violations(page) -> list[str]:
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("locale", ["vi-VN", "en-US"])
def test_every_page_fits_the_screen_shows_its_action_and_passes_axe(
    demo, browser, places, locale, width
):
    if not AXE.exists():
        assert not os.getenv("CI"), "axe-core: npm ci --prefix tests/browser (.ci/run does it)"
        pytest.skip("axe-core is not installed: npm ci --prefix tests/browser")
    page = open_page(browser, locale=locale, width=width, bypass_csp=True)
    log_in(page, demo, language=locale[:2])
    problems = []
    for name, (address, action) in PAGES.items():
        url = demo.base + address.format(**places)
        response = page.goto(url)
        if name not in ("not-found",) and response.status != 200:
            problems.append(f"{name}: answered {response.status}")
            continue
        if name in READY:
            page.wait_for_selector(READY[name])
        if (wider := overflow(page)) > 0:
            problems.append(f"{name}: {wider} px wider than the {width} px screen")
        if action is not None:
            button = page.locator(action).first
            box = button.bounding_box() if button.count() else None
            viewport = page.viewport_size["height"]
            if box is None:
                problems.append(f"{name}: no main action ({action})")
            elif box["y"] > 2 * viewport:
                problems.append(f"{name}: main action {box['y']:.0f} px down, past one scroll")
        problems += [f"{name}: {v}" for v in axe_violations(page)]
        if width == 390 and name in SCREENSHOTS:
            shot(page, f"phone-{name}-{locale}")
    page.context.close()
    assert not problems, "\n".join(problems)
