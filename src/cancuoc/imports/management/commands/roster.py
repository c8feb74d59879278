from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cancuoc.geo.models import Institution
from cancuoc.imports.errors import ImportFileError
from cancuoc.imports.rosters import roster_import
from cancuoc.lib import clock


class Command(BaseCommand):
    help = (
        "Nhập danh sách thành viên / import a school's, factory's or agency's roster: each row "
        "matched to a person of the register (by ID number, else name and date of birth)"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("institution", help="mã cơ quan, trường / institution code")
        parser.add_argument("file", type=Path)
        parser.add_argument("--deadline", type=date.fromisoformat, help="hạn hoàn thành")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, institution, file, deadline, dry_run, **options) -> None:
        found = Institution.objects.filter(code=institution).first()
        if found is None:
            raise CommandError(f"không có cơ quan / no institution {institution}")
        if not file.is_file():
            raise CommandError(f"không có tệp / no file {file}")
        try:
            result = roster_import(
                institution=found,
                path=file,
                on=clock.today(),
                deadline=deadline,
                dry_run=dry_run,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for error in result.rejected:
            self.stdout.write(f"  dòng / row {error.row}, {error.column}: {error.message}")
        self.stdout.write(
            f"{found.name}: {result.rows} dòng / rows, {result.added} thêm / added, "
            f"{result.already} đã có / already members, {len(result.rejected)} không nhận / "
            f"rejected{' (thử, không ghi / dry run)' if dry_run else ''}"
        )
