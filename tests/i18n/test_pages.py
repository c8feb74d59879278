"""Every page in both languages: no machine value written as a localised number (a form's
hidden id, a URL, a data attribute), and in English no Vietnamese left in the words of the
page itself (headers, labels, buttons, hints), only in the data it shows.

Pages are enumerated from the URL configuration, as the access matrix does, and filled with
the access matrix's world (a province, two communes, persons, stations, appointments)."""

import re

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from cancuoc.accounts.models import Role
from tests.world import (
    OWN_NAME,
    PUBLIC,
    QUERY,
    api_operations,
    routes,
    url_for,
    user_for,
)

# A number grouped or with a decimal comma, as a whole token of an attribute: "14,909",
# "14.909", "1.795.521", "3,5". Dates (2021-04-01) and addresses (127.0.0.1) are not.
LOCALISED = re.compile(r"^\d{1,3}(?:[.,\u00a0\u202f]\d{3})+$|^\d+,\d+$")
TOKENS = re.compile(r"[/?&=#\s;:]+")
MACHINE_ATTRIBUTES = ("value", "href", "action", "src", "name", "id", "for")
# Letters only Vietnamese writes (a, e, o, u, y with tone marks or breve/horn, đ).
VIETNAMESE = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I
)
# Where a page's own words are, as opposed to the data it shows.
CHROME = "//th | //button | //legend | //label | //h2 | //*[contains(@class, 'hint')]"
PAGES_WITHOUT_HTML = {"xlsx", "pdf", "docx", "ics", "png", "json"}
# The citizens' pages, which the access matrix does not fill: what each parameter names.
PUBLIC_PARAMETERS = {
    "scheduling:appointment-public": ("code", "appointment"),
    "scheduling:public-schedule": ("code", "unit"),
}


def html_pages(world) -> list[tuple[str, str]]:
    """(name, url) of every page answered with HTML to a GET: not the API, not the admin."""
    operations = api_operations()
    found = []
    for name, _callback, params in routes():
        if name in operations or name.startswith(("admin:", "api:")) or name == "set_language":
            continue
        if name in PUBLIC_PARAMETERS:
            param, key = PUBLIC_PARAMETERS[name]
            url = reverse(name, kwargs={param: world[key]["own"]})
        elif params and name in PUBLIC:
            continue
        else:
            url = url_for(name, params, world, "own")
        if url.rsplit(".", 1)[-1] in PAGES_WITHOUT_HTML or "tai" in name or "download" in name:
            continue
        found.append((name, url))
    return found


def machine_tokens(document):
    """(element, attribute, value, token) of every token of every machine attribute."""
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            if attribute in MACHINE_ATTRIBUTES or attribute.startswith("data-"):
                for token in TOKENS.split(value):
                    yield element, attribute, value, token


def localised_numbers(document) -> list[str]:
    return [
        f"<{element.tag} {attribute}={value!r}>"
        for element, attribute, value, token in machine_tokens(document)
        if LOCALISED.match(token)
    ]


def own_text(element) -> str:
    """The element's words without those of the fields and options inside it."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in ("select", "input", "textarea", "option", "datalist"):
            parts.append(own_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def vietnamese_words(document) -> list[str]:
    found = []
    for element in document.xpath(CHROME):
        if element.xpath("ancestor-or-self::*[@lang][1]/@lang") == ["vi"]:
            continue  # the switch to Vietnamese, in Vietnamese
        text = " ".join(own_text(element).split())
        if VIETNAMESE.search(text):
            found.append(f"<{element.tag}> {text[:80]}")
    for attribute in ("placeholder", "aria-label", "title"):
        for element in document.xpath(f"//*[@{attribute}]"):
            if VIETNAMESE.search(element.get(attribute)):
                found.append(f"<{element.tag} {attribute}> {element.get(attribute)[:80]}")
    return found


@pytest.fixture
def officers(world, django_user_model):
    return [
        user_for(role, world, django_user_model) for role in (Role.NATIONAL, Role.COMMUNE_OFFICER)
    ]


def machine_values_localised(world, officers, language, ids: list | None = None) -> list[str]:
    """What each page writes as a localised number; ``ids`` collects the ids it writes."""
    found = []
    for user in [None, *officers]:
        client = Client()
        client.cookies["django_language"] = language
        if user:
            client.force_login(user)
            client.post("/thu-nhan/", {"q": OWN_NAME})  # the check-in page then shows results
        for name, url in html_pages(world):
            if user is None and name not in PUBLIC:
                continue
            response = client.get(url, QUERY)
            assert response.status_code < 500, f"{url}: {response.status_code}"
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            document = lxml.html.fromstring(response.content)
            found += [f"{url}: {f}" for f in localised_numbers(document)]
            if ids is not None:
                ids += [t for *_, t in machine_tokens(document) if t.isdigit() and len(t) == 6]
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_page_writes_a_machine_value_as_a_localised_number(world, officers, language):
    found = machine_values_localised(world, officers, language)
    assert not found, "\n".join(found[:30])


def test_ids_stay_plain_even_if_every_number_were_grouped(world, officers, settings):
    settings.USE_THOUSAND_SEPARATOR = True  # as the pages were when English crashed intake
    ids: list[str] = []
    found = machine_values_localised(world, officers, "en", ids)
    assert not found, "\n".join(found[:30])
    # The pages do write ids of 100,000 and more in forms and links: a grouped one would
    # have been seen.
    assert ids and all(int(i) >= 100_000 for i in ids)


def test_english_pages_have_no_vietnamese_words_of_their_own(world, officers):
    found, seen = [], 0
    for user in [None, *officers]:
        client = Client()
        client.cookies["django_language"] = "en"
        if user:
            client.force_login(user)
            client.post("/thu-nhan/", {"q": OWN_NAME})  # the check-in page then shows results
        for name, url in html_pages(world):
            if user is None and name not in PUBLIC:
                continue
            response = client.get(url, QUERY)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            seen += 1
            document = lxml.html.fromstring(response.content)
            assert document.get("lang") == "en", url
            found += [f"{url}: {f}" for f in vietnamese_words(document)]
    assert seen > 15
    assert not found, "\n".join(sorted(set(found))[:40])


def test_vietnamese_is_the_default_whatever_the_browser_asks(world, officers):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(officers[1])
    page = client.get("/don-vi/16000001/", QUERY)
    assert lxml.html.fromstring(page.content).get("lang") == "vi"
    client.post("/i18n/setlang/", {"language": "en", "next": "/don-vi/16000001/"})
    page = client.get("/don-vi/16000001/", QUERY)
    assert lxml.html.fromstring(page.content).get("lang") == "en"


def test_the_checks_catch_what_they_look_for():
    page = lxml.html.fromstring(
        '<form><input type="hidden" name="person" value="14,909"><a href="/nguoi/14.909/">x</a>'
        '<input value="2021-04-01"><a href="http://127.0.0.1:8000/">y</a>'
        "<label>Họ tên <select><option>Xã Một</option></select></label>"
        "<label>Name <select><option>Xã Một</option></select></label></form>"
    )
    assert len(localised_numbers(page)) == 2
    assert vietnamese_words(page) == ["<label> Họ tên"]
