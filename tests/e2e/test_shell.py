"""The UI shell in a real browser: a demo user logs in, sees their own work, switches language."""

import pytest
from playwright.sync_api import Page, expect

from g60.core.demo import demo_accounts_load
from tests.e2e.steps import log_in

# Transactional: the live server runs in another thread (tests/conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_clerk_logs_in_and_switches_language(page: Page, screenshot) -> None:  # type: ignore[no-untyped-def]
    demo_accounts_load()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("One network for the nine cities of the G60 corridor")
    log_in(page, "clerk.jiaxing")
    expect(page).to_have_url("/workspace/")
    expect(page.get_by_role("heading", name="Acceptance window")).to_be_visible()
    # A clerk's navigation has no audit trail; an administrator's does.
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail")).to_have_count(0)
    screenshot("workspace-clerk-en")

    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的工作台")
    expect(page.get_by_role("heading", name="受理窗口")).to_be_visible()
    screenshot("workspace-clerk-zh")


def test_wrong_password_shows_an_error_and_no_session(page: Page) -> None:
    demo_accounts_load()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("clerk.jiaxing")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.goto("/workspace/")
    expect(page).to_have_url("/accounts/login/?next=/workspace/")
