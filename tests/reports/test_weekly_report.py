import shutil
from datetime import date

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from cancuoc.geo.selectors import unit_by_code
from cancuoc.planning.models import Target
from cancuoc.reports.obstacles import obstacle_raise


@pytest.fixture
def province_with_a_week(area, django_user_model):
    Target.objects.create(
        unit=unit_by_code("38"), count=1000, start=date(2021, 3, 1), deadline=date(2021, 6, 17)
    )
    user = django_user_model.objects.create_user("tbt", password="x" * 12)
    obstacle_raise(unit=unit_by_code("16001"), title="Thiếu máy thu nhận", by=user)


def test_the_weekly_docx_has_the_official_header_and_sections(province_with_a_week, tmp_path):
    call_command("report", "weekly", unit="38", as_of=date(2021, 4, 11), out=tmp_path)
    document = Document(tmp_path / "bao-cao-tuan-38-20210411.docx")
    header = " ".join(c.text for c in document.tables[0].rows[0].cells)
    assert (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "Độc lập - Tự do - Hạnh phúc" in header
    )
    assert "CÔNG AN TỈNH THANH HÓA" in header and "Số: 14/BC-BCĐ" in header
    assert "Thanh Hóa, ngày 11 tháng 4 năm 2021" in header
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "Thiếu máy thu nhận" in text
    footer = " ".join(c.text for c in document.tables[-1].rows[0].cells)
    assert "Nơi nhận:" in footer and "TRƯỞNG BAN" in footer
    annex = load_workbook(tmp_path / "bao-cao-tuan-38-20210411.xlsx")
    assert annex.sheetnames == ["Theo đơn vị", "Theo ngày"]
    names = [row[1] for row in annex["Theo đơn vị"].iter_rows(min_row=3, values_only=True)]
    assert set(names) == {"Xã Một", "Phường Hai"}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by .ci/run")
def test_libreoffice_converts_the_docx_and_xlsx_and_the_pdf_shows_the_header(
    province_with_a_week, tmp_path
):
    from cancuoc.reports.weekly import to_pdf

    call_command("report", "weekly", unit="38", as_of=date(2021, 4, 11), out=tmp_path)
    pdf = tmp_path / "bao-cao-tuan-38-20210411.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập" in text
    annex = to_pdf(tmp_path / "bao-cao-tuan-38-20210411.xlsx", tmp_path / "annex")
    assert "Phụ lục" in " ".join(page.extract_text() for page in PdfReader(annex).pages)
