"""Files made to hurt (issue 15, item 2): refused before they are read, with the limit they
broke, nothing written; a cell too long rejects its row only."""

import csv

import pytest
from django.core.management import CommandError, call_command

from cancuoc.imports.errors import ImportFileError
from cancuoc.imports.limits import ImportLimits
from cancuoc.imports.models import ImportJob, RejectedRow
from cancuoc.imports.services import person_import
from cancuoc.registry.canonical import HEADERS, to_row
from cancuoc.registry.models import Person
from tests.conftest import person_record

from .conftest import canonical_csv
from .hostile import headerless_rows, shared_string_bomb, xlsx_write
from .test_admin_upload import importer, upload_run  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """410 KB that unpack to 400 MB: one name of 400 million letters."""
    return shared_string_bomb(tmp_path_factory.mktemp("bomb") / "xa-bom.xlsx")


@pytest.fixture(scope="module")
def two_million_rows(tmp_path_factory):
    return headerless_rows(tmp_path_factory.mktemp("rows") / "hai-trieu-dong.xlsx")


def test_an_xlsx_whose_one_string_unpacks_to_400_mb_is_refused_before_it_is_read(area, bomb):
    assert bomb.stat().st_size < 1024 * 1024

    with pytest.raises(ImportFileError) as refused:
        person_import(path=bomb)

    said = str(refused.value)
    assert "xa-bom.xlsx" in said and "xl/sharedStrings.xml" in said
    assert "CANCUOC_IMPORT_MAX_COMPRESSION_RATIO" in said
    assert not Person.objects.exists() and not ImportJob.objects.exists()


def test_an_xlsx_over_the_unpacked_size_is_refused_naming_that_limit(area, bomb, settings):
    settings.CANCUOC_IMPORT_MAX_COMPRESSION_RATIO = 10_000
    settings.CANCUOC_IMPORT_MAX_UNCOMPRESSED_MB = 300
    with pytest.raises(ImportFileError, match="CANCUOC_IMPORT_MAX_UNCOMPRESSED_MB"):
        person_import(path=bomb)
    settings.CANCUOC_IMPORT_MAX_UNCOMPRESSED_MB = 1024
    with pytest.raises(ImportFileError, match="CANCUOC_IMPORT_MAX_SHARED_STRINGS_MB"):
        person_import(path=bomb)
    assert not Person.objects.exists()


def test_an_uploaded_bomb_is_answered_with_the_limit_not_a_500(area, importer, client, bomb):  # noqa: F811
    page = upload_run(client, bomb).content.decode()

    assert "tệp xa-bom.xlsx: phần xl/sharedStrings.xml nén 1,029 lần" in page
    assert not Person.objects.exists() and not ImportJob.objects.exists()


def test_an_upload_of_two_million_rows_without_a_header_stops_at_the_row_limit(
    area,
    importer,  # noqa: F811
    client,
    two_million_rows,
):
    page = upload_run(client, two_million_rows).content.decode()

    assert "tệp hai-trieu-dong.xlsx: quá 300,000 dòng" in page
    assert not Person.objects.exists() and not ImportJob.objects.exists()


def test_the_command_stops_a_file_over_its_own_row_limit(area, two_million_rows, settings):
    settings.CANCUOC_IMPORT_MAX_ROWS = 1_000_000
    with pytest.raises(CommandError, match="quá 1,000,000 dòng"):
        call_command("import", str(two_million_rows), "--no-dedup")
    assert not Person.objects.exists()


def test_a_csv_over_the_row_limit_stops_early_and_imports_nothing(area, tmp_path, settings):
    settings.CANCUOC_IMPORT_MAX_ROWS = 50
    path = canonical_csv(tmp_path / "dai.csv", [person_record() for _ in range(60)])

    with pytest.raises(ImportFileError, match="quá 50 dòng"):
        person_import(path=path)
    assert not Person.objects.exists() and not ImportJob.objects.exists()


def test_a_sheet_naming_a_far_row_or_column_is_refused_by_the_number_it_names(area, tmp_path):
    """openpyxl fills the gap up to a far row or column with empty cells: minutes of CPU."""
    far = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
    far_row = xlsx_write(tmp_path / "xa-xa.xlsx", ['<row r="1"><c r="A1"><v>1</v></c></row>', far])
    wide = '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'
    far_column = xlsx_write(tmp_path / "xa-rong.xlsx", [wide])

    with pytest.raises(ImportFileError, match="quá 300,000 dòng"):
        person_import(path=far_row, limits=ImportLimits.from_settings(upload=True))
    with pytest.raises(ImportFileError, match="16,384 cột, quá giới hạn 200 cột"):
        person_import(path=far_column)


def test_a_row_of_many_cells_all_named_a1_is_refused_by_its_count_of_cells(area, tmp_path):
    """300,000 cells in one row, each saying it is A1: 40 KB zipped, 200 MB once openpyxl
    has built the row; its width is the number of its cells, whatever they are named."""
    cells = (f"<c r='A1'><v>{n}</v></c>" for n in range(300_000))  # compresses ~170 times
    crowded = xlsx_write(tmp_path / "chat.xlsx", ["<row r='1'>", *cells, "</row>"])
    with pytest.raises(ImportFileError, match=r"[\d,]+ cột, quá giới hạn 200 cột"):
        person_import(path=crowded, limits=ImportLimits.from_settings(upload=True))
    assert not Person.objects.exists()


def test_a_csv_row_wider_than_the_limit_is_refused_with_its_line(area, tmp_path, settings):
    settings.CANCUOC_IMPORT_MAX_COLUMNS = 30
    path = canonical_csv(tmp_path / "rong.csv", [person_record()], extra_rows=[["x"] * 31])
    with pytest.raises(ImportFileError, match="dòng 3: 31 cột"):
        person_import(path=path)
    assert not Person.objects.exists()


def test_a_csv_cell_longer_than_the_csv_module_reads_is_a_clear_file_error(area, tmp_path):
    path = canonical_csv(tmp_path / "o-dai.csv", [person_record()])
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"B1,,{'A' * 200_000},01/01/1990,Nam\n")

    with pytest.raises(ImportFileError, match="dòng 3: không đọc được CSV"):
        person_import(path=path)
    assert not Person.objects.exists()


def test_a_cell_longer_than_the_limit_rejects_its_row_with_row_and_column(area, tmp_path):
    rows = [to_row(person_record(ref=f"R{n}")) for n in range(1, 4)]
    rows[1][2] = "A" * 1001  # the name
    with (tmp_path / "ghi-chu.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADERS, "Ghi chú"])
        writer.writerows([[*rows[0], "ngắn"], [*rows[1], ""], [*rows[2], "B" * 5000]])

    job = person_import(path=tmp_path / "ghi-chu.csv").job

    assert (job.rows_read, job.rows_accepted, job.rows_rejected) == (3, 1, 2)
    assert Person.objects.get().source_ref == "R1"
    rejected = {r.row: r for r in RejectedRow.objects.all()}
    assert rejected[3].column == HEADERS[2]
    assert "ô dài 1,001 ký tự, quá giới hạn 1,000" in rejected[3].reason
    assert rejected[4].column == "Ghi chú"
    kept = dict(rejected[4].cells)["Ghi chú"]
    assert kept.startswith("BBBB") and len(kept) < 100  # what it said, not all of it


def test_a_long_shared_string_rejects_every_row_that_refers_to_it(area, tmp_path):
    headers = [HEADERS[i] for i in (0, 2, 3, 4, 13)]
    header = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in zip("ABCDE", headers, strict=True)
    )
    rows = [f'<row r="1">{header}</row>']
    for n in range(2, 6):
        rows.append(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>R{n}</t></is></c>'
            f'<c r="B{n}" t="s"><v>{n % 2}</v></c>'
            f'<c r="C{n}" t="inlineStr"><is><t>10/05/1980</t></is></c>'
            f'<c r="D{n}" t="inlineStr"><is><t>Nữ</t></is></c>'
            f'<c r="E{n}" t="inlineStr"><is><t>16000001</t></is></c></row>'
        )
    path = xlsx_write(
        tmp_path / "chuoi-dai.xlsx",
        rows,
        ["<si><t>Lê Thị Hoa</t></si><si><t>", "X" * 50_000, "</t></si>"],
    )

    job = person_import(path=path).job

    assert (job.rows_read, job.rows_accepted, job.rows_rejected) == (4, 2, 2)
    assert set(Person.objects.values_list("source_ref", flat=True)) == {"R2", "R4"}
    for rejected in RejectedRow.objects.all():
        assert rejected.row in {3, 5} and rejected.column == HEADERS[2]
        assert "ô dài 50,000 ký tự" in rejected.reason


def test_cell_length_is_its_own_limit(area, tmp_path, settings):
    settings.CANCUOC_IMPORT_MAX_CELL_CHARS = 5
    path = canonical_csv(tmp_path / "ngan.csv", [person_record(ethnicity="Kinh")])
    result = person_import(path=path, dry_run=True)
    assert result.job.rows_rejected == 1
    assert "quá giới hạn 5" in str(result.errors[0])


def test_a_number_beyond_floats_is_kept_as_text_in_its_rejected_row(area, tmp_path):
    """A cell may say 1e999: openpyxl reads infinity, which JSON cannot hold."""
    header = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for c, h in zip("ABCDE", HEADERS[:5], strict=True)
    )
    path = xlsx_write(
        tmp_path / "vo-cuc.xlsx",
        [f'<row r="1">{header}</row>', '<row r="2"><c r="A2"><v>1e999</v></c></row>'],
    )
    job = person_import(path=path).job
    assert (job.rows_read, job.rows_rejected) == (1, 1)
    assert dict(RejectedRow.objects.get().cells)[HEADERS[0]] == "inf"
