"""The weekly report (báo cáo tuần) of a unit: DOCX in the Vietnamese administrative format
(Decree 30/2020/NĐ-CP: issuing body and number on the left, national motto on the right,
place and date, title, body, "Nơi nhận" and the signature block), an XLSX annex of the
tables, and a PDF made from the DOCX by LibreOffice."""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db.models import Sum
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from cancuoc.geo.models import AdministrativeUnit, UnitKind
from cancuoc.lib.errors import UnavailableError
from cancuoc.lib.tables import sheet_append

from .models import DailyRollup
from .obstacles import obstacles_open_in
from .progress import Progress, children_progress, progress

FONT = "Times New Roman"


@dataclass
class WeeklyFigures:
    unit: AdministrativeUnit
    first_day: date
    last_day: date
    week: int
    this_week: int
    status: Progress
    children: list[Progress]
    obstacles: list
    # On the map before 1 July 2025, a province's communes by district, as the seeds
    # reported them: each district's progress with its communes'.
    districts: list[tuple[Progress, list[Progress]]] = field(default_factory=list)


def weekly_figures(unit: AdministrativeUnit, last_day: date) -> WeeklyFigures:
    first_day = last_day - timedelta(days=6)
    children = children_progress(unit, last_day) if unit.children.exists() else []
    week = DailyRollup.objects.filter(unit=unit, day__gte=first_day, day__lte=last_day).aggregate(
        captured=Sum("captured"), recalled=Sum("recalled")
    )
    return WeeklyFigures(
        unit=unit,
        first_day=first_day,
        last_day=last_day,
        week=last_day.isocalendar().week,
        this_week=(week["captured"] or 0) - (week["recalled"] or 0),
        status=progress(unit, last_day),
        children=children,
        obstacles=list(obstacles_open_in(unit)[:30]),
        districts=[
            (child, children_progress(child.unit, last_day))
            for child in children
            if child.unit.kind == UnitKind.DISTRICT
        ],
    )


def _issuer(unit: AdministrativeUnit) -> tuple[str, str]:
    """The body above and the issuing body, as the header's left column shows them."""
    province = unit if unit.depth == 0 else unit.ancestors().first()
    label = f"TỈNH {province.name}" if province.kind == UnitKind.PROVINCE else province.name
    above = f"CÔNG AN {label}".upper()
    issuing = "BAN CHỈ ĐẠO CẤP THẺ CĂN CƯỚC" if unit.depth == 0 else f"CÔNG AN {unit.name}".upper()
    return above, issuing


def _paragraph(
    cell_or_doc,
    text: str,
    *,
    bold=False,
    italic=False,
    underline=False,
    size=13,
    align=WD_ALIGN_PARAGRAPH.CENTER,
):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.name, run.font.size = FONT, Pt(size)
    return paragraph


def _two_columns(document):
    """The header and signature tables: a narrow left column and a wide right one, as the
    national motto needs one line (Decree 30/2020, appendix I)."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(
        table.columns, table.rows[0].cells, (Cm(6.5), Cm(9.5)), strict=True
    ):
        column.width = cell.width = width  # the grid for LibreOffice, the cell for Word
    return table


def _percent(part: int, whole: int | None) -> str:
    return f"{100 * part / whole:.1f}%".replace(".", ",") if whole else "—"


def _number(n: int | None) -> str:
    return f"{n:,}".replace(",", ".") if n is not None else "—"


def weekly_docx(figures: WeeklyFigures, path: Path, *, place: str | None = None) -> Path:
    unit, status = figures.unit, figures.status
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    header = _two_columns(document)
    left, right = header.rows[0].cells
    left.paragraphs[0].text = ""
    above, issuing = _issuer(unit)
    _paragraph(left, above, size=12)
    _paragraph(left, issuing, bold=True, underline=True, size=12)
    _paragraph(left, f"Số: {figures.week:02d}/BC-BCĐ", size=13)
    right.paragraphs[0].text = ""
    _paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=13)
    day = figures.last_day
    where = place or (unit.name if unit.depth == 0 else unit.ancestors().first().name)
    _paragraph(
        right, f"{where}, ngày {day.day} tháng {day.month} năm {day.year}", italic=True, size=13
    )
    _paragraph(document, "BÁO CÁO", bold=True, size=14)
    _paragraph(
        document,
        f"Kết quả thu nhận hồ sơ cấp thẻ căn cước tuần {figures.week} "
        f"(từ ngày {figures.first_day:%d/%m/%Y} đến ngày {figures.last_day:%d/%m/%Y})",
        bold=True,
        size=14,
    )
    body = WD_ALIGN_PARAGRAPH.JUSTIFY
    _paragraph(document, "I. KẾT QUẢ", bold=True, align=body)
    lines = [
        f"Trong tuần, {unit.name} thu nhận {_number(figures.this_week)} hồ sơ; "
        f"lũy kế {_number(status.done)} hồ sơ.",
    ]
    if status.target:
        lines.append(
            f"Chỉ tiêu {_number(status.target.count)} hồ sơ đến ngày "
            f"{status.target.deadline:%d/%m/%Y}: đạt {_percent(status.done, status.target.count)}; "
            f"còn {_number(status.remaining)} hồ sơ, cần bình quân "
            f"{_number(round(status.needed_per_day or 0))} hồ sơ/ngày."
        )
        forecast = status.forecast_done_on
        lines.append(
            "Với tốc độ tuần qua ("
            f"{_number(round(status.pace))} hồ sơ/ngày), dự kiến hoàn thành ngày "
            f"{forecast:%d/%m/%Y}"
            if forecast
            else "Với tốc độ tuần qua, chưa dự báo được ngày hoàn thành"
        )
    if status.eligible:
        lines.append(
            f"So với {_number(status.eligible)} công dân thuộc diện cấp thẻ: đạt "
            f"{_percent(status.done, status.eligible)}."
        )
    lines.append(
        f"Thẻ đã sản xuất {_number(status.totals['produced'])}; đã trả cho công dân "
        f"{_number(status.totals['handed_over'])}."
    )
    for line in lines:
        _paragraph(document, "- " + line, align=body)
    if figures.children:
        _paragraph(document, "Kết quả theo đơn vị (chi tiết tại Phụ lục):", align=body)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ["Đơn vị", "Đã thu nhận", "Chỉ tiêu", "Tỷ lệ"], strict=True
        ):
            cell.text = text
        # Districts (the old map) all, their communes in the annex; else the first 15.
        for child in figures.children if figures.districts else figures.children[:15]:
            cells = table.add_row().cells
            cells[0].text = child.unit.name
            cells[1].text = _number(child.done)
            cells[2].text = _number(child.target.count if child.target else None)
            cells[3].text = _percent(child.done, child.target.count if child.target else None)
    _paragraph(document, "II. KHÓ KHĂN, VƯỚNG MẮC", bold=True, align=body)
    for obstacle in figures.obstacles or []:
        _paragraph(document, f"- {obstacle.unit.name}: {obstacle.title}.", align=body)
    if not figures.obstacles:
        _paragraph(document, "- Không có.", align=body)
    _paragraph(document, "III. NHIỆM VỤ TUẦN TỚI", bold=True, align=body)
    _paragraph(
        document,
        "- Tiếp tục tổ chức thu nhận 03 ca/ngày, không để máy chờ người, không để người chờ "
        "máy; tập trung các đơn vị có tỷ lệ thấp.",
        align=body,
    )
    footer = _two_columns(document)
    left, right = footer.rows[0].cells
    left.paragraphs[0].text = ""
    _paragraph(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for recipient in ("- Ban Chỉ đạo cấp trên;", "- Các đơn vị trực thuộc;", "- Lưu: VT."):
        _paragraph(left, recipient, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].text = ""
    _paragraph(right, "TRƯỞNG BAN", bold=True, size=13)
    _paragraph(right, "(Ký, ghi rõ họ tên)", italic=True, size=12)
    document.save(path)
    return path


def weekly_xlsx(figures: WeeklyFigures, path: Path) -> Path:
    """The annex: the units below with their figures, and the days of the week."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Theo đơn vị"
    bold = Font(bold=True)
    sheet_append(sheet, [f"Phụ lục: kết quả thu nhận tuần {figures.week} — {figures.unit.name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet_append(
        sheet,
        [
            "STT",
            "Đơn vị",
            "Đã thu nhận",
            "Chỉ tiêu",
            "Tỷ lệ chỉ tiêu (%)",
            "Cần cấp thẻ",
            "Tỷ lệ (%)",
            "Đã sản xuất",
            "Đã trả thẻ",
        ],
    )
    for cell in sheet[2]:
        cell.font = bold
    if figures.districts:  # a district's row (its number in Roman), then its communes
        for number, (district, communes) in enumerate(figures.districts, start=1):
            sheet_append(sheet, _unit_row(_roman(number), district))
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for index, commune in enumerate(communes, start=1):
                sheet_append(sheet, _unit_row(index, commune))
    else:
        for index, child in enumerate(figures.children, start=1):
            sheet_append(sheet, _unit_row(index, child))
    days = book.create_sheet("Theo ngày")
    sheet_append(days, ["Ngày", "Thu nhận", "Phải thu nhận lại", "Đã sản xuất", "Đã trả thẻ"])
    for cell in days[1]:
        cell.font = bold
    for row in DailyRollup.objects.filter(
        unit=figures.unit, day__gte=figures.first_day, day__lte=figures.last_day
    ).order_by("day"):
        sheet_append(
            days, [row.day, row.captured, row.rejected_at_capture, row.produced, row.handed_over]
        )
    book.save(path)
    return path


def _unit_row(number: int | str, child: Progress) -> list:
    target = child.target.count if child.target else None
    return [
        number,
        child.unit.name,
        child.done,
        target,
        round(100 * child.done / target, 1) if target else None,
        child.eligible,
        round(100 * child.done / child.eligible, 1) if child.eligible else None,
        child.totals["produced"],
        child.totals["handed_over"],
    ]


def _roman(number: int) -> str:
    """I, II, III… as Vietnamese reports number their groups (ten lines: no library needed)."""
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    numerals += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    text = ""
    for value, letters in numerals:
        count, number = divmod(number, value)
        text += letters * count
    return text


class PdfUnavailable(UnavailableError, RuntimeError):
    pass


def to_pdf(source: Path, directory: Path) -> Path:
    """Convert with LibreOffice (headless); raises PdfUnavailable if it is not installed."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise PdfUnavailable(_("Máy chủ chưa cài LibreOffice: không tạo được PDF."))
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                office,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(directory),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    pdf = directory / (source.stem + ".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise PdfUnavailable(f"LibreOffice: {result.stderr.strip() or result.stdout.strip()}")
    return pdf
