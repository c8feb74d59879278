from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cancuoc.web"
    verbose_name = "Giao diện"
