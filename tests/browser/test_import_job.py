"""A commune's file uploaded in the admin becomes a background job: the browser lands on the
job's page at once, sees its progress change as the demo's worker runs it (the page polls
its JSON), and finds the result: the rows accepted and rejected, a link to the import."""

import re
import time

from .conftest import log_in, open_page, shot

# A commune's file of the demo province (the same villages: the demo's seed), 6,000 rows:
# two batches of the upload's 5,000, then the matching of the new records.
COMMUNE_FILE = """
import json
from pathlib import Path
from cancuoc.synth.files import synth_write
from cancuoc.synth.generator import synth_province
out = Path("upload-file")
synth_write(synth_province(province="38", people=6000, seed=2021), out)
print(json.dumps({"path": str((out / "persons.csv").resolve())}))
"""


def test_an_upload_shows_its_progress_and_its_result(demo, browser):
    path = demo.shell(COMMUNE_FILE)["path"]
    page = open_page(browser, locale="vi-VN", width=1366)
    log_in(page, demo)
    page.goto(f"{demo.base}/admin/imports/importjob/upload/")
    page.set_input_files("input[name=file]", path)
    page.fill("input[name=source]", "xa-tai-len")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/cong-viec/\d+/$"))

    seen = set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            if page.locator("#job-result").count():
                break
            seen.add(
                (
                    page.locator("#job-status").inner_text(),
                    page.locator("#job-stage").inner_text(),
                    page.locator("#job-figures").inner_text(),
                )
            )
        except Exception:  # the page reloads itself once the job has ended
            pass
        time.sleep(0.1)
    shot(page, "import-job-done")
    assert len(seen) >= 2, f"the progress never changed on the page: {seen}"
    assert any(stage for _, stage, _ in seen), seen
    result = page.locator("#job-result").inner_text()
    assert re.search(
        r"persons\.csv: [\d.]+ dòng đọc = [\d.]+ dòng nhập \+ [\d.]+ dòng bị loại", result
    )
    link = page.locator("#job-result a[href*='/admin/imports/importjob/']").first
    assert page.locator("#job-status").inner_text() == "xong"
    link.click()
    page.wait_for_url(re.compile(r"/admin/imports/importjob/\d+/change/"))
    assert "xa-tai-len" in page.content()
