"""Deterministic demo accounts: the same usernames and password on every machine, listed in README.md."""

from dataclasses import dataclass

from django.db import transaction

from g60.accounts.models import Role, User
from g60.accounts.services import membership_grant, user_create
from g60.regions.models import City

DEMO_PASSWORD = "G60-demo-2026"  # noqa: S105 - published demo password, never used outside the demo

# City slugs used in demo usernames, by division code.
CITY_SLUGS = {
    "310117": "songjiang",
    "330400": "jiaxing",
    "330100": "hangzhou",
    "330700": "jinhua",
    "330500": "huzhou",
    "320500": "suzhou",
    "341800": "xuancheng",
    "340200": "wuhu",
    "340100": "hefei",
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    city_code: str | None
    display_name: str
    superuser: bool = False


def _city_accounts(role: Role, prefix: str, label_zh: str, label_en: str, codes: list[str]) -> list[DemoAccount]:
    names = {
        "310117": ("松江", "Songjiang"),
        "330400": ("嘉兴", "Jiaxing"),
        "330100": ("杭州", "Hangzhou"),
        "320500": ("苏州", "Suzhou"),
        "340200": ("芜湖", "Wuhu"),
        "340100": ("合肥", "Hefei"),
    }
    return [
        DemoAccount(
            username=f"{prefix}.{CITY_SLUGS[code]}",
            role=role,
            city_code=code,
            display_name=f"{names[code][0]}{label_zh} · {names[code][1]} {label_en}",
        )
        for code in codes
    ]


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("admin", Role.ADMIN, None, "平台管理员 · Platform administrator", superuser=True),
    DemoAccount("analyst", Role.ANALYST, None, "走廊分析员 · Corridor analyst"),
    DemoAccount("applicant", Role.APPLICANT, None, "张明 · Zhang Ming (applicant)"),
    DemoAccount("applicant2", Role.APPLICANT, None, "李华 · Li Hua (applicant)"),
    *_city_accounts(Role.CLERK, "clerk", "窗口受理员", "window clerk", ["330400", "310117", "330100", "340100"]),
    *_city_accounts(Role.EXAMINER, "examiner", "登记审核员", "examiner", ["310117", "330400", "320500", "340100"]),
    *_city_accounts(Role.IP_OFFICER, "ip", "知识产权专员", "IP officer", ["310117", "320500", "340200"]),
]


@transaction.atomic
def demo_accounts_load() -> list[DemoAccount]:
    """Create the demo accounts and their memberships; running it again changes nothing."""
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = user_create(
                acting_user=None,
                username=account.username,
                password=DEMO_PASSWORD,
                display_name=account.display_name,
                email=f"{account.username}@demo.g60.example.cn",
                is_superuser=account.superuser,
            )
        city = City.objects.get(code=account.city_code) if account.city_code else None
        membership_grant(acting_user=None, user=user, role=account.role, city=city)
    return DEMO_ACCOUNTS
