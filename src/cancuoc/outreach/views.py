"""Delivery reports from the SMS provider: a callback URL carrying a secret shared with the
provider (``CANCUOC_SMS_REPORT_SECRET``); without it set, the URL answers 404."""

import hmac
import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import message_delivery_record

DELIVERED = {"delivered", "delivrd", "success", "ok", "1", "true"}


@csrf_exempt
@require_POST
def delivery_report(request: HttpRequest, secret: str) -> HttpResponse:
    """``{"id": "<provider id>", "status": "delivered" | "failed", "error": "…"}`` as JSON or a
    form. Answers how many messages it settled (0: unknown id, or already settled)."""
    expected = settings.CANCUOC_SMS_REPORT_SECRET
    if not expected or not hmac.compare_digest(secret, expected):
        raise Http404
    try:
        body = (
            json.loads(request.body) if request.content_type == "application/json" else request.POST
        )
    except ValueError:
        return JsonResponse({"detail": _("Không đọc được JSON.")}, status=400)
    provider_id = str(body.get("id", "")).strip()
    if not provider_id:
        return JsonResponse({"detail": _("Thiếu id.")}, status=400)
    settled = message_delivery_record(
        provider_id=provider_id,
        delivered=str(body.get("status", "")).strip().lower() in DELIVERED,
        error=str(body.get("error", "")),
    )
    return JsonResponse({"settled": settled})
