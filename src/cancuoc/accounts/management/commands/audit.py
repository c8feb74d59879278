from django.core.management.base import BaseCommand, CommandError

from cancuoc.accounts.audit import audit_verify


class Command(BaseCommand):
    help = "Nhật ký / audit log: `audit verify` checks the hash chain row by row."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the chain and name the first broken row")

    def handle(self, *args, action: str, **options) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Nhật ký hỏng ở dòng {result.broken_at} / audit log broken at row "
                f"{result.broken_at}: {result.reason} ({result.checked} dòng trước đó đúng / "
                "rows before it are intact)"
            )
        self.stdout.write(f"Nhật ký nguyên vẹn / audit log intact: {result.checked} dòng / rows")
