"""The same file twice changes nothing; a changed row is kept for review, never overwritten."""

import pytest
from django.utils import translation

from cancuoc.imports.models import ImportJob, RejectedRow
from cancuoc.imports.services import person_import
from cancuoc.registry.models import Card, Home, Household, Person, Residence
from tests.conftest import person_record

from .conftest import canonical_csv, family

TABLES = [Person, Household, Residence, Home, Card]


def counts() -> list[int]:
    return [model.objects.count() for model in TABLES]


@pytest.fixture
def commune_file(area, tmp_path):
    records = [*family("H1"), *family("H2", first_ref=10, unit="16001001")]
    issued = records[0].birth_date.replace(year=2005)
    card = dict(card_kind="cmnd9", card_number="172345678", card_issued_on=issued)
    records.append(person_record(ref="L1", **card))
    return canonical_csv(tmp_path / "xa.csv", records, extra_rows=[["BAD", "", "Lê Văn Sai"]])


def test_the_same_file_twice_changes_nothing(commune_file):
    first = person_import(path=commune_file, source="xa").job
    before = counts()

    second = person_import(path=commune_file, source="xa").job

    assert counts() == before == [7, 2, 7, 7, 1]
    assert (first.rows_read, first.rows_accepted, first.rows_rejected) == (8, 7, 1)
    assert (second.rows_read, second.rows_accepted, second.rows_merged) == (8, 0, 7)
    assert second.rows_rejected == 1  # the bad row is rejected again, and kept again
    assert RejectedRow.objects.filter(job=second).count() == 1
    assert ImportJob.objects.filter(status="done").count() == 2


def test_a_changed_row_is_rejected_with_the_columns_that_differ(commune_file, tmp_path):
    person_import(path=commune_file, source="xa")
    changed = canonical_csv(
        tmp_path / "xa-2.csv",
        [
            person_record(
                ref="F1", full_name="Nguyễn Văn Ân", household_code="H1", relation_to_head="chu_ho"
            )
        ],
    )

    job = person_import(path=changed, source="xa").job

    assert (job.rows_read, job.rows_rejected, job.rows_merged) == (1, 1, 0)
    [rejected] = job.rejected.all()
    assert rejected.column == "Mã bản ghi"
    assert "Họ, chữ đệm và tên" in rejected.reason and "DC02" in rejected.reason
    with translation.override("en"):
        assert "already in the register with other data" in rejected.reason
    assert Person.objects.get(source_ref="F1").full_name == "Nguyễn Văn An"


def test_another_source_with_the_same_refs_is_another_set_of_people(commune_file):
    person_import(path=commune_file, source="xa")
    job = person_import(path=commune_file, source="phuong").job
    # Household codes are national: the new members join the same households.
    assert (job.rows_accepted, job.rows_rejected) == (7, 1)
    assert Person.objects.count() == 14 and Household.objects.count() == 2
