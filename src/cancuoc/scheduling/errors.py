"""What scheduling answers when it cannot do what was asked, in the user's language: one
wording for the pages and the API."""

from django.utils.translation import gettext_lazy as _

STATION_OUTSIDE = _("Không có điểm thu nhận này trong địa bàn của bạn.")
APPOINTMENT_OUTSIDE = _("Không có lịch hẹn này trong địa bàn của bạn.")
# %(days)s: the longest period, in days.
PERIOD_OUT_OF_RANGE = _(
    "Đến ngày không được trước từ ngày, và cả khoảng phải ngắn hơn %(days)s ngày."
)
# %(unit)s: the unit's code.
NO_TARGET = _("%(unit)s: chưa có chỉ tiêu để chia.")
