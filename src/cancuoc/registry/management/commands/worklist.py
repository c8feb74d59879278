from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cancuoc.accounts.audit import audit_record, cli_purpose, cli_username, purpose_help
from cancuoc.geo.selectors import UnitNotFound, unit_by_code
from cancuoc.lib.tables import UnsupportedFormat, write_table
from cancuoc.registry.choices import ResidenceBasis
from cancuoc.registry.eligibility import NoPolicy, policy_by_code, policy_in_force
from cancuoc.scheduling.worklists import worklist, worklist_columns, worklist_rows, worklist_title


class Command(BaseCommand):
    help = "Danh sách công dân cần cấp thẻ / write the worklist of a unit to XLSX or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", required=True, help="mã đơn vị (tỉnh, xã, thôn)")
        parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
        parser.add_argument("--out", type=Path, required=True, help="FILE.xlsx or FILE.csv")
        parser.add_argument(
            "--basis", choices=[b.value for b in ResidenceBasis], default=ResidenceBasis.BOTH
        )
        parser.add_argument("--policy", help="chip-2021 or law-2023 (default: the one in force)")
        parser.add_argument("--purpose", default="", help=purpose_help(1))

    def handle(
        self, *args, unit: str, as_of: date, out: Path, basis: str, policy, purpose: str, **o
    ) -> None:
        try:
            area = unit_by_code(unit)
            rules = policy_by_code(policy) if policy else policy_in_force(as_of)
            purpose = cli_purpose(purpose, default=1)
        except (UnitNotFound, NoPolicy, ValueError) as error:
            raise CommandError(str(error)) from error
        persons = worklist(unit=area, on=as_of, basis=basis, policy=rules)
        try:
            count = write_table(
                out,
                columns=worklist_columns(),
                rows=worklist_rows(persons, on=as_of, basis=basis),
                title=worklist_title(area, as_of),
            )
        except UnsupportedFormat as error:
            raise CommandError(str(error)) from error
        # full ID numbers and phones leave the system: who, what, how many and why
        audit_record(
            action="export",
            obj=area,
            purpose=purpose,
            username=cli_username(),
            detail={
                "document": "worklist",
                "rows": count,
                "as_of": as_of.isoformat(),
                "basis": basis,
                "format": out.suffix.lstrip(".").lower(),
            },
        )
        self.stdout.write(f"{count} người → {out}  ({rules.title})")
