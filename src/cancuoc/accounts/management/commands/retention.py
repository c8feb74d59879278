from django.conf import settings
from django.core.management.base import BaseCommand

from cancuoc.accounts.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Thời hạn lưu / retention: `retention apply` archives audit rows older than "
        "CANCUOC_AUDIT_RETENTION_DAYS and deletes import files older than "
        "CANCUOC_IMPORT_RETENTION_DAYS."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        apply = sub.add_parser("apply", help="archive and delete what is past its period")
        apply.add_argument("--dry-run", action="store_true", help="only say what would go")

    def handle(self, *args, action: str, dry_run: bool, **options) -> None:
        result = retention_apply(dry_run=dry_run)
        verb = "sẽ" if dry_run else "đã"
        where = f" → {result.audit.archive}" if result.audit.archive else ""
        self.stdout.write(
            f"Nhật ký / audit: {verb} lưu trữ {result.audit.rows} dòng (quá "
            f"{settings.CANCUOC_AUDIT_RETENTION_DAYS} ngày){where}\n"
            f"Tệp nhập / import files: {verb} xoá {len(result.import_files)} tệp (quá "
            f"{settings.CANCUOC_IMPORT_RETENTION_DAYS} ngày)"
        )
