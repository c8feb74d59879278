"""Logs hold no full ID number and no person's name.

conftest.py keeps every log line of the test run and calls :func:`personal_data_in` at the
end; a hit fails the whole run. The tests here show that the check and the redaction work.
"""

import io
import logging
import re

from cancuoc.lib.redact import RedactIdNumbers, redact
from cancuoc.synth import names

FULL_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
SURNAMES = "|".join(s for s, _ in names.SURNAMES)
# A Vietnamese full name: a known family name and two or more capitalised words.
FULL_NAME = re.compile(rf"\b(?:{SURNAMES}) (?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\w]+ ){{1,3}}[A-ZĐ]\w+", re.UNICODE)


def personal_data_in(lines: list[str]) -> list[str]:
    return [line for line in lines if FULL_ID.search(line) or FULL_NAME.search(line)]


def test_the_check_finds_ids_and_names():
    assert personal_data_in(["load of 038090001234 done"]) != []
    assert personal_data_in(["opened Nguyễn Văn An"]) != []
    assert personal_data_in(["register load from synth-38-1: 20300 persons"]) == []


def test_the_log_filter_masks_id_numbers(caplog):
    logger = logging.getLogger("cancuoc.test")
    logger.addFilter(RedactIdNumbers())
    with caplog.at_level(logging.INFO):
        logger.info("lookup of %s failed", "038090001234")
    assert "038090001234" not in caplog.text and "1234" in caplog.text
    assert redact("CMND 172345678 / CCCD 038090001234") == "CMND •••••5678 / CCCD ••••••••1234"


def test_the_configured_log_output_masks_an_id_in_a_url(client, django_user_model):
    [console] = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, RedactIdNumbers) for f in h.filters)
    ]
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        client.force_login(django_user_model.objects.create_superuser("qt", password="x" * 12))
        assert client.get("/don-vi/038090001234/").status_code == 404
    finally:
        console.setStream(previous)
    assert "Not Found" in written.getvalue()
    assert "038090001234" not in written.getvalue() and "1234" in written.getvalue()
