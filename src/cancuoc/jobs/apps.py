from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "cancuoc.jobs"
    verbose_name = _("Công việc chạy nền")

    def ready(self) -> None:
        autodiscover_modules("jobs")  # every app's <app>/jobs.py registers its kinds
