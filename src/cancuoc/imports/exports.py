"""Files an import gives back: the canonical template to fill in, and the rejected rows of a
job with their reasons (fix them in the file and import it again under the same source)."""

from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cancuoc.lib.tables import sheet_append
from cancuoc.registry.choices import CardKind, Presence, Relation, Sex

from .errors import note_text
from .mapping import FIELDS
from .models import ImportJob

_BOLD = Font(bold=True)
_REQUIRED = PatternFill("solid", fgColor="FFE699")
_LISTS = {
    "sex": Sex,
    "relation_to_head": Relation,
    "presence": Presence,
    "card_kind": CardKind,
}
TEMPLATE_ROWS = 5000  # rows with drop-down lists


def template_write(path: Path) -> Path:
    """The canonical person file as an XLSX to fill in: one sheet with the headers (required
    ones shaded), every column formatted as text so that Excel keeps the leading zeros of ID
    numbers and codes, drop-down lists for closed values; a second sheet explains each
    column. In Vietnamese whatever the page's language: the commune fills it in Vietnamese,
    and its headers and lists are what the import reads."""
    with translation.override("vi"):
        return _template_write(path)


def _template_write(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet_append(sheet, [f.header for f in FIELDS])
    for position, field in enumerate(FIELDS, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(row=1, column=position)
        cell.font = _BOLD
        if field.required:
            cell.fill = _REQUIRED
        sheet.column_dimensions[letter].width = max(14, len(field.header) + 4)
        sheet.column_dimensions[letter].number_format = "@"
        if field.name in _LISTS:
            labels = ",".join(str(label) for _value, label in _LISTS[field.name].choices)
            check = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    sheet_append(guide, ["Cột", "Bắt buộc", "Cách ghi"])
    for cell in guide[1]:
        cell.font = _BOLD
    for field in FIELDS:
        sheet_append(guide, [field.header, "có" if field.required else "", field.hint])
    for letter, width in (("A", 30), ("B", 20), ("C", 70)):
        guide.column_dimensions[letter].width = width
    book.save(path)
    return path


def rejected_rows_write(*, job: ImportJob, path: Path) -> int:
    """The job's rejected rows as XLSX, streamed: where each came from, why, and all its cells
    under the file's own headers; a second sheet lists the warnings on rows that were
    imported, a third the job's notes. Headings and reasons in the active language. Returns
    the rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Dòng bị loại"))
    headers: dict[str, None] = {}
    for cells in job.rejected.values_list("cells", flat=True).iterator(chunk_size=2000):
        headers.update((header, None) for header, _value in cells)
    where = [_("Trang tính"), _("Dòng"), _("Cột")]
    sheet_append(sheet, [*where, _("Lý do"), *headers])
    written = 0
    for rejected in job.rejected.order_by("id").iterator(chunk_size=2000):
        cells = dict(rejected.cells)
        sheet_append(
            sheet,
            [
                rejected.sheet,
                rejected.row,
                rejected.column,
                rejected.reason,
                *(cells.get(h) for h in headers),
            ],
        )
        written += 1
    warnings = book.create_sheet(_("Cảnh báo"))
    sheet_append(warnings, [*where, _("Mã bản ghi"), _("Cảnh báo")])
    for w in job.warnings.order_by("id").iterator(chunk_size=2000):
        sheet_append(warnings, [w.sheet, w.row, w.column, w.source_ref, w.message])
    notes = book.create_sheet(_("Ghi chú"))
    sheet_append(notes, [_("Ghi chú")])
    for note in job.notes:
        sheet_append(notes, [note_text(note)])
    book.save(path)
    return written
