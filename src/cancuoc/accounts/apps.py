from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cancuoc.accounts"
    verbose_name = _("Người dùng, phạm vi và nhật ký")

    def ready(self) -> None:
        from . import (
            signals,  # noqa: F401  (connects the audit of writes)
            tokens,  # noqa: F401  (forgets remembered keys when they change)
            totp,  # noqa: F401  (notes at each login whether 2FA was required)
        )
