"""A unit's data-quality report ("đúng, đủ, sạch, sống"): the figures as a page, the lists
behind them as a workbook (names, so for roles that see persons, with a purpose, audited)."""

from io import BytesIO

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.accounts.scope import area_scoped, scope_for
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.tables import sheet_append
from cancuoc.registry.personal_id import mask
from cancuoc.registry.selectors import persons_visible
from cancuoc.reports.quality import quality_figures, quality_lists
from cancuoc.web.requests import as_of, export_purpose, with_unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = {
    "invalid_id": _("Số định danh sai"),
    "no_id": _("Chưa có số định danh"),
    "implausible_birth": _("Ngày sinh bất thường"),
    "incomplete": _("Thiếu thông tin"),
    "same_name_and_birth": _("Trùng họ tên, ngày sinh"),
    "to_review": _("Nghi trùng, chờ xem xét"),
    "left": _("Đã chết, chuyển đi"),
}
ROWS_PER_SHEET = 50_000


@area_scoped
@require_safe
@with_unit
def quality_page(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    on = as_of(request)
    scope = scope_for(request.user)
    if request.GET.get("tai") == "xlsx":
        return _download(request, unit, on)
    return render(
        request,
        "reports/quality.html",
        {
            "unit": unit,
            "on": on,
            "figures": quality_figures(unit, on),
            "sees_persons": scope.sees_persons,
            "purposes": PURPOSES,
        },
    )


def _download(request: HttpRequest, unit, on) -> HttpResponse:
    purpose = export_purpose(request)
    scope = scope_for(request.user)
    book = Workbook()
    book.remove(book.active)
    counts = {}
    for name, persons in quality_lists(unit, on).items():
        sheet = book.create_sheet(str(SHEETS[name]))
        sheet_append(
            sheet,
            [
                gettext("Họ, chữ đệm và tên"),
                gettext("Ngày sinh"),
                gettext("Số định danh"),
                gettext("Số chưa hợp lệ"),
                gettext("Dân tộc"),
                gettext("Quê quán"),
                gettext("Tình trạng"),
            ],
        )
        rows = persons_visible(scope, persons).order_by("sort_key")[:ROWS_PER_SHEET]
        for p in rows:
            sheet_append(
                sheet,
                [
                    p.full_name,
                    p.birth_date,
                    mask(p.personal_id) if p.personal_id else "",
                    mask(p.unverified_id) if p.unverified_id else "",
                    p.ethnicity,
                    p.native_place,
                    str(p.get_presence_display()),
                ],
            )
        counts[name] = sheet.max_row - 1
    out = BytesIO()
    book.save(out)
    audit_record(
        action="export", obj=unit, purpose=purpose, detail={"document": "quality"} | counts
    )
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="chat-luong-{unit.code}.xlsx"'
    return response
