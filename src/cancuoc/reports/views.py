"""The first pages: the province and its units, with worklist counts and lists."""

import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import UnitNotFound, populated_provinces, unit_by_code
from cancuoc.lib.tables import write_table
from cancuoc.registry.choices import ResidenceBasis
from cancuoc.registry.eligibility import NoPolicy, policy_in_force
from cancuoc.registry.personal_id import mask
from cancuoc.registry.worklists import (
    COLUMNS,
    UnitNames,
    worklist,
    worklist_counts,
    worklist_row,
    worklist_rows,
    worklist_summary,
    worklist_table,
)

PAGE_SIZE = 50


def _as_of(request: HttpRequest) -> date:
    text = request.GET.get("ngay") or settings.CANCUOC_AS_OF
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        return date.today()


def _basis(request: HttpRequest) -> str:
    value = request.GET.get("co_so", ResidenceBasis.BOTH)
    return value if value in ResidenceBasis.values else ResidenceBasis.BOTH


def _unit(code: str) -> AdministrativeUnit:
    try:
        return unit_by_code(code)
    except UnitNotFound as error:
        raise Http404(str(error)) from error


@login_required
def home(request: HttpRequest) -> HttpResponse:
    provinces = populated_provinces()
    if len(provinces) == 1:
        return redirect("reports:unit", code=provinces[0].code)
    return render(request, "reports/home.html", {"provinces": provinces})


@login_required
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(code)
    on, basis = _as_of(request), _basis(request)
    try:
        policy = policy_in_force(on)
    except NoPolicy as error:
        return render(request, "reports/unit.html", {"unit": unit, "on": on, "error": error})
    persons = worklist(unit=unit, on=on, basis=basis)
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "on": on,
        "basis": basis,
        "bases": ResidenceBasis.choices,
        "policy": policy,
        "summary": worklist_summary(persons),
    }
    if unit.children.exists():
        counts = worklist_counts(unit=unit, on=on, basis=basis)
        context["counts"] = [c for c in counts if c.total]
    else:
        table = worklist_table(persons, on=on, basis=basis)
        page = Paginator(table, PAGE_SIZE).get_page(request.GET.get("trang"))
        start = page.start_index()
        places = UnitNames().fill(list(page.object_list))
        rows = [worklist_row(row, start + i) for i, row in enumerate(places)]
        for row in rows:
            row["personal_id"] = mask(row["personal_id"]) if row["personal_id"] else ""
        context |= {"page": page, "rows": rows}
    return render(request, "reports/unit.html", context)


@login_required
def worklist_download(request: HttpRequest, code: str) -> FileResponse:
    unit = _unit(code)
    on, basis = _as_of(request), _basis(request)
    persons = worklist(unit=unit, on=on, basis=basis)
    title = f"Danh sách công dân cần cấp thẻ — {unit.name} — ngày {on:%d/%m/%Y}"
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write_table(
        Path(handle.name),
        columns=COLUMNS,
        rows=worklist_rows(persons, on=on, basis=basis),
        title=title,
    )
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"danh-sach-{unit.code}-{on:%Y%m%d}.xlsx"
    )
