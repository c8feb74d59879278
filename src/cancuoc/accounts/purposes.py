"""Why a list of names leaves the system (mục đích): asked of every download and export and
kept in its audit row. Stored as said here (the audit log keeps them in Vietnamese), shown
translated."""

from django.utils.translation import gettext_noop

PURPOSES = [
    gettext_noop("Rà soát, vận động công dân làm thủ tục cấp thẻ"),
    gettext_noop("Lập kế hoạch thu nhận, hẹn lịch"),
    gettext_noop("Báo cáo cấp trên"),
]
