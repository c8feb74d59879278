"""Delivery reports from the SMS provider: a callback URL carrying a secret shared with the
provider (``CANCUOC_SMS_REPORT_SECRET``); without it set, the URL answers 404."""

import hmac
import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cancuoc.web.forms import form_problems

from .forms import DeliveryReportForm
from .services import message_delivery_record


@csrf_exempt
@require_POST
def delivery_report(request: HttpRequest, secret: str) -> HttpResponse:
    """``{"id": "<provider id>", "status": "delivered" | "failed", "error": "…"}`` as JSON or a
    form. Answers how many messages it settled (0: unknown id, or already settled)."""
    expected = settings.CANCUOC_SMS_REPORT_SECRET
    if not expected or not hmac.compare_digest(secret, expected):
        raise Http404
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JsonResponse({"detail": _("Không đọc được JSON.")}, status=400)
        form = DeliveryReportForm(
            {key: str(body.get(key, "")) for key in DeliveryReportForm.base_fields}
        )
    else:
        form = DeliveryReportForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": " ".join(form_problems(form))}, status=400)
    settled = message_delivery_record(
        provider_id=form.cleaned_data["id"],
        delivered=form.delivered,
        error=form.cleaned_data["error"],
    )
    return JsonResponse({"settled": settled})
