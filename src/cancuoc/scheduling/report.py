"""The policy comparison as a table: for the console and the benchmark."""

from rich.table import Table

from .simulation import Comparison


def comparison_table(result: Comparison) -> Table:
    station = result.station
    table = Table(
        title=f"Điểm {station.kits} bộ máy, {station.capture_minutes:g} phút/người, "
        f"vắng {station.no_show:.0%} / {station.kits} kits, {station.no_show:.0%} no-shows"
    )
    for heading in [
        "Cách hẹn / policy",
        "Máy bận / utilisation",
        "Chờ TB / mean wait",
        "Chờ p90",
        "Làm thêm / overtime",
        "Người/ngày",
        "",
    ]:
        table.add_column(heading, justify="left" if heading.startswith("Cách") else "right")
    for outcome in result.outcomes:
        chosen = outcome is result.recommended
        table.add_row(
            outcome.policy.label,
            f"{outcome.utilisation:.1%}",
            f"{outcome.mean_wait:.1f} ph",
            f"{outcome.p90_wait:.1f} ph",
            f"{outcome.overtime:.0f} ph",
            f"{outcome.served_per_day:.0f}",
            "◀ đề xuất / recommended" if chosen else "",
            style="bold" if chosen else None,
        )
    return table
