"""The first pages: units with worklist counts and lists, institutions; all area-scoped."""

import tempfile
from datetime import date
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.permissions import Action, action_required, require_action
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.accounts.scope import area_scoped, scope_for
from cancuoc.forecasting.forecast import forecast_children, forecast_unit
from cancuoc.geo.models import AdministrativeUnit, Institution
from cancuoc.geo.selectors import populated_provinces, units_search
from cancuoc.planning.selectors import stations_visible
from cancuoc.registry.choices import ResidenceBasis
from cancuoc.registry.eligibility import policy_in_force
from cancuoc.registry.personal_id import mask
from cancuoc.registry.selectors import persons_visible
from cancuoc.reports.forms import ObstacleForm
from cancuoc.reports.institutions import institutions_progress
from cancuoc.reports.obstacles import obstacle_raise, obstacles_open_in
from cancuoc.reports.productivity import backlog, productivity
from cancuoc.reports.progress import (
    children_progress,
    lagging_units,
    progress,
    ranking_columns,
    ranking_order,
    target_is_eligible,
)
from cancuoc.reports.weekly import (
    to_pdf,
    weekly_docx,
    weekly_figures,
    weekly_xlsx,
)
from cancuoc.scheduling.worklists import (
    institution_worklist,
    worklist,
    worklist_page,
    worklist_summary,
    worklist_table,
)
from cancuoc.web.forms import say_form_problems
from cancuoc.web.requests import as_of, with_unit

PAGE_SIZE = 50
KITS_SHOWN = 10  # the most productive kits of the last week
INSTITUTIONS_PAGE = 10  # a dashboard's institutions, most left first


def _basis(request: HttpRequest) -> str:
    value = request.GET.get("co_so", ResidenceBasis.BOTH)
    return value if value in ResidenceBasis.values else ResidenceBasis.BOTH


def paged(
    request: HttpRequest, items, *, param: str = "trang", size: int = PAGE_SIZE
) -> tuple[Page, dict]:
    """A page of ``items`` (``?<param>=N``, ``size`` a page) and its pager's links, which
    keep the page's other parameters."""
    page = Paginator(items, size).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    pager = {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }
    return page, pager


def _worklist_page(request: HttpRequest, persons, on: date, basis: str) -> dict:
    page, pager = paged(request, worklist_table(persons, on=on, basis=basis))
    rows = worklist_page(list(page), start=page.start_index(), on=on)
    for row in rows:
        row["personal_id"] = mask(row["personal_id"]) if row["personal_id"] else ""
    return {"page": page, "pager": pager, "rows": rows}


@area_scoped
@require_safe
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
@require_safe
@with_unit
def unit_page(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    """The dashboard of a unit: its figures, then the units below that lag behind and a
    search for a unit, daily throughput and burn-down, the full ranking, kits, backlog,
    institutions, obstacles; at the bottom of the tree, the worklist itself."""
    scope = scope_for(request.user)
    on, basis = as_of(request), _basis(request)
    policy = policy_in_force(on)
    query = request.GET.get("tim", "").strip()[:100]
    search = {
        "query": query,
        "found": units_search(query, units=scope.units(AdministrativeUnit.objects.current())),
    }
    status = progress(unit, on)
    is_village = not unit.children.exists()
    below = [] if is_village else children_progress(unit, on)
    children = ranking_order(below)
    lagging, behind = (
        ([], 0)
        if is_village
        else lagging_units(forecast_children(unit=unit, on=on, statuses=below))
    )
    forecast = forecast_unit(unit=unit, on=on, status=status) if status.target else None
    kits = productivity(unit, on)
    institutions, institutions_pager = paged(
        request,
        institutions_progress(
            scope.institutions_visible().filter(unit__in=AdministrativeUnit.objects.subtree(unit)),
            on=on,
        ),
        param="trang_cq",
        size=INSTITUTIONS_PAGE,
    )
    context = {
        "unit": unit,
        "ancestors": scope.units(unit.ancestors()),
        "on": on,
        "basis": basis,
        "bases": ResidenceBasis.choices,
        "policy": policy,
        "progress": status,
        "forecast": forecast,
        "chart": chart_data(status, forecast),
        "children": children,
        "target_is_eligible": target_is_eligible(children),
        "ranking_columns": ranking_columns(children),
        "lagging": lagging,
        "behind": behind,
        "search": search,
        "kits": kits[:KITS_SHOWN],
        "kits_total": len(kits),
        "backlog": backlog(unit, on, status.totals),
        "obstacles": obstacles_open_in(unit)[:20],
        "stations": stations_visible(scope).filter(unit=unit).order_by("code"),
        "institutions": institutions,
        "institutions_pager": institutions_pager,
        "sees_persons": scope.sees_persons,
        "purposes": PURPOSES,
    }
    if is_village:  # its live worklist is small; above it, rollups only
        persons = worklist(unit=unit, on=on, basis=basis)
        context["summary"] = worklist_summary(persons)
        if scope.sees_persons:
            context |= _worklist_page(request, persons_visible(scope, persons), on, basis)
    return render(request, "reports/unit.html", context)


def chart_data(status, forecast=None) -> dict:
    """Daily captures and the burn-down (remaining to target, actual and forecast): the days
    in ISO and as the active language writes them, and the series' names translated. The
    forecast line falls at ``pace`` a day: the pace that reaches the target on the day the
    unit's forecast says (its appointments included), else the last week's pace."""
    data = {
        "days": [day.isoformat() for day, _n in status.daily],
        "labels": [date_format(day, "MONTH_DAY_FORMAT") for day, _n in status.daily],
        "captured": [n for _day, n in status.daily],
        "series": {
            "captured": _("Hồ sơ thu nhận"),
            "remaining": _("Còn lại"),
            "forecast": _("Dự báo"),
        },
    }
    target = status.target
    if target:
        remaining, actual = target.count, []
        for _day, n in status.daily:
            remaining -= n
            actual.append(max(remaining, 0))
        pace = status.pace
        if forecast is not None and forecast.done_on and forecast.done_on > status.on:
            pace = (status.remaining or 0) / (forecast.done_on - status.on).days
        data |= {
            "remaining": actual,
            "deadline": target.deadline.isoformat(),
            "target": target.count,
            "pace": pace,
        }
    return data


@area_scoped
@action_required(Action.RAISE_OBSTACLE)
@require_POST
@with_unit
def obstacle_raise_view(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    require_action(request.user, Action.RAISE_OBSTACLE, unit.path)
    form = ObstacleForm(request.POST)
    if form.is_valid():
        obstacle_raise(unit=unit, by=request.user, **form.cleaned_data)
        messages.success(request, _("Đã ghi nhận khó khăn, vướng mắc."))
    else:
        say_form_problems(request, form)
    return redirect(reverse("reports:unit", args=[unit.url_code]) + "#kho-khan")


@area_scoped
@require_safe
def institution_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_for(request.user)
    institution = scope.institutions_visible().filter(code=code).first()
    if institution is None:
        raise Http404(_("Không có cơ quan, tổ chức này trong địa bàn được giao."))
    on = as_of(request)
    policy = policy_in_force(on)
    persons = persons_visible(
        scope, institution_worklist(institution=institution, on=on, policy=policy)
    )
    [figures] = institutions_progress(Institution.objects.filter(pk=institution.pk), on=on)
    context = {
        "institution": institution,
        "on": on,
        "policy": policy,
        "summary": worklist_summary(persons),
        "figures": figures,
    }
    if scope.sees_persons:
        context |= _worklist_page(request, persons, on, ResidenceBasis.BOTH)
    return render(request, "reports/institution.html", context)


@area_scoped
@require_POST
def reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one person's full ID number: lists mask it, and every reveal is audited."""
    scope = scope_for(request.user)
    person = persons_visible(scope).filter(pk=pk).first()
    if person is None:
        raise Http404(_("Không có công dân này trong địa bàn được giao."))
    audit_record(action="reveal", obj=person, detail={"field": "personal_id"})
    return render(request, "reports/reveal.html", {"person": person})


@area_scoped
@require_safe
@with_unit
def weekly_report(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    """The weekly report of a unit for the week ending on the date asked: DOCX, XLSX annex
    (?dinh_dang=xlsx) or PDF (?dinh_dang=pdf, made by LibreOffice)."""
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
            path = to_pdf(path, directory)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
