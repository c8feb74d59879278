"""A real browser on a real server: log in, drill down, record an intake, see the figure
change, download the weekly report (the demo server and the browser: conftest.py)."""

import re
import subprocess
import sys
from datetime import date

from pypdf import PdfReader

from .conftest import figure, record_first_result, shot


def done_figure(page) -> int:
    return figure(page, "#done")


def test_an_officer_drills_down_records_an_intake_and_downloads_the_report(
    demo, browser_page, tmp_path
):
    base, username, password, env = demo.base, demo.username, demo.password, demo.env
    page = browser_page
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url(re.compile(r"/don-vi/38/"))
    assert "Thi đua" in page.content()
    shot(page, "1-province")

    page.locator("#ranking a").first.click()
    page.wait_for_url(re.compile(r"/don-vi/\d{5}/"))
    commune_url = page.url.split("?")[0]
    shot(page, "2-commune")
    villages = [a.get_attribute("href") for a in page.locator("#ranking a").all()]
    name = ""
    for href in villages:  # the first village with someone left to enrol
        page.goto(base + href)
        rows = page.locator("#worklist tbody tr td:nth-child(2)")
        if rows.count() and "Không còn" not in rows.first.inner_text():
            name = rows.first.inner_text()
            break
    assert name, "every village of the commune is done"
    shot(page, "3-village")

    today = date.today().isoformat()
    page.goto(f"{commune_url}?ngay={today}")
    before = done_figure(page)
    page.goto(f"{base}/thu-nhan/")
    page.fill("#checkin-search input[name=q]", name)
    page.click("#checkin-search button[type=submit]")
    record_first_result(page)
    shot(page, "4-checkin")
    page.goto(f"{commune_url}?ngay={today}")
    assert done_figure(page) == before + 1

    with page.expect_download() as download:
        page.click("text=Báo cáo tuần (DOCX)")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".docx" and saved.read_bytes()[:2] == b"PK"
    shot(page, "5-after")

    # The plan of the province, a commune's station and its booked days, a day's slips, and
    # the public page the QR code on a slip opens.
    page.goto(f"{base}/don-vi/38/ke-hoach/?ngay=2021-04-01")
    assert page.locator("#forecast tbody tr").count() > 1
    shot(page, "6-plan")
    page.goto(f"{commune_url}?ngay=2021-04-01")
    page.locator("p.stations a").first.click()
    page.wait_for_url(re.compile(r"/diem/DEMO-\d+/"))
    first_day = page.locator("#days tbody tr").first
    booked = int(first_day.locator("td:nth-child(4)").inner_text().replace(".", ""))
    assert booked > 0
    shot(page, "7-station")
    # The slips are made by a job (one PDF per village): its page, then each file it links.
    page.locator("#slips button.primary").click()
    page.wait_for_url(re.compile(r"/cong-viec/\d+/$"))
    page.wait_for_selector("#job-result a", timeout=120_000)  # reloaded once the job ends
    files = page.locator("#job-result a[href*='.pdf']")
    assert files.count() > 0
    text = ""
    for n in range(files.count()):
        with page.expect_download() as download:
            files.nth(n).click()
        slips = tmp_path / download.value.suggested_filename
        download.value.save_as(slips)
        text += " ".join(p.extract_text() for p in PdfReader(slips).pages)
    codes = re.findall(r"([2-9A-HJ-NP-Z]{10})Mã hẹn", text)  # the code, then its caption
    assert len(set(codes)) == booked, text[:500]
    page.goto(f"{base}/hen/{codes[0]}/")
    assert page.locator("#state").inner_text() == "Đã hẹn"
    shot(page, "8-public-appointment")

    # A wider pass of the matcher (the demo's model, nothing merged) queues the pairs it
    # scored; a reviewer, from the quality report, keeps the first one as two people.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cancuoc.cli",
            "dedup",
            "run",
            "--reuse",
            "--review",
            "-1000",
            "--auto-merge",
            "99",
        ],
        cwd=demo.cwd,
        env=env,
        check=True,
        capture_output=True,
    )
    page.goto(f"{base}/don-vi/38/chat-luong/?ngay=2021-04-01")
    page.click("#review-link")
    page.wait_for_url(re.compile(r"/don-vi/38/nghi-trung/"))
    waiting = int(page.locator("#to-review").inner_text())
    assert waiting > 0 and page.locator("section.pair").count() == min(waiting, 50)
    shot(page, "8b-duplicates")
    page.locator("section.pair button[value=distinct]").first.click()
    page.wait_for_selector("p.ok")
    assert int(page.locator("#to-review").inner_text()) == waiting - 1

    # What citizens see without a login: the commune's schedule with its fanpage post.
    commune = commune_url.rstrip("/").rsplit("/", 1)[-1]
    page.context.clear_cookies()
    page.goto(f"{base}/lich/{commune}/?ngay=2021-04-01")
    assert page.locator("#openings tbody tr").count() > 1
    assert "THÔNG BÁO LỊCH CẤP THẺ CĂN CƯỚC" in page.locator("#post").input_value()
    shot(page, "9-public-schedule")
    page.goto(f"{base}/tra-cuu/")
    page.fill("input[name=so_dinh_danh]", "038080001234")
    page.fill("input[name=ngay_sinh]", "1980-05-10")
    page.click("#lookup button[type=submit]")
    assert "Không tìm thấy" in page.locator("#result").inner_text()
    shot(page, "10-lookup")
