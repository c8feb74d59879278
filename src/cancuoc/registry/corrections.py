"""Phiếu DC02: corrections of a person's data, filed with a reason and evidence, reviewed by
an authorised officer, applied whole through ``person_update`` (so each field's before and
after, who and why, are in the history) or rejected with a reason; every request is kept."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cancuoc.accounts.audit import audit_record
from cancuoc.lib.errors import DomainError

from .models import CorrectionRequest, CorrectionState, Person
from .services import PERSON_EDITABLE, person_update

# Which fields a DC02 may change (a household move is not a correction of data).
CORRECTABLE = PERSON_EDITABLE - {"household"}


class CorrectionRefused(DomainError, ValueError):
    """A correction that cannot be filed or decided, saying why in the active language."""


def _value(name: str, text: str) -> Any:
    """The typed value of a field from what the form says (dates also as dd/mm/yyyy)."""
    field = Person._meta.get_field(name)
    if field.get_internal_type() == "DateField" and "/" in text:
        try:
            text = datetime.strptime(text.strip(), "%d/%m/%Y").date().isoformat()
        except ValueError as error:
            raise CorrectionRefused(
                _("%(field)s: “%(text)s” không phải ngày (dd/mm/yyyy)")
                % {"field": name, "text": text}
            ) from error
    try:
        value = field.to_python(text.strip() if isinstance(text, str) else text)
        if field.choices and value not in dict(field.choices):
            raise ValidationError(
                _("không thuộc danh sách: %(values)s") % {"values": ", ".join(dict(field.choices))}
            )
    except ValidationError as error:
        raise CorrectionRefused(f"{name}: {'; '.join(error.messages)}") from error
    return value


def _typed(changes: dict[str, str]) -> dict[str, Any]:
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise CorrectionRefused(
            _("Không sửa được các trường: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    return {name: _value(name, str(text)) for name, text in changes.items()}


def correction_check(*, person: Person, changes: dict, reason: str, evidence: str) -> None:
    """Whether a request can be filed: raises ``CorrectionRefused`` saying why not."""
    if not reason.strip() or not evidence.strip():
        raise CorrectionRefused(_("Cần ghi lý do và giấy tờ chứng minh."))
    if not isinstance(changes, dict) or not changes:
        raise CorrectionRefused(_("Cần nêu trường và giá trị mới."))
    typed = _typed(changes)
    if all(getattr(person, name) == value for name, value in typed.items()):
        raise CorrectionRefused(_("Không có gì thay đổi."))


@transaction.atomic
def correction_file(
    *, person: Person, changes: dict[str, str], reason: str, evidence: str, by=None
) -> CorrectionRequest:
    correction_check(person=person, changes=changes, reason=reason, evidence=evidence)
    request = CorrectionRequest.objects.create(
        person=person,
        changes={k: str(v) for k, v in changes.items()},
        reason=reason.strip(),
        evidence=evidence.strip()[:255],
        filed_by=by,
    )
    audit_record(action="dc02-file", obj=request, user=by, detail={"fields": sorted(changes)})
    return request


def _decided(request: CorrectionRequest) -> CorrectionRequest:
    locked = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.state != CorrectionState.FILED:
        raise CorrectionRefused(
            _("Phiếu DC02 số %(number)s đã được xử lý (%(state)s).")
            % {"number": locked.pk, "state": locked.get_state_display()}
        )
    return locked


@transaction.atomic
def correction_apply(*, request: CorrectionRequest, by=None, note: str = "") -> CorrectionRequest:
    """Approve and apply every change of the request at once, or none."""
    request = _decided(request)
    person_update(
        person=request.person,
        changes=_typed(request.changes),
        by=by,
        source="DC02",
        reason=f"DC02 #{request.pk}: {request.reason} ({request.evidence})",
    )
    request.state, request.reviewed_by, request.reviewed_at = (
        CorrectionState.APPLIED,
        by,
        timezone.now(),
    )
    request.review_note = note.strip()[:255]
    request.save()
    audit_record(action="dc02-apply", obj=request, user=by)
    return request


@transaction.atomic
def correction_reject(*, request: CorrectionRequest, note: str, by=None) -> CorrectionRequest:
    if not note.strip():
        raise CorrectionRefused(_("Cần ghi lý do từ chối."))
    request = _decided(request)
    request.state, request.reviewed_by, request.reviewed_at = (
        CorrectionState.REJECTED,
        by,
        timezone.now(),
    )
    request.review_note = note.strip()[:255]
    request.save()
    audit_record(action="dc02-reject", obj=request, user=by)
    return request
