"""The first pages: units with worklist counts and lists, institutions; all area-scoped."""

import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.scope import area_scoped, require_unit, scope_for
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.geo.selectors import UnitNotFound, populated_provinces, unit_by_code
from cancuoc.lib.tables import write_table
from cancuoc.registry.choices import ResidenceBasis
from cancuoc.registry.eligibility import NoPolicy, policy_in_force
from cancuoc.registry.personal_id import mask
from cancuoc.registry.worklists import (
    COLUMNS,
    UnitNames,
    institution_worklist,
    worklist,
    worklist_counts,
    worklist_row,
    worklist_rows,
    worklist_summary,
    worklist_table,
)

PAGE_SIZE = 50
PURPOSES = [
    "Rà soát, vận động công dân làm thủ tục cấp thẻ",
    "Lập kế hoạch thu nhận, hẹn lịch",
    "Báo cáo cấp trên",
]


def _as_of(request: HttpRequest) -> date:
    text = request.GET.get("ngay") or settings.CANCUOC_AS_OF
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        return date.today()


def _basis(request: HttpRequest) -> str:
    value = request.GET.get("co_so", ResidenceBasis.BOTH)
    return value if value in ResidenceBasis.values else ResidenceBasis.BOTH


def _unit(request: HttpRequest, code: str) -> AdministrativeUnit:
    try:
        unit = unit_by_code(code)
    except UnitNotFound as error:
        raise Http404(str(error)) from error
    require_unit(request.user, unit)
    return unit


def _page(request: HttpRequest, persons, on: date, basis: str) -> dict:
    table = worklist_table(persons, on=on, basis=basis)
    page = Paginator(table, PAGE_SIZE).get_page(request.GET.get("trang"))
    start = page.start_index()
    rows = [worklist_row(r, start + i) for i, r in enumerate(UnitNames().fill(list(page)))]
    for row in rows:
        row["personal_id"] = mask(row["personal_id"]) if row["personal_id"] else ""
    return {"page": page, "rows": rows}


@area_scoped
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    roots = list(scope.units(AdministrativeUnit.objects.filter(path__in=scope.paths)))
    if scope.national:
        roots = populated_provinces()
    if len(roots) == 1:
        return redirect("reports:unit", code=roots[0].code)
    institutions = scope.institutions_visible().filter(pk__in=scope.institutions)
    return render(request, "reports/home.html", {"units": roots, "institutions": institutions})


@area_scoped
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    scope = scope_for(request.user)
    on, basis = _as_of(request), _basis(request)
    try:
        policy = policy_in_force(on)
    except NoPolicy as error:
        return render(request, "reports/unit.html", {"unit": unit, "on": on, "error": error})
    persons = worklist(unit=unit, on=on, basis=basis)
    context = {
        "unit": unit,
        "ancestors": scope.units(unit.ancestors()),
        "on": on,
        "basis": basis,
        "bases": ResidenceBasis.choices,
        "policy": policy,
        "summary": worklist_summary(persons),
        "sees_persons": scope.sees_persons,
        "purposes": PURPOSES,
    }
    if unit.children.exists():
        counts = worklist_counts(unit=unit, on=on, basis=basis)
        context["counts"] = [c for c in counts if c.total]
    elif scope.sees_persons:
        context |= _page(request, scope.persons(persons), on, basis)
    return render(request, "reports/unit.html", context)


@area_scoped
def institution_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_for(request.user)
    institution = scope.institutions_visible().filter(code=code).first()
    if institution is None:
        raise Http404("không có cơ quan này trong phạm vi / no such institution in your area")
    on = _as_of(request)
    try:
        policy = policy_in_force(on)
    except NoPolicy as error:
        raise Http404(str(error)) from error
    persons = scope.persons(institution_worklist(institution=institution, on=on, policy=policy))
    context = {
        "institution": institution,
        "on": on,
        "policy": policy,
        "summary": worklist_summary(persons),
    }
    if scope.sees_persons:
        context |= _page(request, persons, on, ResidenceBasis.BOTH)
    return render(request, "reports/institution.html", context)


@area_scoped
@require_POST
def reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one person's full ID number: lists mask it, and every reveal is audited."""
    scope = scope_for(request.user)
    person = scope.persons().filter(pk=pk).first()
    if person is None:
        raise Http404("không có người này trong phạm vi / no such person in your area")
    audit_record(action="reveal", obj=person, detail={"field": "personal_id"})
    return render(request, "reports/reveal.html", {"person": person})


@area_scoped
def worklist_download(request: HttpRequest, code: str) -> FileResponse:
    unit = _unit(request, code)
    scope = scope_for(request.user)
    purpose = request.GET.get("muc_dich", "")
    if not scope.sees_persons:
        raise PermissionDenied("vai trò chỉ xem số liệu / your role sees figures only")
    if purpose not in PURPOSES:
        raise PermissionDenied("cần chọn mục đích tải danh sách / choose the purpose of the export")
    on, basis = _as_of(request), _basis(request)
    persons = scope.persons(worklist(unit=unit, on=on, basis=basis))
    title = f"Danh sách công dân cần cấp thẻ — {unit.name} — ngày {on:%d/%m/%Y}"
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    count = write_table(
        Path(handle.name),
        columns=COLUMNS,
        rows=worklist_rows(persons, on=on, basis=basis),
        title=title,
    )
    audit_record(
        action="export", obj=unit, purpose=purpose,
        detail={"rows": count, "as_of": on.isoformat(), "basis": basis},
    )  # fmt: skip
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"danh-sach-{unit.code}-{on:%Y%m%d}.xlsx"
    )
