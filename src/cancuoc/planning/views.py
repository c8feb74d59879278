"""The plan of a unit: each unit below forecast, what it needs, what to move, what it costs."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cancuoc.accounts.scope import area_scoped
from cancuoc.forecasting.plan import catch_up_plan
from cancuoc.forecasting.report import additions_text
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.web.requests import as_of, with_unit

from .costs import unit_prices


@area_scoped
@require_safe
@with_unit
def plan_page(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    on = as_of(request)
    plan = catch_up_plan(unit=unit, on=on, prices=unit_prices())
    # The units behind first, each group in the order of codes.
    outlooks = sorted(plan.outlooks, key=lambda o: not o.forecast.flagged)
    rows = [
        {"outlook": o, "to_add": additions_text(o.additions) if o.forecast.flagged else ""}
        for o in outlooks
    ]
    return render(
        request,
        "planning/plan.html",
        {
            "unit": unit,
            "on": on,
            "plan": plan,
            "rows": rows,
            "behind": sum(1 for o in outlooks if o.forecast.flagged),
            "booked": sum(o.forecast.booked.count for o in outlooks),
        },
    )
