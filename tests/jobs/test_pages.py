"""The job pages: one's own jobs and the area's; another's job is a 404; the page, its JSON
and its cancel button."""

import pytest

from cancuoc.accounts.models import Assignment, Role
from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs.models import Job, JobStatus
from cancuoc.jobs.services import job_submit


@pytest.fixture
def officer(area, django_user_model):
    user = django_user_model.objects.create_user("xa-mot", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    return user


@pytest.fixture
def other_officer(area, django_user_model):
    user = django_user_model.objects.create_user("phuong-hai", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16001"))
    return user


def test_a_job_page_shows_its_progress_and_its_json_follows(client, officer):
    job = job_submit("reports.rollups_rebuild", by=officer)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, stage="Đếm lại từ hồ sơ", done=1234, total=5000
    )
    client.force_login(officer)

    page = client.get(f"/cong-viec/{job.pk}/").content.decode()
    assert "Tính lại số liệu tổng hợp" in page and "Đếm lại từ hồ sơ" in page
    assert "1.234 / 5.000" in page and 'value="24"' in page and "/static/jobs/progress.js" in page
    assert f'action="/cong-viec/{job.pk}/huy/"' in page
    status = client.get(f"/cong-viec/{job.pk}/trang-thai.json").json()
    assert status | {"elapsed": "", "left": ""} == {
        "status": "running",
        "status_label": "đang chạy",
        "stage": "Đếm lại từ hồ sơ",
        "done": 1234,
        "total": 5000,
        "percent": 24,
        "figures": "1.234 / 5.000",
        "elapsed": "",
        "left": "",
        "ended": False,
    }
    client.cookies["django_language"] = "en"
    assert client.get(f"/cong-viec/{job.pk}/trang-thai.json").json()["stage"] == (
        "Recounting from the applications"
    )


def test_the_creator_cancels_a_queued_job(client, officer):
    job = job_submit("reports.rollups_rebuild", by=officer)
    client.force_login(officer)
    answer = client.post(f"/cong-viec/{job.pk}/huy/")
    assert answer.status_code == 302 and answer["Location"] == f"/cong-viec/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert "huy/" not in client.get(f"/cong-viec/{job.pk}/").content.decode()


def test_another_officers_job_is_not_found_and_not_listed(client, officer, other_officer):
    mine = job_submit("reports.rollups_rebuild", by=officer)
    client.force_login(other_officer)
    for url in (f"/cong-viec/{mine.pk}/", f"/cong-viec/{mine.pk}/trang-thai.json"):
        assert client.get(url).status_code == 404
    assert client.post(f"/cong-viec/{mine.pk}/huy/").status_code == 404
    assert f"/cong-viec/{mine.pk}/" not in client.get("/cong-viec/").content.decode()
    assert Job.objects.get().status == JobStatus.QUEUED


def test_a_job_about_a_unit_is_seen_by_the_officers_of_that_area_only(
    client, officer, other_officer, django_user_model
):
    superuser = django_user_model.objects.create_superuser("qt", password="x" * 12)
    job = job_submit(
        "imports.persons",
        params={"path": "/tmp/xa-mot.csv", "source": "xa-mot"},
        unit=unit_by_code("16000"),
        by=superuser,
    )
    client.force_login(officer)
    listing = client.get("/cong-viec/").content.decode()
    assert f"/cong-viec/{job.pk}/" in listing and "xa-mot.csv (xa-mot)" in listing
    page = client.get(f"/cong-viec/{job.pk}/").content.decode()
    assert "Nhập danh sách nhân khẩu" in page and "huy/" not in page  # not theirs to cancel
    assert client.post(f"/cong-viec/{job.pk}/huy/").status_code == 404
    client.force_login(other_officer)
    assert client.get(f"/cong-viec/{job.pk}/").status_code == 404
    client.force_login(superuser)
    assert client.post(f"/cong-viec/{job.pk}/huy/").status_code == 302
