"""A long import keeps the planner's statistics of the register current (autovacuum skips
the tables each batch holds locked), so that a batch's look-ups probe the unique indexes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cancuoc.imports import services
from cancuoc.imports.services import person_import
from tests.conftest import person_record

from .conftest import canonical_csv


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statistics of PostgreSQL")
def test_the_looked_up_columns_are_analysed_each_time_the_accepted_rows_double(
    area, tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "STATISTICS_FROM_ROWS", 2)
    path = canonical_csv(tmp_path / "xa.csv", [person_record(ref=f"R{n}") for n in range(9)])

    with CaptureQueriesContext(connection) as queries:
        job = person_import(path=path, source="xa", batch_size=1).job

    assert job.rows_accepted == 9
    analysed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    # After the batches that take the accepted rows to 2, 4 and 8.
    assert (
        analysed
        == [
            'ANALYZE "registry_person" ("source", "source_ref", "personal_id")',
            'ANALYZE "registry_household" ("code")',
        ]
        * 3
    )
