"""Logs hold no full ID number and no person's name.

conftest.py keeps every log line of the test run and calls :func:`personal_data_in` at the
end; a hit fails the whole run. The tests here show that the check and the redaction work.
"""

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from openpyxl import Workbook

from cancuoc.lib.redact import RedactIdNumbers, RedactPersonalData, redact
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


@contextmanager
def console_output() -> Iterator[io.StringIO]:
    """What the configured console handler (settings.LOGGING) writes meanwhile."""
    [console] = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, RedactPersonalData) for f in h.filters)
    ]
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        yield written
    finally:
        console.setStream(previous)


def test_the_configured_log_output_masks_an_id_in_a_url(client, django_user_model):
    with console_output() as written:
        client.force_login(django_user_model.objects.create_superuser("qt", password="x" * 12))
        assert client.get("/don-vi/038090001234/").status_code == 404
    assert "Not Found" in written.getvalue()
    assert "038090001234" not in written.getvalue() and "1234" in written.getvalue()


def test_phone_numbers_and_full_names_are_masked_in_messages():
    assert redact("gọi 0912345678 / +84912345678") == "gọi ••••••5678 / ••••••••5678"
    assert redact("hồ sơ của Nguyễn Văn An, NGUYỄN THỊ HOA") == "hồ sơ của N• V• A•, N• T• H•"
    assert redact("xã Hà Nội 2021") == "xã Hà Nội 2021"  # a surname and one word: a place


def test_a_traceback_of_an_illegal_character_error_comes_out_masked():
    """openpyxl puts the cell's value, unquoted, in its message; the message of the error
    raised while handling it quotes the name: neither reaches the log."""
    logger = logging.getLogger("cancuoc.test")
    with console_output() as written:
        try:
            try:
                Workbook().active.cell(1, 1, "Nguyễn Văn An 038090001234\x00")
            except Exception as error:  # IllegalCharacterError
                raise RuntimeError("could not write 'Trần Thị Bích Ngọc', row 3") from error
        except RuntimeError:
            logger.exception("export failed")
    text = written.getvalue()
    assert "IllegalCharacterError" in text and "Traceback" in text and "row 3" in text
    assert personal_data_in(text.splitlines()) == []
    assert "Nguyễn" not in text and "Ngọc" not in text and "038090001234" not in text


def test_stack_info_and_database_details_are_masked():
    logger = logging.getLogger("cancuoc.test")
    detail = "Key (full_name, birth_date)=(Lê Văn Bình, 1980-05-10) already exists."
    with console_output() as written:
        try:
            raise ValueError(detail)
        except ValueError:
            logger.exception("insert of %s failed", "Phạm Minh Tuấn Anh", stack_info=True)
    text = written.getvalue()
    assert "Key (full_name, birth_date)=(…) already exists" in text
    assert "Stack (most recent call last)" in text
    assert personal_data_in(text.splitlines()) == [] and "Bình" not in text


# The access logs of real servers: runserver (django.server) and gunicorn (its access and
# error logs, with the project's logger class), each in a process of its own on a SQLite file.
ID_NUMBER = "038090001234"
NAME = "Nguyễn Văn An"
PASSWORD = "mat-khau-du-dai-2021"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[dict[str, str], Path]:
    """A migrated database with an administrator, and the environment to serve it."""
    where = tmp_path_factory.mktemp("served")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "CANCUOC_DB_PATH": str(where / "db.sqlite3"),
        "CANCUOC_REQUIRE_2FA": "False",
        "CANCUOC_AUDIT_HEAD_FILE": str(where / "audit-head.json"),
        "PYTHONUNBUFFERED": "1",
    }
    cli = [sys.executable, "-m", "cancuoc.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, cwd=where, check=True)
    create = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser('qt', password='{PASSWORD}')"
    )
    subprocess.run([*cli, "shell", "-c", create], env=env, cwd=where, check=True)
    return env, where


def _visit(base: str) -> None:
    """A citizen's lookup, an officer's check-in searches, and GETs that carry an ID number
    or a name in the query string, the referrer and the path."""
    citizen = requests.Session()
    citizen.get(f"{base}/tra-cuu/")
    answer = citizen.post(
        f"{base}/tra-cuu/",
        {
            "so_dinh_danh": ID_NUMBER,
            "ngay_sinh": "1980-05-10",
            "csrfmiddlewaretoken": citizen.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/tra-cuu/"},
    )
    assert answer.status_code == 200
    officer = requests.Session()
    officer.get(f"{base}/tai-khoan/dang-nhap/")
    logged_in = officer.post(
        f"{base}/tai-khoan/dang-nhap/",
        {
            "username": "qt",
            "password": PASSWORD,
            "csrfmiddlewaretoken": officer.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/tai-khoan/dang-nhap/"},
    )
    assert logged_in.status_code == 200 and "/tai-khoan/dang-nhap/" not in logged_in.url
    for query in (ID_NUMBER, NAME):
        searched = officer.post(
            f"{base}/thu-nhan/",
            {"q": query, "csrfmiddlewaretoken": officer.cookies["csrftoken"]},
            headers={"Referer": f"{base}/thu-nhan/"},
        )
        assert searched.status_code == 200 and searched.history
        listed = officer.get(f"{base}/admin/registry/person/", params={"q": query})
        assert listed.status_code == 200
        officer.get(f"{base}/thu-nhan/", headers={"Referer": f"{base}/?q={quote(query)}"})
    assert officer.get(f"{base}/don-vi/{ID_NUMBER}/").status_code == 404


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not start ({process.poll()})")


def _served(site, command: list[str], port: int, log: Path) -> str:
    env, where = site
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, cwd=where, stdout=output, stderr=output)
        try:
            _wait_for(port, process)
            _visit(f"http://127.0.0.1:{port}")
        finally:
            process.terminate()
            process.wait(timeout=30)
    return log.read_text()


def _holds_no_personal_data(text: str) -> None:
    assert personal_data_in(text.splitlines()) == []
    for value in (
        ID_NUMBER,
        NAME,
        quote(NAME),
        NAME.replace(" ", "+"),
        quote(NAME).replace("%20", "+"),
    ):
        assert value not in text
    assert "Nguy" not in text


def test_the_dev_servers_access_log_holds_no_id_number_or_name(site, tmp_path):
    port = _free_port()
    command = [sys.executable, "-m", "cancuoc.cli", "runserver", "--noreload", f"127.0.0.1:{port}"]
    text = _served(site, command, port, tmp_path / "runserver.log")
    assert '"POST /tra-cuu/ HTTP/1.1" 200' in text and '"POST /thu-nhan/ HTTP/1.1" 302' in text
    assert '"GET /admin/registry/person/?… HTTP/1.1" 200' in text
    assert "/don-vi/••••••••1234/" in text
    _holds_no_personal_data(text)


def test_gunicorns_access_log_holds_no_id_number_or_name(site, tmp_path):
    port = _free_port()
    access = tmp_path / "access.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cancuoc.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--logger-class",
        "cancuoc.lib.redact.GunicornLog",
        "--access-logfile",
        str(access),
        "--access-logformat",
        '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" %(q)s %(U)s',
    ]
    errors = _served(site, command, port, tmp_path / "gunicorn.log")
    text = access.read_text()
    assert '"POST /tra-cuu/ HTTP/1.1" 200' in text and '"POST /thu-nhan/ HTTP/1.1" 302' in text
    assert '"GET /admin/registry/person/?… HTTP/1.1" 200' in text
    assert "/don-vi/••••••••1234/" in text
    _holds_no_personal_data(text + errors)
