from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cancuoc.accounts.models import ApiToken
from cancuoc.accounts.scope import scope_for
from cancuoc.accounts.tokens import token_issue, token_revoke


class Command(BaseCommand):
    help = "Khoá API / API keys: `token issue USER --name NAME`, `token revoke PREFIX`."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a key for a user (printed once)")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="the device or program it is for")
        revoke = sub.add_parser("revoke", help="revoke the key that starts with PREFIX")
        revoke.add_argument("prefix")

    def handle(self, *args, action: str, **options) -> None:
        if action == "issue":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"không có người dùng / no user {options['username']!r}")
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
