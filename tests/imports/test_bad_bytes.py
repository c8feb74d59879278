"""A CSV with one byte that is not UTF-8 after thousands of good rows (issue 15, item 8):
the whole file is decoded before any row is written, so nothing is, and the error says where;
an upload is imported whole or not at all, never a 500."""

import pytest
from django.core.management import CommandError, call_command

from cancuoc.imports import services
from cancuoc.imports.errors import ImportFileError
from cancuoc.imports.models import ImportJob
from cancuoc.imports.services import person_import
from cancuoc.registry.models import Person
from tests.conftest import person_record

from .conftest import canonical_csv
from .test_admin_upload import importer, upload  # noqa: F401 (a fixture)


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
    response = upload(client, stray_byte)

    assert response.status_code == 200
    assert "xa-loi.csv: tệp xa-loi.csv không phải văn bản UTF-8" in response.content.decode()
    assert WHERE in response.content.decode()
    assert not Person.objects.exists()


def test_an_upload_that_fails_half_way_writes_nothing_and_its_job_says_why(
    area,
    importer,  # noqa: F811
    client,
    tmp_path,
    monkeypatch,
):
    path = canonical_csv(tmp_path / "xa-hai-lo.csv", [person_record() for _ in range(6000)])
    load = services.register_load
    calls = []

    def second_batch_fails(**arguments):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return load(**arguments)

    monkeypatch.setattr(services, "register_load", second_batch_fails)
    response = upload(client, path)

    assert response.status_code == 200
    assert "xa-hai-lo.csv: nhập không thành công (RuntimeError), không ghi dòng nào" in (
        response.content.decode()
    )
    assert len(calls) == 2 and not Person.objects.exists()
    job = ImportJob.objects.get()
    assert (job.status, job.rows_read, job.error) == ("failed", 0, "RuntimeError: the disk is full")

    monkeypatch.setattr(services, "register_load", load)
    assert upload(client, path).status_code == 302  # the same file again: imported whole
    assert Person.objects.count() == 6000
    assert ImportJob.objects.get().status == "done"
