from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastingConfig(AppConfig):
    name = "cancuoc.forecasting"
    verbose_name = _("Dự báo và kế hoạch bổ sung")
