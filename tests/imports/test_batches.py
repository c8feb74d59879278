"""Batches commit one by one; where the batch boundaries fall never changes the outcome, nor
whether the file is read in a second process (imports/pipeline.py)."""

import multiprocessing

import pytest

from cancuoc.imports import pipeline, services
from cancuoc.imports.models import ImportJob
from cancuoc.imports.services import person_import
from cancuoc.registry import personal_id
from cancuoc.registry.models import Household, Person
from tests.conftest import person_record

from .conftest import canonical_csv, family


def an_id(serial: int) -> str:
    return personal_id.generate(province_code="038", birth_year=1980, sex="M", serial=serial)


@pytest.fixture
def commune_file(area, tmp_path):
    children_first = list(reversed(family("H1", size=4)))  # the head comes last
    records = [
        *children_first,
        person_record(ref="A", personal_id=an_id(1)),
        person_record(ref="B", personal_id=an_id(1)),  # the same number as A
        person_record(ref="C", personal_id=an_id(2)),
        person_record(ref="A", personal_id=an_id(1)),  # A again, the same: merged
        person_record(ref="C", personal_id=an_id(2), phone="0900000000"),  # C, changed
        *family("H2", size=3, first_ref=20, unit="16001001"),
    ]
    return canonical_csv(tmp_path / "xa.csv", records)


def outcome() -> tuple:
    job = ImportJob.objects.get(status="done")
    return (
        (job.rows_read, job.rows_accepted, job.rows_rejected, job.rows_merged),
        sorted(Person.objects.values_list("source_ref", "personal_id", "household__code")),
        sorted(Household.objects.values_list("code", "head__source_ref")),
        sorted(job.rejected.values_list("row", "column")),
    )


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5000])
@pytest.mark.parametrize("fork_from_rows", [0, 10**9], ids=["forked-reader", "reader-here"])
def test_the_outcome_is_the_same_for_any_batch_size_and_reader(
    commune_file, batch_size, fork_from_rows, settings
):
    settings.CANCUOC_IMPORT_FORK_FROM_ROWS = fork_from_rows
    person_import(path=commune_file, source="xa", batch_size=batch_size)

    assert not multiprocessing.active_children()
    assert outcome() == (
        (12, 9, 2, 1),
        sorted(
            [("A", an_id(1), None), ("C", an_id(2), None)]
            + [(f"F{n}", "", "H1") for n in (1, 2, 3, 4)]
            + [(f"F{n}", "", "H2") for n in (20, 21, 22)]
        ),
        [("H1", "F1"), ("H2", "F20")],
        [(7, "Số định danh cá nhân"), (10, "Mã bản ghi")],
    )


def test_a_run_stopped_by_an_error_resumes_after_the_last_whole_batch(commune_file, monkeypatch):
    real_load, loads = services.register_load, []

    def failing_third(**kwargs):
        loads.append(1)
        if len(loads) == 3:
            raise RuntimeError("disk full")
        return real_load(**kwargs)

    monkeypatch.setattr(services, "register_load", failing_third)
    with pytest.raises(RuntimeError):
        person_import(path=commune_file, source="xa", batch_size=2)
    job = ImportJob.objects.get()
    assert (job.status, job.batches_done, job.row) == ("failed", 2, 5)
    assert job.error == "RuntimeError: disk full"
    assert Person.objects.count() == 4

    monkeypatch.setattr(services, "register_load", real_load)
    again = person_import(path=commune_file, source="xa", batch_size=2)

    assert again.resumed and again.job.pk == job.pk
    resumed = outcome()
    Person.objects.all().delete()
    Household.objects.all().delete()
    ImportJob.objects.all().delete()
    person_import(path=commune_file, source="xa", batch_size=5000)
    assert resumed == outcome()


def test_an_error_in_the_reading_process_stops_the_import_with_its_message(
    commune_file, monkeypatch, settings
):
    settings.CANCUOC_IMPORT_FORK_FROM_ROWS = 0
    real_parse = pipeline.row_parse

    def failing_on_row_6(row, **kwargs):  # runs in the forked reader
        if row.number == 6:
            raise OSError("read error on row 6")
        return real_parse(row, **kwargs)

    monkeypatch.setattr(pipeline, "row_parse", failing_on_row_6)
    with pytest.raises(OSError, match="read error on row 6"):
        person_import(path=commune_file, source="xa", batch_size=2)

    job = ImportJob.objects.get()
    assert (job.status, job.batches_done, job.row) == ("failed", 2, 5)
    assert job.error == "OSError: read error on row 6"
    assert not multiprocessing.active_children()


def test_an_error_in_the_writer_stops_the_reading_process(commune_file, monkeypatch, settings):
    settings.CANCUOC_IMPORT_FORK_FROM_ROWS = 0
    real_load, loads = services.register_load, []

    def failing_second(**kwargs):
        loads.append(1)
        if len(loads) == 2:
            raise RuntimeError("disk full")
        return real_load(**kwargs)

    monkeypatch.setattr(services, "register_load", failing_second)
    with pytest.raises(RuntimeError, match="disk full"):
        person_import(path=commune_file, source="xa", batch_size=1)

    assert ImportJob.objects.get().batches_done == 1
    assert not multiprocessing.active_children()
