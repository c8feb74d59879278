"""The README's first command ends in ``cancuoc demo``: run it for real and ask its page."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_demo_builds_a_province_and_serves_its_page(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CANCUOC_DB_PATH"] = str(tmp_path / "demo.sqlite3")
    process = subprocess.Popen(
        [sys.executable, "-m", "cancuoc.cli", "demo", "--people", "1500", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = ""
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            output += line
            if "mật khẩu / password" in line or process.poll() is not None:
                break
        match = re.search(r"login: (\S+)\s+mật khẩu / password: (\S+)", output)
        assert match, output
        assert "Thanh Hóa" in output
        base = f"http://127.0.0.1:{port}"
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        body = ""
        while time.monotonic() < deadline and not body:
            try:
                body = browser.open(f"{base}/tai-khoan/dang-nhap/").read().decode()
            except OSError:
                time.sleep(0.3)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": match[1], "password": match[2], "next": "/"}
        ).encode()
        page = browser.open(
            urllib.request.Request(f"{base}/tai-khoan/dang-nhap/?next=/", data=form)
        )
        html = page.read().decode()
        assert page.url == f"{base}/don-vi/38/"
        assert "Thanh Hóa" in html and "đã thu nhận" in html and "Thi đua" in html
    finally:
        process.terminate()
        process.wait(timeout=20)
