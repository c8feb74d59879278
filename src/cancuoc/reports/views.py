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
from cancuoc.accounts.scope import area_scoped, require_persons, require_unit, scope_for
from cancuoc.geo.models import AdministrativeUnit, Institution
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
    worklist_row,
    worklist_rows,
    worklist_summary,
    worklist_table,
)
from cancuoc.reports.institutions import institutions_progress
from cancuoc.reports.obstacles import obstacle_raise, obstacles_open_in
from cancuoc.reports.productivity import backlog, productivity
from cancuoc.reports.progress import children_progress, progress
from cancuoc.reports.weekly import (
    PdfUnavailable,
    to_pdf,
    weekly_docx,
    weekly_figures,
    weekly_xlsx,
)

PAGE_SIZE = 50
KITS_SHOWN = 20  # the most productive kits of the last week
INSTITUTIONS_SHOWN = 50
PURPOSES = [
    "Rà soát, vận động công dân làm thủ tục cấp thẻ",
    "Lập kế hoạch thu nhận, hẹn lịch",
    "Báo cáo cấp trên",
]


def export_purpose(request: HttpRequest) -> str:
    """The purpose a download of names is made for (``?muc_dich=``, audited with it): only
    for roles that see persons, and only with one of ``PURPOSES``."""
    require_persons(request.user)
    purpose = request.GET.get("muc_dich", "")
    if purpose not in PURPOSES:
        raise PermissionDenied("cần chọn mục đích tải danh sách / choose the purpose of the export")
    return purpose


def as_of(request: HttpRequest) -> date:
    """The day a page counts as of: ``?ngay=``, else CANCUOC_AS_OF, else today."""
    text = request.GET.get("ngay") or settings.CANCUOC_AS_OF
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        return date.today()


def _basis(request: HttpRequest) -> str:
    value = request.GET.get("co_so", ResidenceBasis.BOTH)
    return value if value in ResidenceBasis.values else ResidenceBasis.BOTH


def scoped_unit(request: HttpRequest, code: str) -> AdministrativeUnit:
    """The unit a page names, if it lies in the user's area (404 unknown, 403 outside)."""
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
    """The dashboard of a unit: progress against target and eligible, daily throughput,
    burn-down with forecast, ranking of the units below, kits, backlog, obstacles; and at
    the bottom of the tree, the worklist itself."""
    unit = scoped_unit(request, code)
    scope = scope_for(request.user)
    on, basis = as_of(request), _basis(request)
    try:
        policy = policy_in_force(on)
    except NoPolicy as error:
        return render(request, "reports/unit.html", {"unit": unit, "on": on, "error": error})
    status = progress(unit, on)
    is_village = not unit.children.exists()
    context = {
        "unit": unit,
        "ancestors": scope.units(unit.ancestors()),
        "on": on,
        "basis": basis,
        "bases": ResidenceBasis.choices,
        "policy": policy,
        "progress": status,
        "chart": _chart_data(status),
        "children": [] if is_village else children_progress(unit, on),
        "kits": productivity(unit, on)[:KITS_SHOWN],
        "backlog": backlog(unit, on, status.totals),
        "obstacles": obstacles_open_in(unit)[:20],
        "stations": scope.stations().filter(unit=unit).order_by("code"),
        "institutions": institutions_progress(
            scope.institutions_visible().filter(unit__in=AdministrativeUnit.objects.subtree(unit))[
                :INSTITUTIONS_SHOWN
            ],
            on=on,
        ),
        "sees_persons": scope.sees_persons,
        "purposes": PURPOSES,
    }
    if is_village:  # its live worklist is small; above it, rollups only
        persons = worklist(unit=unit, on=on, basis=basis)
        context["summary"] = worklist_summary(persons)
        if scope.sees_persons:
            context |= _page(request, scope.persons(persons), on, basis)
    return render(request, "reports/unit.html", context)


def _chart_data(status) -> dict:
    """Daily captures and the burn-down (remaining to target, actual and forecast)."""
    days = [day.isoformat() for day, _ in status.daily]
    data = {"days": days, "captured": [n for _, n in status.daily]}
    target = status.target
    if target:
        remaining, actual = target.count, []
        for _, n in status.daily:
            remaining -= n
            actual.append(max(remaining, 0))
        data |= {"remaining": actual, "deadline": target.deadline.isoformat(),
                 "target": target.count, "pace": status.pace}  # fmt: skip
    return data


@area_scoped
@require_POST
def obstacle_raise_view(request: HttpRequest, code: str) -> HttpResponse:
    unit = scoped_unit(request, code)
    try:
        obstacle_raise(
            unit=unit, title=request.POST.get("title", ""),
            detail=request.POST.get("detail", ""), by=request.user,
        )  # fmt: skip
    except ValueError as error:
        raise PermissionDenied(str(error)) from error
    return redirect("reports:unit", code=unit.code)


@area_scoped
def institution_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_for(request.user)
    institution = scope.institutions_visible().filter(code=code).first()
    if institution is None:
        raise Http404("không có cơ quan này trong phạm vi / no such institution in your area")
    on = as_of(request)
    try:
        policy = policy_in_force(on)
    except NoPolicy as error:
        raise Http404(str(error)) from error
    persons = scope.persons(institution_worklist(institution=institution, on=on, policy=policy))
    [figures] = institutions_progress(Institution.objects.filter(pk=institution.pk), on=on)
    context = {
        "institution": institution,
        "on": on,
        "policy": policy,
        "summary": worklist_summary(persons),
        "figures": figures,
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
    unit = scoped_unit(request, code)
    purpose = export_purpose(request)
    scope = scope_for(request.user)
    on, basis = as_of(request), _basis(request)
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


@area_scoped
def weekly_report(request: HttpRequest, code: str) -> HttpResponse:
    """The weekly report of a unit for the week ending on the date asked: DOCX, XLSX annex
    (?dinh_dang=xlsx) or PDF (?dinh_dang=pdf, made by LibreOffice)."""
    unit = scoped_unit(request, code)
    on = as_of(request)
    kind = request.GET.get("dinh_dang", "docx")
    figures = weekly_figures(unit, on)
    directory = Path(tempfile.mkdtemp(prefix="cancuoc-weekly-"))
    name = f"bao-cao-tuan-{unit.code}-{on:%Y%m%d}"
    if kind == "xlsx":
        path = weekly_xlsx(figures, directory / f"{name}.xlsx")
    else:
        path = weekly_docx(figures, directory / f"{name}.docx")
        if kind == "pdf":
            try:
                path = to_pdf(path, directory)
            except PdfUnavailable as error:
                return HttpResponse(str(error), status=503, content_type="text/plain")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
