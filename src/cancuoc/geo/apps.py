from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "cancuoc.geo"
    verbose_name = "Địa giới hành chính"
