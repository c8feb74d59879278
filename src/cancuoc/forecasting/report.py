"""A catch-up plan as tables for the console, Vietnamese first; what to add to a unit in words
(the page and the API say it too, in the active language)."""

from datetime import date

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.table import Table

from .forecast import Additions, Forecast
from .plan import CatchUpPlan
from .reallocation import Reallocation


def number(n: float | None) -> str:
    """Vietnamese thousands separator: 1.171.200."""
    return "—" if n is None else f"{round(n):,}".replace(",", ".")


def rate(x: float) -> str:
    """Per day, to one decimal with a decimal comma: 12,5."""
    return f"{x:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "không xong / never"


def additions_text(additions: Additions | None) -> str:
    """What a unit must add, in the active language's words and figures."""
    if additions is None:
        return _("đã quá hạn")

    def grouped(n: int) -> str:
        return number_format(n, force_grouping=True)

    parts = []
    if n := additions.appointments_per_day:
        parts.append(_("hẹn %(n)s người/ngày") % {"n": grouped(n)})
    if n := additions.shift_count:
        parts.append(ngettext("+%(n)s ca", "+%(n)s ca", n) % {"n": grouped(n)})
    if n := additions.kit_count:
        parts.append(ngettext("+%(n)s máy", "+%(n)s máy", n) % {"n": grouped(n)})
    if n := additions.mobile_team_days:
        teams = ngettext("%(n)s tổ", "%(n)s tổ", additions.mobile_teams) % {
            "n": grouped(additions.mobile_teams)
        }
        parts.append(
            ngettext(
                "+%(n)s ngày tổ lưu động (%(teams)s)", "+%(n)s ngày tổ lưu động (%(teams)s)", n
            )
            % {"n": grouped(n), "teams": teams}
        )
    return ", ".join(parts) or "—"


def _flag(forecast: Forecast) -> str:
    if forecast.target is None:
        return "chưa giao chỉ tiêu / no target"
    return "[red]⚠ chậm / behind" if forecast.flagged else "[green]đạt / on track"


def forecast_table(plan: CatchUpPlan) -> Table:
    table = Table(
        title=f"Dự báo tiến độ {plan.unit.name} ngày {plan.on:%d/%m/%Y} / forecast by unit"
    )
    headings = [
        "Đơn vị\nunit",
        "Chỉ tiêu\ntarget",
        "Đã làm\ndone",
        "Còn lại\nleft",
        "Số ngày\ndays left",
        "Nhịp/ngày\npace/day",
        "Năng lực/ngày\ncapacity/day",
        "Máy\nkits",
        "Dự kiến xong\ndone on",
        "Cảnh báo\nflag",
        "Cần bổ sung\nto add",
        "Sau bổ sung\nthen done on",
        "Chi phí (VND)\ncost",
    ]
    for heading in headings:
        left = heading.startswith(("Đơn vị", "Cảnh báo", "Cần bổ sung"))
        table.add_column(heading, justify="left" if left else "right")
    for outlook in plan.outlooks:
        forecast, additions = outlook.forecast, outlook.additions
        behind = forecast.flagged
        table.add_row(
            forecast.unit.name,
            number(forecast.target.count if forecast.target else None),
            number(forecast.done),
            number(forecast.remaining),
            number(max(forecast.days_left, 0)),
            rate(forecast.pace),
            rate(forecast.capacity_per_day),
            number(forecast.kits),
            _day(forecast.done_on) if forecast.target else "—",
            _flag(forecast),
            additions_text(additions) if behind else "—",
            _day(outlook.after.done_on) if behind and additions else "—",
            number(outlook.cost.total) if behind else "—",
        )
    return table


def reallocation_table(reallocation: Reallocation) -> Table:
    table = Table(title="Điều chuyển, mua mới / kits and teams moved or bought, least cost")
    for heading in ["Từ / from", "Đến / to", "Loại / item"]:
        table.add_column(heading)
    for heading in ["Số lượng / count", "km", "Chi phí / cost (VND)"]:
        table.add_column(heading, justify="right")
    for move in reallocation.moves:
        table.add_row(
            move.giver.name,
            move.receiver.name,
            move.item.label,
            number(move.count),
            number(move.km),
            number(move.cost),
        )
    for purchase in reallocation.purchases:
        table.add_row(
            "mua mới / new",
            purchase.receiver.name,
            purchase.item.label,
            number(purchase.count),
            "",
            number(purchase.cost),
        )
    table.add_row("[b]Cộng / total", "", "", "", "", f"[b]{number(reallocation.total)}")
    return table


def cost_table(plan: CatchUpPlan) -> Table:
    table = Table(title="Dự toán kinh phí bù tiến độ / cost of catching up")
    for heading in ["Khoản / item", "Số lượng / quantity", "Đơn giá / price", "Thành tiền / VND"]:
        table.add_column(heading, justify="left" if heading.startswith("Khoản") else "right")
    for line in plan.cost.lines:
        table.add_row(
            line.label, number(line.quantity), number(line.unit_price), number(line.amount)
        )
    table.add_row(
        "Điều chuyển, mua mới / moves and purchases", "", "", number(plan.reallocation.total)
    )
    table.add_row("[b]Tổng cộng / total", "", "", f"[b]{number(plan.total)}")
    return table
