from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cancuoc.intake.services import production_batch_apply


class Command(BaseCommand):
    help = (
        "Cập nhật trạng thái thẻ theo lô / apply a production batch file (CSV: Mã hồ sơ, "
        "Trạng thái, Ngày dd/mm/yyyy, Lô): all rows or none."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.exists():
            raise CommandError(f"không có tệp / no file {file}")
        result = production_batch_apply(file)
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} lỗi, không cập nhật gì / errors, nothing applied:\n"
                + "\n".join(result.errors)
            )
        self.stdout.write(f"{result.applied}/{result.rows} hồ sơ đã cập nhật / updated")
