"""An officer's day in a real browser, in a Vietnamese and an English browser, on a phone
(390 px) and a laptop (1366 px): record an intake by scanning a slip's QR code (a scanner
types the URL into the field), by a name typed without diacritics, and hand an absent
resident over with the unit picker; each time the village page's figures change."""

import json

import pytest

from cancuoc.lib.text import strip_diacritics

from .conftest import AS_OF, figure, log_in, open_page, record_first_result, shot

BROWSERS = [
    pytest.param(locale, width, id=f"{locale}-{width}")
    for locale in ("vi-VN", "en-US")
    for width in (390, 1366)
]


def language(locale: str) -> str:
    return locale.split("-")[0]


def plain(text: str) -> str:
    """As an officer types a name on a keyboard without Vietnamese input: no marks."""
    return strip_diacritics(text).lower()


# Someone booked, not yet captured, living in a village: their slip's code and village.
BOOKED = """
import json
from cancuoc.registry.models import Home
from cancuoc.scheduling.models import Appointment
from cancuoc.intake.models import Application
taken = Application.objects.values("person_id")
booked = (Appointment.objects.filter(state="booked").exclude(person__in=taken)
          .select_related("person").order_by("person_id"))
for a in booked:
    home = Home.objects.filter(person=a.person).select_related("unit").order_by("-id").first()
    if home and not home.unit.children.exists():
        print(json.dumps({"code": a.code, "village": home.unit.code, "name": a.person.full_name}))
        break
"""

# Someone on a village's worklist whose name, written without marks, nobody else has.
UNIQUE_NAME = """
import json
from collections import Counter
from cancuoc.lib.text import strip_diacritics
from cancuoc.registry.models import Home, Person
from cancuoc.intake.models import Application
from cancuoc.scheduling.worklists import worklist
from cancuoc.geo.models import AdministrativeUnit
def plain(t):
    return strip_diacritics(t).lower()
counts = Counter(plain(n) for n in Person.objects.values_list("full_name", flat=True))
taken = set(Application.objects.values_list("person_id", flat=True))
for village in AdministrativeUnit.objects.filter(children__isnull=True).order_by("code"):
    chosen = [p for p in worklist(unit=village, on=date(2021, 4, 1))
              if counts[plain(p.full_name)] == 1 and p.pk not in taken and p.presence == "alive"]
    if chosen:
        print(json.dumps({"name": chosen[0].full_name, "village": village.code}))
        break
""".replace("from cancuoc", "from datetime import date\nfrom cancuoc", 1)

# An absent resident on their village's worklist, no hand-over asked yet, and another
# commune of the province to hand them to.
ABSENT = """
import json
from datetime import date
from cancuoc.registry.models import Handover, Home
from cancuoc.scheduling.worklists import worklist, absent_residents
from cancuoc.geo.models import AdministrativeUnit
asked = Handover.objects.values("person_id")
for village in AdministrativeUnit.objects.filter(children__isnull=True).order_by("code"):
    on_list = worklist(unit=village, on=date(2021, 4, 1)).values("pk")
    person = (absent_residents(unit=village, on=date(2021, 4, 1)).filter(pk__in=on_list)
              .exclude(pk__in=asked).order_by("pk").first())
    if person:
        commune = village.parent
        other = (AdministrativeUnit.objects.filter(parent=commune.parent)
                 .exclude(pk=commune.pk).order_by("code").first())
        print(json.dumps({"name": person.full_name, "village": village.code,
                          "commune": commune.code, "to": other.code, "to_name": other.name}))
        break
"""


def village_figures(page, demo, village: str) -> tuple[int, int]:
    page.goto(f"{demo.base}/don-vi/{village}/?ngay={AS_OF}")
    return figure(page, "#done"), figure(page, "#total")


@pytest.mark.parametrize(("locale", "width"), BROWSERS)
def test_an_intake_by_scanning_a_slips_qr_code_moves_the_village_figures(
    demo, browser, locale, width
):
    booked = demo.shell(BOOKED)
    page = open_page(browser, locale=locale, width=width)
    log_in(page, demo, language=language(locale))
    done, left = village_figures(page, demo, booked["village"])
    page.goto(f"{demo.base}/thu-nhan/")
    field = page.locator("#checkin-search input[name=q]")
    field.click()
    # A USB or Bluetooth scanner types the QR code's URL, then Enter.
    page.keyboard.type(f"{demo.base}/hen/{booked['code']}/")
    page.keyboard.press("Enter")
    page.wait_for_selector("#results")
    assert page.locator("#results tbody tr").count() == 1
    assert booked["name"] in page.locator("#results").inner_text()
    record_first_result(page)
    shot(page, f"checkin-qr-{locale}-{width}")
    assert village_figures(page, demo, booked["village"]) == (done + 1, left - 1)
    page.context.close()


@pytest.mark.parametrize(("locale", "width"), BROWSERS)
def test_an_intake_by_a_name_typed_without_marks_moves_the_village_figures(
    demo, browser, locale, width
):
    person = demo.shell(UNIQUE_NAME)
    page = open_page(browser, locale=locale, width=width)
    log_in(page, demo, language=language(locale))
    done, left = village_figures(page, demo, person["village"])
    page.goto(f"{demo.base}/thu-nhan/")
    page.fill("#checkin-search input[name=q]", plain(person["name"]))
    page.locator("#checkin-search button[type=submit]").click()
    page.wait_for_selector("#results")
    assert person["name"] in page.locator("#results tbody tr").first.inner_text()
    record_first_result(page)
    assert village_figures(page, demo, person["village"]) == (done + 1, left - 1)
    page.context.close()


@pytest.mark.parametrize(("locale", "width"), BROWSERS)
def test_an_absent_resident_handed_over_with_the_picker_leaves_the_village_list(
    demo, browser, locale, width
):
    absent = demo.shell(ABSENT)
    page = open_page(browser, locale=locale, width=width)
    log_in(page, demo, language=language(locale))
    done, left = village_figures(page, demo, absent["village"])
    page.goto(f"{demo.base}/don-vi/{absent['village']}/vang-mat/?ngay={AS_OF}")
    asked = figure(page, "#outcome div:nth-child(2) b")
    row = page.locator("#absent tbody tr", has_text=absent["name"]).first
    picker = row.locator("form.handover input[name=to_unit]")
    picker.fill(absent["to_name"][:6])
    options = json.loads(
        page.evaluate(
            "(input) => JSON.stringify(Array.from(input.list.options).map(o => o.value))",
            picker.element_handle(),
        )
    )
    chosen = next(o for o in options if absent["to"] in o)
    picker.fill(chosen)
    row.locator("form.handover button.primary").click()
    page.wait_for_selector("p.ok")
    assert figure(page, "#outcome div:nth-child(2) b") == asked + 1
    shot(page, f"handover-{locale}-{width}")
    # The receiving commune accepts; the person leaves the village's list.
    page.goto(f"{demo.base}/don-vi/{absent['to']}/vang-mat/?ngay={AS_OF}")
    incoming = page.locator("#incoming tbody tr", has_text=absent["name"]).first
    incoming.locator("button[value=accept]").click()
    page.wait_for_selector("p.ok")
    assert village_figures(page, demo, absent["village"]) == (done, left - 1)
    page.context.close()
