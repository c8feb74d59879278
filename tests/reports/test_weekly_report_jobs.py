"""The weekly report as a background job: the same DOCX and XLSX as the direct calls, a PDF
when LibreOffice is there and a plain word when it is not, the files served only within the
area, one report per unit at a time, a cancel between steps, and Friday's schedule."""

import shutil
from datetime import date, datetime
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs.models import Job, JobStatus
from cancuoc.jobs.presenters import job_lines
from cancuoc.jobs.schedule import NIGHTLY, schedule_run
from cancuoc.jobs.services import JobBusy, job_run, job_submit
from cancuoc.planning.models import Target
from cancuoc.reports.weekly import weekly_docx, weekly_figures, weekly_xlsx
from cancuoc.reports.weekly_jobs import KIND, STEPS, report_folder
from tests.jobs.helpers import run_jobs
from tests.scheduling.cancelling import cancelled_at

pytestmark = pytest.mark.django_db
AS_OF = date(2021, 4, 9)  # a Friday
PARAMS = {"unit": "38", "as_of": AS_OF.isoformat()}
NAME = "bao-cao-tuan-38-20210409"


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.CANCUOC_FILES_DIR = tmp_path / "files"


@pytest.fixture
def province(area):
    Target.objects.create(
        unit=unit_by_code("38"), count=1000, start=date(2021, 3, 1), deadline=date(2021, 6, 17)
    )
    return unit_by_code("38")


def paragraphs(source) -> list[str]:
    return [p.text for p in Document(source).paragraphs]


def cells(source) -> list:
    book = load_workbook(source)
    return [row for sheet in book for row in sheet.iter_rows(values_only=True)]


def test_a_weekly_report_job_writes_what_the_direct_calls_write(province, tmp_path):
    figures = weekly_figures(province, AS_OF)
    docx = weekly_docx(figures, tmp_path / "direct.docx")
    xlsx = weekly_xlsx(figures, tmp_path / "direct.xlsx")
    job = job_submit(KIND, params=PARAMS, target="38", unit=province)

    [ended] = run_jobs()

    assert ended.status == JobStatus.DONE
    folder = report_folder(job.pk)
    assert paragraphs(folder / f"{NAME}.docx") == paragraphs(docx)
    assert cells(folder / f"{NAME}.xlsx") == cells(xlsx)
    assert (ended.done, ended.total) == (len(STEPS), len(STEPS))
    kinds = ["docx", "xlsx", "pdf"] if shutil.which("soffice") else ["docx", "xlsx"]
    assert sorted(ended.result["files"]) == sorted(kinds)  # (PostgreSQL's JSON keeps no order)
    links = [link for _label, _value, link in job_lines(ended) if link]
    assert links[0] == f"/don-vi/38/bao-cao-tuan/{job.pk}/?dinh_dang=docx"


def test_without_libreoffice_the_job_keeps_docx_and_xlsx_and_says_why(
    province, monkeypatch, client, django_user_model
):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    job_submit(KIND, params=PARAMS, target="38", unit=province)

    [ended] = run_jobs()

    assert ended.status == JobStatus.DONE and sorted(ended.result["files"]) == ["docx", "xlsx"]
    missing = ended.result["pdf_missing"]
    assert "Máy chủ chưa cài LibreOffice" in missing["vi"]
    assert "LibreOffice is not installed" in missing["en"] and "DOCX" in missing["en"]
    officer = _user(django_user_model, "tinh", Role.PROVINCE_COMMAND, "38")
    client.force_login(officer)
    page = client.get(f"/cong-viec/{ended.pk}/").content.decode()
    assert "Máy chủ chưa cài LibreOffice" in page
    client.cookies["django_language"] = "en"
    assert "LibreOffice is not installed" in client.get(f"/cong-viec/{ended.pk}/").content.decode()


def _user(django_user_model, name: str, role: Role, unit: str):
    user = django_user_model.objects.create_user(name, password="x" * 12)
    Assignment.objects.create(user=user, role=role, unit=unit_by_code(unit))
    return user


def test_the_files_are_served_within_the_area_only(province, client, django_user_model):
    job = job_submit(KIND, params=PARAMS, target="38", unit=province)
    run_jobs()
    url = f"/don-vi/38/bao-cao-tuan/{job.pk}/"

    client.force_login(_user(django_user_model, "xem-tinh", Role.VIEWER, "38"))
    answer = client.get(url, {"dinh_dang": "xlsx"})
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="{NAME}.xlsx"'
    assert cells(BytesIO(b"".join(answer.streaming_content)))[0] is not None
    assert client.get(url, {"dinh_dang": "exe"}).status_code == 404
    assert client.get(f"/don-vi/16000/bao-cao-tuan/{job.pk}/").status_code == 404  # other unit

    client.force_login(_user(django_user_model, "phuong-hai", Role.COMMUNE_OFFICER, "16001"))
    assert client.get(url).status_code == 404  # the province is not in a ward's area


def test_one_report_per_unit_at_a_time_and_a_cancel_leaves_no_file(province):
    job = job_submit(KIND, params=PARAMS, target="38", unit=province)
    with pytest.raises(JobBusy):
        job_submit(KIND, params=PARAMS | {"as_of": "2021-04-16"}, target="38", unit=province)

    ended = job_run(job, heartbeat=False, context_class=cancelled_at(STEPS[2]))

    assert ended.status == JobStatus.CANCELLED and not report_folder(job.pk).exists()


def test_the_schedule_makes_each_campaign_provinces_report_on_friday_afternoon(
    province, django_user_model
):
    _user(django_user_model, "xa", Role.COMMUNE_OFFICER, "16000")
    weekly = [entry for entry in NIGHTLY if entry.kind == KIND]
    assert schedule_run(datetime(2021, 4, 8, 17, 0), entries=weekly) == []  # a Thursday

    [job] = schedule_run(datetime(2021, 4, 9, 16, 30), entries=weekly)

    assert (job.params, job.target, job.unit) == (PARAMS, "38", province)
    [ended] = run_jobs()
    assert ended.status == JobStatus.DONE and "docx" in ended.result["files"]
    assert Job.objects.count() == 1
