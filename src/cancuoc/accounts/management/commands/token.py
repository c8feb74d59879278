import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.models import ApiToken
from cancuoc.accounts.scope import scope_for
from cancuoc.accounts.tokens import token_issue, token_revoke
from cancuoc.accounts.totp import enrolment_code_issue


class Command(BaseCommand):
    help = (
        "Khoá API / API keys: `token issue USER --name NAME`, `token revoke PREFIX`; "
        "mã cài đặt xác thực hai lớp / two-factor enrolment code: `token enrol USER`."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a key for a user (printed once)")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="the device or program it is for")
        revoke = sub.add_parser("revoke", help="revoke the key that starts with PREFIX")
        revoke.add_argument("prefix")
        enrol = sub.add_parser(
            "enrol",
            help="a one-time code with which the user logs in once to set up the "
            "authenticator app (replaces an earlier code; printed once)",
        )
        enrol.add_argument("username")

    def handle(self, *args, action: str, **options) -> None:
        if action in {"issue", "enrol"}:
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"không có người dùng / no user {options['username']!r}")
        if action == "enrol":
            code = enrolment_code_issue(user)
            audit_record(
                action="2fa_enrolment_code_issued", obj=user, username=f"cli:{getpass.getuser()}"
            )
            self.stdout.write(code)
            return
        if action == "issue":
            if scope_for(user).empty:
                raise CommandError(
                    "người dùng chưa được phân công địa bàn / the user has no area assigned"
                )
            self.stdout.write(token_issue(user=user, name=options["name"]))
            return
        tokens = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True))
        if len(tokens) != 1:
            raise CommandError(
                f"{len(tokens)} khoá bắt đầu bằng / keys start with {options['prefix']!r}"
            )
        token_revoke(tokens[0])
        self.stdout.write(f"Đã thu hồi / revoked: {tokens[0]}")
