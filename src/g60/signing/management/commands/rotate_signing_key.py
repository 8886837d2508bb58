from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from g60.accounts.models import User
from g60.core.commands import ProjectCommand
from g60.regions.models import City
from g60.signing.services import signing_key_rotate


class Command(ProjectCommand):
    help = (
        "Retire CITY's active signing key and make a new one, acting as USERNAME (an administrator of that city). "
        "Licences signed with the retired key stay valid: its public key stays published at GET /api/v1/keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("city", help="GB/T 2260 division code, e.g. 330400")
        parser.add_argument("--user", required=True, help="the administrator doing the rotation (audited)")

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(code=options["city"]).first()
        if city is None:
            raise CommandError(_("No corridor city has the division code %(code)s.") % {"code": options["city"]})
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("No user is named %(name)s.") % {"name": options["user"]})
        try:
            key = signing_key_rotate(acting_user=user, city=city)
        except PermissionDenied as exc:
            raise CommandError(
                _("%(name)s may not rotate the signing key of %(code)s: administrators of that city only.")
                % {"name": user.username, "code": city.code}
            ) from exc
        self.stdout.write(_("New active key: %(kid)s (%(algorithm)s).") % {"kid": key.kid, "algorithm": key.algorithm})
