from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cancuoc.accounts"
    verbose_name = "Người dùng, phạm vi và nhật ký"

    def ready(self) -> None:
        from . import (
            signals,  # noqa: F401  (connects the audit of writes)
            tokens,  # noqa: F401  (forgets remembered keys when they change)
        )
