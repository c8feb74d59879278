"""Every write through the ORM to the register, the tree or the assignments is audited."""

from django.db.models.signals import post_delete, post_save

from .audit import audit_record
from .models import AuditEvent

AUDITED_APPS = {"registry", "geo", "accounts", "planning", "intake"}


def _audited(sender) -> bool:
    return sender._meta.app_label in AUDITED_APPS and sender is not AuditEvent


def _saved(sender, instance, created, raw=False, **kwargs) -> None:
    if _audited(sender) and not raw:
        audit_record(action="create" if created else "update", obj=instance)


def _deleted(sender, instance, **kwargs) -> None:
    if _audited(sender):
        audit_record(action="delete", obj=instance)


post_save.connect(_saved, dispatch_uid="cancuoc_audit_save")
post_delete.connect(_deleted, dispatch_uid="cancuoc_audit_delete")
