from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from g60.accounts.models import User
from g60.api.models import ApiToken
from g60.api.services import api_token_create
from g60.core.commands import ProjectCommand


class Command(ProjectCommand):
    help = "Print a new bearer token for USERNAME (for the API's Authorization: Bearer header)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="a label to recognise the token by")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(_("There is no active user named %(name)s.") % {"name": options["username"]})
        # Checked here: SQLite would store a longer name whole, PostgreSQL refuse it with a DataError.
        limit = ApiToken._meta.get_field("name").max_length or 0
        if len(options["name"]) > limit:
            raise CommandError(
                _("--name: at most %(limit)d characters (this one has %(length)d).")
                % {"limit": limit, "length": len(options["name"])}
            )
        _row, token = api_token_create(acting_user=None, user=user, name=options["name"])
        self.stdout.write(token)
