"""A unit's probable duplicates to review (nghi trùng): each pair side by side, merged or
marked as two people by an officer of the area, with a note."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.permissions import Action, action_required, require_action
from cancuoc.accounts.scope import area_scoped, require_persons, scope_for
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.registry.selectors import persons_visible
from cancuoc.web.forms import say_form_problems
from cancuoc.web.requests import as_of, with_unit

from .forms import ReviewDecisionForm
from .presenters import side_by_side
from .selectors import pairs_to_review
from .services import pair_distinct, pair_merge

SHOWN = 50  # pairs a page


@area_scoped
@require_safe
@with_unit
def review_page(request: HttpRequest, unit: AdministrativeUnit) -> HttpResponse:
    require_persons(request.user)
    on = as_of(request)
    pairs = pairs_to_review(unit=unit, on=on, visible=persons_visible(scope_for(request.user)))
    page = Paginator(pairs, SHOWN).get_page(request.GET.get("trang"))
    rows = [
        {
            "pk": pair.pk,
            "weight": pair.match_weight,
            "left": pair.left_id,
            "right": pair.right_id,
            "rows": side_by_side(pair),
        }
        for pair in page
    ]
    audit_record(
        action="read",
        obj=unit,
        detail={"page": "dedup-review", "pairs": len(rows), "number": page.number},
    )
    return render(
        request,
        "dedup/review.html",
        {"unit": unit, "on": on, "rows": rows, "page": page, "total": page.paginator.count},
    )


@area_scoped
@action_required(Action.DECIDE_DUPLICATES)
@require_POST
@with_unit
def review_decide(request: HttpRequest, unit: AdministrativeUnit, pk: int) -> HttpResponse:
    require_persons(request.user)
    require_action(request.user, Action.DECIDE_DUPLICATES, unit.path)
    pairs = pairs_to_review(
        unit=unit, on=as_of(request), visible=persons_visible(scope_for(request.user))
    )
    pair = pairs.filter(pk=pk).first()
    if pair is None:
        raise Http404(_("không có cặp này chờ xem xét trong địa bàn của bạn"))
    back = reverse("dedup:review", kwargs={"code": unit.url_code})
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        say_form_problems(request, form)
        return redirect(back)
    note, page = form.cleaned_data["note"], form.cleaned_data["trang"]
    request.back_to = f"{back}?trang={page}" if page else back
    if form.cleaned_data["action"] == ReviewDecisionForm.MERGE:
        kept = pair_merge(pair=pair, by=request.user, note=note)
        messages.success(request, _("Đã hợp nhất vào bản ghi #%(kept)s") % {"kept": kept.pk})
    else:
        pair_distinct(pair=pair, by=request.user, note=note)
        messages.success(request, _("Đã ghi nhận là hai người khác nhau"))
    return redirect(request.back_to)
