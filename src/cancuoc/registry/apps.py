from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cancuoc.registry"
    verbose_name = "Cơ sở dữ liệu dân cư"

    def ready(self) -> None:
        from django.db.models import Field

        from cancuoc.lib.lookups import AnyOf

        Field.register_lookup(AnyOf)
