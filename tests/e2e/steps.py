"""What the browser tests do alike: logging in as a demo account, and the ID numbers they type."""

from playwright.sync_api import Page, expect

from g60.core.demo import DEMO_PASSWORD

COMPANY = "上海松江启明星链科技有限公司"


def id_number(first17: str) -> str:
    """A resident ID number (GB 11643) from its first 17 digits and the check character they make."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


LEGAL_REP_ID = id_number("31011719850312001")
PARTNER_ID = id_number("33040219900708002")


def log_in(page: Page, username: str) -> None:
    """Log in as a demo account (demo_accounts_load) through the login page; it lands on the workspace."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/workspace/")


def company_step_fill(page: Page, *, window_city: str) -> None:
    """On the new application's first step: a Songjiang company named COMPANY, applied for at `window_city`'s
    window; htmx checks the name when it changes and shows its parts; then saved."""
    page.locator("#id_domicile_city").select_option("310117")
    page.locator("#id_window_city").select_option(window_city)
    page.locator("#id_form").select_option("company")
    page.locator("#id_industry_code").fill("I6513")
    page.locator("#id_name").fill(COMPANY)
    page.locator("#id_name").press("Tab")
    expect(page.locator("#name-check")).to_contain_text("启明星链")
    page.locator("#id_name_en").fill("Shanghai Songjiang Qiming Xinglian Technology Co., Ltd.")
    page.locator("#id_registered_capital_wan").fill("1000")
    page.locator("#id_address").fill("上海市松江区新桥镇 G60 科创云廊 5 号楼")
    page.locator("#id_business_scope").fill("卫星互联网软件开发；技术服务")
    page.locator("#save-company").click()
