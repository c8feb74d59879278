import csv
from pathlib import Path

import pytest

from cancuoc.registry.canonical import HEADERS, to_row
from tests.conftest import person_record


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    """Copies of imported files go to the test's own folder."""
    settings.CANCUOC_IMPORT_DIR = tmp_path / "kept"


def canonical_csv(path: Path, records, *, extra_rows=()) -> Path:
    """A canonical persons.csv of these PersonRecords (then any raw rows, as lists)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(to_row(r) for r in records)
        writer.writerows(extra_rows)
    return path


def family(code: str, *, size: int = 3, first_ref: int = 1, unit: str = "16000001"):
    """A household: its head, then children; refs F<first_ref>…"""
    head = person_record(
        ref=f"F{first_ref}", household_code=code, relation_to_head="chu_ho", permanent_unit=unit
    )
    children = [
        person_record(
            ref=f"F{first_ref + n}",
            household_code=code,
            relation_to_head="con",
            full_name=f"Nguyễn Văn Con{n}",
            permanent_unit=unit,
        )
        for n in range(1, size)
    ]
    return [head, *children]
