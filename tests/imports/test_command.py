"""`cancuoc import`: dry run, the template, the rejected rows."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cancuoc.imports.models import ImportJob
from cancuoc.registry.models import Household, Person
from tests.conftest import person_record

from .conftest import canonical_csv, family


def run(*args) -> str:
    out = io.StringIO()
    call_command("import", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_dry_run_counts_exactly_and_writes_nothing(area, tmp_path, settings):
    path = canonical_csv(tmp_path / "xa.csv", [*family("H1"), person_record(permanent_unit="9")])

    output = run(path, "--source", "xa", "--dry-run", "--batch-size", "2")

    assert "4 dòng đọc / read = 3 nhập / accepted + 1 loại / rejected + 0 đã có" in output
    assert "xa.csv, dòng 5, cột “Mã đơn vị thường trú”: không có đơn vị mã 00009" in output
    assert "không có đơn vị mã 00009" in output
    assert not Person.objects.exists() and not Household.objects.exists()
    assert not ImportJob.objects.exists() and not settings.CANCUOC_IMPORT_DIR.exists()


def test_the_template_filled_in_imports_and_the_rejects_come_back(area, tmp_path, settings):
    template = tmp_path / "mau.xlsx"
    run("--template", template)
    book = load_workbook(template)
    sheet = book["Danh sách"]
    sheet.append(["1", "", "Lê Thị Lan", "12/05/1990", "Nữ"] + [""] * 8 + ["16000002"])
    sheet.append(["2", "", "Lê Văn Nam", "12/05/1990", "Không rõ"] + [""] * 8 + ["16000002"])
    book.save(template)
    rejected = tmp_path / "loai.xlsx"

    output = run(template, "--source", "thon-2", "--rejected", rejected)

    assert "2 dòng đọc / read = 1 nhập / accepted + 1 loại / rejected" in output
    assert Person.objects.get().full_name == "Lê Thị Lan"
    rows = list(load_workbook(rejected)["Dòng bị loại"].iter_rows(values_only=True))
    assert rows[1][:3] == ("Danh sách", 3, "Giới tính") and "Không rõ" in rows[1][3]
    job = ImportJob.objects.get()
    assert (settings.CANCUOC_IMPORT_DIR / f"{job.sha256}.xlsx").read_bytes() == (
        template.read_bytes()
    )


def test_the_new_records_are_matched_only_once_a_model_is_trained(area, tmp_path):
    path = canonical_csv(tmp_path / "xa.csv", family("H1"))
    assert "chưa có mô hình dò trùng: chạy `cancuoc dedup run`" in run(path, "--source", "xa")
    again = canonical_csv(tmp_path / "thon.csv", family("H2", first_ref=10))
    assert "dedup" not in run(again, "--source", "thon", "--no-dedup")


def test_a_matching_that_fails_after_the_import_says_how_to_run_it_again(
    area, tmp_path, monkeypatch
):
    from cancuoc.dedup import jobs as dedup_jobs

    def broken(**_):
        raise RuntimeError("DuckDB ran out of memory")

    monkeypatch.setattr(dedup_jobs, "job_match", broken)
    path = canonical_csv(tmp_path / "xa.csv", family("H1"))
    with pytest.raises(CommandError) as raised:
        run(path, "--source", "xa")
    job = ImportJob.objects.get()
    assert (
        f"đã nhập xong nhưng dò trùng lỗi: DuckDB ran out of memory; chạy lại `cancuoc dedup "
        f"run --job {job.pk}`" in str(raised.value)
    )
    assert (job.status, Person.objects.count()) == ("done", 3)  # the import stands
