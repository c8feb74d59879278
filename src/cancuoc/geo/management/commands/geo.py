import time

from django.core.management.base import BaseCommand

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.services import MAPS, geo_load
from cancuoc.intake.services import application_places_fill
from cancuoc.registry.services import home_places_fill
from cancuoc.reports.rollups import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Administrative units: `geo load` loads the map of 2025 (34 provinces, 3,321 communes),"
        " the map before 1 July 2025 (63 provinces with districts) and the mapping between them."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="load the maps (idempotent); with both, the old -> new mapping too",
        )
        load.add_argument(
            "--map",
            dest="maps",
            action="append",
            choices=MAPS,
            help="2021: 63 provinces with districts, in force until 30/6/2025; "
            "2025: 34 provinces since 1/7/2025 (repeatable; default: both)",
        )

    def handle(self, *args, action: str, maps: list[str] | None, **options) -> None:
        started = time.perf_counter()
        result = geo_load(maps=maps or MAPS)
        if result.created or result.successions_created:
            # The service writes no audit row: it sits on a floor below accounts.
            audit_record(
                action="bulk_load",
                object_type="geo.administrativeunit",
                detail={"units": result.created, "successions": result.successions_created},
            )
        if result.successions_created:
            # Persons loaded and applications taken before the maps were linked: their places
            # on the old map, and the rollups counted again in both trees.
            # (home_places_fill rewrites every home's old place: the still-to-enrol figures
            # on the old map are counted again whether or not there are applications.)
            homes, applications = home_places_fill(), application_places_fill()
            if homes or applications:
                rollups_rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Đã thêm {result.created} đơn vị, {result.existing} đã có, "
            f"{result.successions_created} liên kết cũ -> mới ({seconds:.1f} s) / "
            f"created {result.created} units, {result.existing} already present, "
            f"{result.successions_created} old -> new links ({seconds:.1f} s)"
        )
