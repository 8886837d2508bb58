from typing import Any

from django.utils.translation import gettext as _

from g60.core.commands import ProjectCommand, column
from g60.core.demo import DEMO_PASSWORD, demo_accounts_load
from g60.onenetwork.demo import onenetwork_demo_load


class Command(ProjectCommand):
    help = "Load the demo accounts (idempotent) and print them."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_accounts_load()
        self.stdout.write(_("Demo accounts (password for all: %(password)s)") % {"password": DEMO_PASSWORD})
        for account in accounts:
            city = account.city_code or _("corridor")
            self.stdout.write(
                f"  {column(account.username, 22)} {column(account.role.value, 11)} {column(city, 9)} "
                f"{account.display_name}"
            )
        from g60.registry.generator import demo_enterprises_load

        self.stdout.write(
            _("Enterprise register: %(count)d demo enterprises (existing ones kept)")
            % {"count": demo_enterprises_load()}
        )
        self.stdout.write(_("One-network demo applications (new ones):"))
        onenetwork_demo_load(report=self.stdout.write)
