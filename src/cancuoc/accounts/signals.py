"""Every write through the ORM to the register, the tree or the assignments is audited."""

from django.db.models.signals import post_delete, post_save

from .audit import audit_record

AUDITED_APPS = {"registry", "geo", "accounts", "planning", "intake"}
# Not audited row by row: the audit log itself and its checkpoints (a prune is audited as
# one event), and the card's history (intake.CardEvent), which is a log of its own written
# only with an audited write of its application.
NOT_AUDITED = {"accounts.auditevent", "accounts.auditcheckpoint", "intake.cardevent"}


def _audited(sender) -> bool:
    return sender._meta.app_label in AUDITED_APPS and sender._meta.label_lower not in NOT_AUDITED


def _saved(sender, instance, created, raw=False, **kwargs) -> None:
    if _audited(sender) and not raw:
        audit_record(action="create" if created else "update", obj=instance)


def _deleted(sender, instance, **kwargs) -> None:
    if _audited(sender):
        audit_record(action="delete", obj=instance)


post_save.connect(_saved, dispatch_uid="cancuoc_audit_save")
post_delete.connect(_deleted, dispatch_uid="cancuoc_audit_delete")
