from django.core.management.base import BaseCommand

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.services import geo_load_current


class Command(BaseCommand):
    help = "Administrative units: `geo load` loads the 34 provinces and 3,321 communes of 2025."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="load the current provinces and communes (idempotent)")

    def handle(self, *args, action: str, **options) -> None:
        result = geo_load_current()
        if result.created:
            # The service writes no audit row: it sits on a floor below accounts.
            audit_record(
                action="bulk_load",
                object_type="geo.administrativeunit",
                detail={"units": result.created},
            )
        self.stdout.write(
            f"Đã thêm {result.created} đơn vị, {result.existing} đã có / "
            f"created {result.created} units, {result.existing} already present"
        )
