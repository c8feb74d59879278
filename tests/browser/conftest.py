"""A real browser on a real server: one demo province served for the whole browser suite
(a subprocess on a database of its own: a file on SQLite; a fresh database on PostgreSQL when
DATABASE_URL points to one); Debian's Chromium driven by Playwright; screenshots kept in
browser-screenshots/ (not pytest-playwright's test-results/, which it empties at the start of
every pytest session)."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path("browser-screenshots")
AS_OF = "2021-04-01"  # the demo's day (CANCUOC_AS_OF)


def pytest_collection_modifyitems(items):
    if CHROMIUM is None and not os.getenv("CI"):
        skip = pytest.mark.skip(reason="Debian's chromium is installed by .ci/run")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@dataclass
class Demo:
    base: str
    username: str
    password: str
    env: dict
    cwd: Path

    def shell(self, code: str):
        """Run Python in the demo's Django (its database), return what it prints as JSON."""
        done = subprocess.run(
            [sys.executable, "-m", "cancuoc.cli", "shell", "-c", code],
            cwd=self.cwd,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        printed = [line for line in done.stdout.splitlines() if line.startswith("{")]
        assert printed, f"the demo's shell printed no answer: {done.stdout} {done.stderr}"
        return json.loads(printed[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = "cancuoc_browser"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    else:
        env["CANCUOC_DB_PATH"] = str(tmp_path / "browser.sqlite3")
    return env


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    if CHROMIUM is None:
        pytest.fail("no chromium: .ci/run installs Debian's chromium")
    tmp_path = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = database_env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "cancuoc.cli", "demo", "--people", "1500", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = ""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        output += line
        if "password:" in line:
            break
    login = re.search(r"login: (\S+)\s.*?password: (\S+)", output)
    assert login, output
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    env = env | {"CANCUOC_AS_OF": AS_OF}
    yield Demo(base, login[1], login[2], env, tmp_path)
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    """A desktop page in a Vietnamese browser, as the first browser test always had."""
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    yield context.new_page()
    context.close()


def open_page(browser, *, locale: str, width: int, bypass_csp: bool = False):
    """A page in a browser of that locale and width (390: a phone, 1366: a laptop)."""
    height = 844 if width < 600 else 768
    context = browser.new_context(
        accept_downloads=True,
        locale=locale,
        viewport={"width": width, "height": height},
        is_mobile=width < 600,
        has_touch=width < 600,
        bypass_csp=bypass_csp,
    )
    return context.new_page()


def log_in(page, demo: Demo, *, language: str = "vi") -> None:
    """Log in as the demo's officer; then choose the page language with the header's switch
    (Vietnamese whatever the browser's locale, until one asks for English)."""
    page.goto(f"{demo.base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", demo.username)
    page.fill("input[name=password]", demo.password)
    page.click("form.login button[type=submit]")
    page.wait_for_url(re.compile(r"/don-vi/"))
    current = page.locator("html").get_attribute("lang")
    if current != language:
        page.click(f"form.language button[value={language}]")
        page.wait_for_function(f"document.documentElement.lang === '{language}'")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def figure(page, selector: str) -> int:
    """A figure as shown (1.324 or 1,324), as a number."""
    return int(re.sub(r"\D", "", page.locator(selector).first.inner_text()))


def record_first_result(page) -> None:
    row = page.locator("#results form.record").first
    confirm = row.locator("input[name=confirm]")
    if confirm.count():
        confirm.check()
    row.locator("button.primary").click()
    page.wait_for_selector("p.ok")
