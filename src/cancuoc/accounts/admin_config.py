from django.contrib.admin.apps import AdminConfig


class CancuocAdminConfig(AdminConfig):
    """Django's admin with our site (kept apart: this module is imported before the models)."""

    default_site = "cancuoc.accounts.admin_site.CancuocAdminSite"
