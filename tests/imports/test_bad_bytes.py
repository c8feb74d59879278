"""A CSV with one byte that is not UTF-8 after thousands of good rows (issue 15, item 8):
the whole file is decoded before any row is written, so nothing is, and the error says where;
an upload (a job of batches) says where, never a 500."""

import pytest
from django.core.management import CommandError, call_command

from cancuoc.imports import services
from cancuoc.imports.errors import ImportFileError
from cancuoc.imports.models import ImportJob
from cancuoc.imports.services import person_import
from cancuoc.jobs.models import Job
from cancuoc.registry.models import Person
from tests.conftest import person_record

from .conftest import canonical_csv
from .test_admin_upload import importer, upload_run  # noqa: F401 (a fixture)


@pytest.fixture
def stray_byte(tmp_path):
    """6,000 good rows in UTF-8 (with Vietnamese letters), then a row with byte 0x90."""
    path = canonical_csv(tmp_path / "xa-loi.csv", [person_record() for _ in range(6000)])
    with path.open("ab") as handle:
        handle.write(b"B1,,Nguy\x90n V\xc4\x83n B,01/01/1990,Nam\n")
    return path


WHERE = "byte 0x90 ở dòng 6,002"


def test_a_stray_byte_after_6000_rows_imports_nothing_and_says_where(area, stray_byte):
    with pytest.raises(ImportFileError) as refused:
        person_import(path=stray_byte)

    assert WHERE in str(refused.value) and "không nhập dòng nào" in str(refused.value)
    assert not Person.objects.exists() and not ImportJob.objects.exists()


def test_the_command_says_where_the_stray_byte_is(area, stray_byte):
    with pytest.raises(CommandError, match=WHERE):
        call_command("import", str(stray_byte), "--no-dedup")
    assert not Person.objects.exists()


def test_an_upload_with_a_stray_byte_is_refused_with_where_not_a_500(
    area,
    importer,  # noqa: F811
    client,
    stray_byte,
):
    page = upload_run(client, stray_byte).content.decode()

    assert "tệp xa-loi.csv không phải văn bản UTF-8" in page and WHERE in page
    assert not Person.objects.exists() and Job.objects.get().status == "failed"


def test_an_upload_that_fails_half_way_keeps_its_batches_and_resumes(
    area,
    importer,  # noqa: F811
    client,
    tmp_path,
    monkeypatch,
):
    """An upload is a job of batches (it used to be imported whole or not at all): what was
    committed stays, the job's page says why it stopped, and the same file again resumes."""
    path = canonical_csv(tmp_path / "xa-hai-lo.csv", [person_record() for _ in range(6000)])
    load = services.register_load
    calls = []

    def second_batch_fails(**arguments):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return load(**arguments)

    monkeypatch.setattr(services, "register_load", second_batch_fails)
    page = upload_run(client, path).content.decode()

    assert "RuntimeError: the disk is full" in page
    assert len(calls) == 2 and Person.objects.count() == 5000
    job = ImportJob.objects.get()
    assert (job.status, job.rows_read, job.error) == (
        "failed",
        5000,
        "RuntimeError: the disk is full",
    )

    monkeypatch.setattr(services, "register_load", load)
    page = upload_run(client, path).content.decode()  # the same file again: resumed
    assert "tiếp tục lần nhập dở" in page
    assert Person.objects.count() == 6000
    assert ImportJob.objects.get().status == "done"
