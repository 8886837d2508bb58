from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from g60.accounts.models import Role, User
from g60.accounts.services import membership_grant
from g60.core.commands import ProjectCommand
from g60.regions.models import City


class Command(ProjectCommand):
    help = "Grant USERNAME the ROLE, for the city with division code CITY (omit for applicants/corridor-wide)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("city", nargs="?", default=None, help="GB/T 2260 division code, e.g. 330400")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user is named %(name)s.") % {"name": options["username"]})
        city = None
        if options["city"]:
            city = City.objects.filter(code=options["city"]).first()
            if city is None:
                raise CommandError(_("No corridor city has the division code %(code)s.") % {"code": options["city"]})
        try:
            membership = membership_grant(acting_user=None, user=user, role=options["role"], city=city)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{user.username}: {membership}")
