from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cancuoc.intake.services import production_batch_apply


class Command(BaseCommand):
    help = gettext_lazy(
        "Cập nhật trạng thái thẻ theo lô từ tệp CSV (Mã hồ sơ, Trạng thái, Ngày dd/mm/yyyy, "
        "Lô): cập nhật cả tệp hoặc không cập nhật gì."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.exists():
            raise CommandError(_("Không có tệp %(file)s") % {"file": file})
        result = production_batch_apply(file)
        if result.errors:
            heading = ngettext(
                "%(count)d lỗi, không cập nhật gì:",
                "%(count)d lỗi, không cập nhật gì:",
                len(result.errors),
            ) % {"count": len(result.errors)}
            raise CommandError("\n".join([heading, *result.errors]))
        self.stdout.write(
            _("Đã cập nhật %(applied)d trên %(rows)d hồ sơ.")
            % {"applied": result.applied, "rows": result.rows}
        )
