from django.core.management.base import BaseCommand, CommandError

from cancuoc.accounts.audit import (
    audit_head_advance,
    audit_head_reset,
    audit_key_source,
    audit_verify,
    head_path,
)


class Command(BaseCommand):
    help = (
        "Nhật ký / audit log: `audit verify` checks the keyed chain row by row against its "
        "signed head; `audit checkpoint` signs the head over the rows written since."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the chain and name the first broken row")
        checkpoint = sub.add_parser("checkpoint", help="sign the head over the newest rows")
        checkpoint.add_argument(
            "--reset",
            action="store_true",
            help="sign the table as it is now, whatever the old head says (a new database; "
            "audited)",
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "checkpoint":
            head = audit_head_reset() if options["reset"] else audit_head_advance()
            if head is None:
                raise CommandError(
                    f"Đầu chuỗi {head_path()} không hợp lệ / the signed head is invalid: run "
                    "`audit verify`, then `audit checkpoint --reset` if the table is trusted"
                )
            self.stdout.write(
                f"Đầu chuỗi đã ký / signed head: dòng / row {head.last_id}, {head.rows} dòng / "
                f"rows → {head_path()}"
            )
            return
        result = audit_verify()
        if not result.ok:
            where = f" ở dòng / at row {result.broken_at}" if result.broken_at else ""
            raise CommandError(
                f"Nhật ký hỏng{where} / audit log broken: {result.reason} ({result.checked} "
                "dòng trước đó đúng / rows before it are intact)"
            )
        self.stdout.write(f"Nhật ký nguyên vẹn / audit log intact: {result.checked} dòng / rows")
        self.stdout.write(f"Khoá / key: {audit_key_source()}")
        if result.head is None:
            self.stderr.write(
                f"Chưa có đầu chuỗi đã ký ({head_path()}): không kiểm tra được việc xoá các dòng "
                "cuối / no signed head yet: removal of the last rows cannot be checked; run "
                "`cancuoc audit checkpoint`"
            )
        elif result.after_head:
            self.stdout.write(
                f"{result.after_head} dòng sau đầu chuỗi đã ký / rows after the signed head "
                f"(row {result.head.last_id})"
            )
