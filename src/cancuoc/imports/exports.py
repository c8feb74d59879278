"""Files an import gives back: the canonical template to fill in, and the rejected rows of a
job with their reasons (fix them in the file and import it again under the same source)."""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cancuoc.registry.choices import CardKind, Presence, Relation, Sex

from .mapping import FIELDS
from .models import ImportJob

_BOLD = Font(bold=True)
_REQUIRED = PatternFill("solid", fgColor="FFE699")
_LISTS = {
    "sex": Sex, "relation_to_head": Relation, "presence": Presence, "card_kind": CardKind,
}  # fmt: skip
TEMPLATE_ROWS = 5000  # rows with drop-down lists


def template_write(path: Path) -> Path:
    """The canonical person file as an XLSX to fill in: one sheet with the headers (required
    ones shaded), every column formatted as text so that Excel keeps the leading zeros of ID
    numbers and codes, drop-down lists for closed values; a second sheet explains each
    column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([f.header for f in FIELDS])
    for position, field in enumerate(FIELDS, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(row=1, column=position)
        cell.font = _BOLD
        if field.required:
            cell.fill = _REQUIRED
        sheet.column_dimensions[letter].width = max(14, len(field.header) + 4)
        sheet.column_dimensions[letter].number_format = "@"
        if field.name in _LISTS:
            labels = ",".join(label for _, label in _LISTS[field.name].choices)
            check = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột / column", "Bắt buộc / required", "Cách ghi / how to fill in"])
    for cell in guide[1]:
        cell.font = _BOLD
    for field in FIELDS:
        guide.append([field.header, "có" if field.required else "", field.hint])
    for letter, width in (("A", 30), ("B", 20), ("C", 70)):
        guide.column_dimensions[letter].width = width
    book.save(path)
    return path


def rejected_rows_write(*, job: ImportJob, path: Path) -> int:
    """The job's rejected rows as XLSX, streamed: where each came from, why (Vietnamese and
    English), and all its cells under the file's own headers; a second sheet lists the
    warnings on rows that were imported, a third the job's notes. Returns the rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dòng bị loại")
    headers: dict[str, None] = {}
    for cells in job.rejected.values_list("cells", flat=True).iterator(chunk_size=2000):
        headers.update((header, None) for header, _ in cells)
    sheet.append(["Trang tính / sheet", "Dòng / row", "Cột / column", "Lý do", "Reason", *headers])
    written = 0
    for rejected in job.rejected.order_by("id").iterator(chunk_size=2000):
        cells = dict(rejected.cells)
        sheet.append(
            [rejected.sheet, rejected.row, rejected.column, rejected.reason_vi,
             rejected.reason_en, *(cells.get(h) for h in headers)]
        )  # fmt: skip
        written += 1
    warnings = book.create_sheet("Cảnh báo")
    warnings.append(
        ["Trang tính / sheet", "Dòng / row", "Cột / column", "Mã bản ghi", "Cảnh báo", "Warning"]
    )
    for w in job.warnings.order_by("id").iterator(chunk_size=2000):
        warnings.append([w.sheet, w.row, w.column, w.source_ref, w.message_vi, w.message_en])
    notes = book.create_sheet("Ghi chú")
    notes.append(["Ghi chú / notes"])
    for note in job.notes:
        notes.append([note])
    book.save(path)
    return written
