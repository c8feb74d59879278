"""A unit's probable duplicates to review (nghi trùng): each pair side by side, merged or
marked as two people by an officer of the area, with a note."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.scope import area_scoped, require_persons, scope_for
from cancuoc.reports.views import as_of, scoped_unit

from .presenters import side_by_side
from .selectors import pairs_to_review
from .services import MergeRefused, pair_distinct, pair_merge

SHOWN = 50  # pairs a page


@area_scoped
def review_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = scoped_unit(request, code)
    require_persons(request.user)
    on = as_of(request)
    pairs = pairs_to_review(unit=unit, on=on, visible=scope_for(request.user).persons())
    page = Paginator(pairs, SHOWN).get_page(request.GET.get("trang"))
    rows = [
        {"pk": pair.pk, "weight": pair.match_weight, "left": pair.left_id,
         "right": pair.right_id, "rows": side_by_side(pair)}
        for pair in page
    ]  # fmt: skip
    audit_record(
        action="read", obj=unit,
        detail={"page": "dedup-review", "pairs": len(rows), "number": page.number},
    )  # fmt: skip
    return render(
        request,
        "dedup/review.html",
        {"unit": unit, "on": on, "rows": rows, "page": page, "total": page.paginator.count},
    )


@area_scoped
@require_POST
def review_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    unit = scoped_unit(request, code)
    require_persons(request.user)
    pairs = pairs_to_review(unit=unit, on=as_of(request), visible=scope_for(request.user).persons())
    pair = pairs.filter(pk=pk).first()
    if pair is None:
        raise Http404(_("không có cặp này chờ xem xét trong địa bàn của bạn"))
    note = request.POST.get("note", "").strip()[:1000]
    try:
        if request.POST.get("action") == "merge":
            kept = pair_merge(pair=pair, by=request.user, note=note)
            messages.success(request, _("Đã hợp nhất vào bản ghi #%(kept)s") % {"kept": kept.pk})
        else:
            pair_distinct(pair=pair, by=request.user, note=note)
            messages.success(request, _("Đã ghi nhận là hai người khác nhau"))
    except MergeRefused as error:
        messages.error(request, str(error))
    back = reverse("dedup:review", kwargs={"code": unit.code})
    page = request.POST.get("trang", "")
    return redirect(f"{back}?trang={page}" if page.isdigit() else back)
