"""What the SMS provider's delivery report may say, checked at the edge."""

from django import forms
from django.utils.translation import gettext_lazy as _

DELIVERED = {"delivered", "delivrd", "success", "ok", "1", "true"}


class DeliveryReportForm(forms.Form):
    """``{"id": "<provider id>", "status": "delivered" | "failed", "error": "…"}``."""

    id = forms.CharField(max_length=128, error_messages={"required": _("Thiếu id.")})
    status = forms.CharField(max_length=32, required=False)
    error = forms.CharField(max_length=1000, required=False)

    @property
    def delivered(self) -> bool:
        return self.cleaned_data["status"].lower() in DELIVERED
