"""Who may change what: the one table of actions × roles.

Seeing is decided by :mod:`cancuoc.accounts.scope` (which area, persons or figures only);
changing anything is decided here, by role and area together: a role may take an action only
inside the area of an assignment that carries that role. Every page, form and API operation
that writes goes through :func:`action_required` (which marks it and refuses roles that may
never take the action) and, once it knows the unit it writes to, :func:`require_action`.
tests/accounts/test_write_matrix.py asks every write route as every role and compares the
answers with :data:`MAY`.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Role
from .scope import scope_for


class Action(StrEnum):
    SPLIT_TARGETS = "split_targets"
    MAKE_SLOTS = "make_slots"
    PLAN_VISITS = "plan_visits"
    ASSIGN_APPOINTMENTS = "assign_appointments"
    RECORD_CAPTURE = "record_capture"
    APPROVE_APPLICATION = "approve_application"  # approved, in production, produced, rejected
    HAND_OUT_CARD = "hand_out_card"  # delivered to the locality, handed to the citizen
    DECIDE_DUPLICATES = "decide_duplicates"
    HAND_OVER = "hand_over"
    DECIDE_HANDOVER = "decide_handover"
    FILE_CORRECTION = "file_correction"
    APPROVE_CORRECTION = "approve_correction"
    RAISE_OBSTACLE = "raise_obstacle"
    SEND_SMS = "send_sms"
    IMPORT_PERSONS = "import_persons"


LABELS = {
    Action.SPLIT_TARGETS: gettext_lazy("chia chỉ tiêu"),
    Action.MAKE_SLOTS: gettext_lazy("tạo khung giờ hẹn"),
    Action.PLAN_VISITS: gettext_lazy("lập lịch tổ lưu động"),
    Action.ASSIGN_APPOINTMENTS: gettext_lazy("xếp lịch hẹn"),
    Action.RECORD_CAPTURE: gettext_lazy("ghi hồ sơ thu nhận"),
    Action.APPROVE_APPLICATION: gettext_lazy("duyệt hồ sơ, chuyển sản xuất thẻ"),
    Action.HAND_OUT_CARD: gettext_lazy("nhận thẻ về địa phương, trả thẻ"),
    Action.DECIDE_DUPLICATES: gettext_lazy("hợp nhất hoặc tách bản ghi nghi trùng"),
    Action.HAND_OVER: gettext_lazy("đề nghị bàn giao người vắng mặt"),
    Action.DECIDE_HANDOVER: gettext_lazy("tiếp nhận hoặc từ chối bàn giao"),
    Action.FILE_CORRECTION: gettext_lazy("lập phiếu điều chỉnh (DC02)"),
    Action.APPROVE_CORRECTION: gettext_lazy("duyệt phiếu điều chỉnh (DC02)"),
    Action.RAISE_OBSTACLE: gettext_lazy("báo khó khăn, vướng mắc"),
    Action.SEND_SMS: gettext_lazy("gửi tin nhắn"),
    Action.IMPORT_PERSONS: gettext_lazy("nhập danh sách công dân"),
}

_COMMAND = {Role.NATIONAL, Role.PROVINCE_COMMAND}
_COMMUNE = _COMMAND | {Role.COMMUNE_OFFICER}
_FIELD = _COMMUNE | {Role.TEAM_LEADER}
_STATION = _FIELD | {Role.STATION_OPERATOR}

# The matrix. A viewer changes nothing; a station operator records captures and hands out
# cards; the team leader also plans the team's day; the commune police own their register
# (duplicates, hand-overs, targets of their villages); approval of applications and of
# corrections stays with the command. A justice officer files corrections (hộ tịch).
MAY: dict[Action, frozenset[Role]] = {
    Action.SPLIT_TARGETS: frozenset(_COMMUNE),
    Action.MAKE_SLOTS: frozenset(_FIELD),
    Action.PLAN_VISITS: frozenset(_FIELD),
    Action.ASSIGN_APPOINTMENTS: frozenset(_FIELD),
    Action.RECORD_CAPTURE: frozenset(_STATION),
    Action.APPROVE_APPLICATION: frozenset(_COMMAND),
    Action.HAND_OUT_CARD: frozenset(_STATION),
    Action.DECIDE_DUPLICATES: frozenset(_COMMUNE),
    Action.HAND_OVER: frozenset(_COMMUNE),
    Action.DECIDE_HANDOVER: frozenset(_COMMUNE),
    Action.FILE_CORRECTION: frozenset(_COMMUNE | {Role.JUSTICE_OFFICER}),
    Action.APPROVE_CORRECTION: frozenset(_COMMAND),
    Action.RAISE_OBSTACLE: frozenset(_STATION | {Role.JUSTICE_OFFICER}),
    Action.SEND_SMS: frozenset(_COMMUNE),
    Action.IMPORT_PERSONS: frozenset(_COMMUNE),
}


def refused(action: Action) -> PermissionDenied:
    return PermissionDenied(
        _("Vai trò của bạn không được %(action)s ở địa bàn này.") % {"action": LABELS[action]}
    )


def require_action(user, action: Action, path: str) -> None:
    """Refuse unless one of the user's assignments both allows ``action`` and covers the unit
    at ``path`` (a national assignment covers every unit)."""
    # An empty path would mean "any of the user's areas" to Scope.permits: never here.
    if not path or not scope_for(user).permits(MAY[action], path):
        raise refused(action)


def action_required(*actions: Action) -> Callable:
    """Mark a view or API operation as taking one of ``actions`` and refuse, before it reads
    any input, users none of whose roles may ever take them. The view still calls
    :func:`require_action` with the action it takes and the unit it writes to."""
    roles = frozenset().union(*(MAY[action] for action in actions))

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not scope_for(request.user).permits(roles):
                raise refused(actions[0])
            return view(request, *args, **kwargs)

        wrapper.actions = actions
        return wrapper

    return decorate
