"""A commune's file uploaded in the admin: handed to a background job that imports it as the
command would (the page answers at once with the job's page), rejected rows and the template
downloadable, only for users allowed to import."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.imports.models import ImportJob
from cancuoc.jobs.models import Job
from cancuoc.registry.models import Person
from tests.jobs.helpers import run_jobs

from .test_messy_workbook import messy_workbook

UPLOAD = "/admin/imports/importjob/upload/"


def admin_user(django_user_model, username: str):
    """Staff with a national assignment: who may open the admin at all (admin_site.py)."""
    user = django_user_model.objects.create_user(username, password="x" * 12, is_staff=True)
    Assignment.objects.create(user=user, role=Role.NATIONAL)
    return user


@pytest.fixture
def importer(django_user_model, client):
    user = admin_user(django_user_model, "tinh")
    user.user_permissions.add(
        Permission.objects.get(codename="add_importjob"),
        Permission.objects.get(codename="view_importjob"),
    )
    client.force_login(user)
    return user


def upload(client, path, **fields):
    file = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(UPLOAD, {"file": file, "source": "", **fields})


def upload_run(client, path, **fields):
    """Upload, run the job the upload queued (as the worker would), open the job's page."""
    response = upload(client, path, **fields)
    job = Job.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/cong-viec/{job.pk}/"
    run_jobs()
    return client.get(response["Location"])


def test_an_uploaded_workbook_is_imported_with_its_rejected_rows_downloadable(
    area, importer, client, tmp_path, settings
):
    listing = client.get("/admin/imports/importjob/")
    assert UPLOAD in listing.content.decode()

    page = upload_run(client, messy_workbook(tmp_path / "xa-mot.xlsx")).content.decode()

    job = ImportJob.objects.get()
    assert (job.file_name, job.source, job.status) == ("xa-mot.xlsx", "xa-mot", "done")
    assert (job.rows_read, job.rows_accepted, job.rows_rejected, job.rows_merged) == (10, 7, 3, 0)
    assert Person.objects.filter(source="xa-mot").count() == 7
    assert AuditEvent.objects.filter(action="import").count() == 1
    summary = "Tệp xa-mot.xlsx: 10 dòng đọc = 7 dòng nhập + 3 dòng bị loại + 0 dòng đã có trong sổ"
    assert summary in page and f'href="/admin/imports/importjob/{job.pk}/change/"' in page
    assert "3 dòng bị loại, 1 cảnh báo (XLSX)" in page
    assert not any((settings.CANCUOC_IMPORT_DIR / "uploads").iterdir())  # the copy is gone
    page = client.get(f"/admin/imports/importjob/{job.pk}/change/").content.decode()
    assert "3 dòng bị loại, 1 cảnh báo (XLSX)" in page and "Trang tính “Hướng dẫn”" in page

    rejected = client.get(f"/admin/imports/importjob/{job.pk}/rejected.xlsx")
    book = load_workbook(io.BytesIO(b"".join(rejected.streaming_content)))
    rows = list(book["Dòng bị loại"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Trang tính", "Dòng", "Cột", "Lý do")
    assert {(r[0], r[1]) for r in rows[1:]} == {("Thôn 1", 10), ("Thôn 1", 12), ("Tổ 1", 3)}
    client.cookies["django_language"] = "en"
    rejected = client.get(f"/admin/imports/importjob/{job.pk}/rejected.xlsx")
    book = load_workbook(io.BytesIO(b"".join(rejected.streaming_content)))
    rows = list(book["Rejected rows"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Sheet", "Row", "Column", "Reason")
    assert any("is not a real date" in row[3] for row in rows[1:])
    del client.cookies["django_language"]

    upload_run(client, messy_workbook(tmp_path / "xa-mot.xlsx"))  # the same file twice
    assert Person.objects.filter(source="xa-mot").count() == 7


def test_an_upload_asks_for_the_matching_that_needs_a_trained_model(
    area, importer, client, tmp_path
):
    form = client.get(UPLOAD).content.decode()
    assert 'name="dedup"' in form and "checked" in form.split('name="dedup"')[1].split(">")[0]
    page = upload_run(client, messy_workbook(tmp_path / "xa-hai.xlsx"), dedup="on")
    page = page.content.decode()
    assert "chưa có mô hình dò trùng: chạy `cancuoc dedup run` cho cả tỉnh trước" in page
    assert Person.objects.filter(source="xa-hai").count() == 7  # imported all the same


def test_a_dry_run_writes_nothing_and_shows_the_errors(area, importer, client, tmp_path):
    page = upload_run(client, messy_workbook(tmp_path / "xa-mot.xlsx"), dry_run="on")

    page = page.content.decode()
    assert "Chỉ kiểm tra, chưa ghi gì" in page and "Tệp xa-mot.xlsx: 10 dòng đọc" in page
    assert "Thôn 1, dòng 10, cột “Ngay, thang, nam sinh (*)”: “31/02/1990” không phải" in page
    assert not ImportJob.objects.exists() and not Person.objects.exists()


def test_a_dry_run_speaks_english_to_who_chose_it(area, importer, client, tmp_path):
    client.cookies["django_language"] = "en"
    page = upload_run(client, messy_workbook(tmp_path / "xa-mot.xlsx"), dry_run="on")
    page = page.content.decode()
    assert "Checked only, nothing written" in page and "File xa-mot.xlsx: 10 rows read" in page
    assert "Thôn 1, row 10, column “Ngay, thang, nam sinh (*)”: “31/02/1990” is not a" in page
    assert "không phải ngày có thật" not in page and "Import a list of persons" in page


def test_a_file_that_is_not_a_list_is_refused_with_the_reason(area, importer, client, tmp_path):
    pdf = tmp_path / "danh-sach.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    refused = upload(client, pdf)
    assert refused.status_code == 200
    assert "không đọc được tệp danh-sach.pdf: hãy lưu thành .xlsx hoặc .csv" in (
        refused.content.decode()
    )

    headless = tmp_path / "ghi-chu.csv"
    headless.write_text("chỉ là ghi chú\nkhông có tiêu đề\n", encoding="utf-8")
    refused = upload_run(client, headless)
    page = refused.content.decode()
    assert "ghi-chu.csv (ghi-chu)" in page
    assert "không tìm thấy dòng tiêu đề danh sách nhân khẩu" in page
    assert not ImportJob.objects.exists() and Job.objects.get().status == "failed"


def test_only_users_allowed_to_import_may_upload(area, django_user_model, client, tmp_path):
    viewer = admin_user(django_user_model, "xem")
    viewer.user_permissions.add(Permission.objects.get(codename="view_importjob"))
    client.force_login(viewer)

    assert client.get(UPLOAD).status_code == 403
    assert upload(client, messy_workbook(tmp_path / "xa.xlsx")).status_code == 403
    assert UPLOAD not in client.get("/admin/imports/importjob/").content.decode()
    assert not ImportJob.objects.exists()


def test_the_template_downloads_from_the_admin(importer, client):
    response = client.get("/admin/imports/importjob/template.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book["Danh sách"]["B1"].value == "Số định danh cá nhân"


def test_a_matching_that_fails_keeps_the_upload_and_says_so(
    area, importer, client, tmp_path, monkeypatch
):
    from cancuoc.dedup import jobs as dedup_jobs

    def broken(**_):
        raise RuntimeError("DuckDB ran out of memory")

    monkeypatch.setattr(dedup_jobs, "job_match", broken)
    page = upload_run(client, messy_workbook(tmp_path / "xa-ba.xlsx"), dedup="on")
    page = page.content.decode()
    job = ImportJob.objects.get()
    assert f"chạy lại `cancuoc dedup run --job {job.pk}`" in page
    assert Person.objects.filter(source="xa-ba").count() == 7
