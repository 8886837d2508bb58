"""The pages work in a real browser under the Content-Security-Policy, and the browser reports no violation.

Every `securitypolicyviolation` event of every page opened (reported to the test through an exposed function,
which outlives navigations), every console message about the policy and every uncaught script error fails the
test: the main pages, an htmx search, the name check, adding and removing shareholder rows, the licence check
and the API's Swagger UI (under its own policy, g60.api.root).
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Response, expect

from g60.core.demo import demo_accounts_load
from g60.onenetwork.models import Application
from tests.e2e.steps import COMPANY, LEGAL_REP_ID, PARTNER_ID, company_step_fill, log_in
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.g60CspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def violations(page: Page) -> Iterator[list[str]]:
    """What the browser reported against the policy (and any uncaught script error) while the test ran."""
    found: list[str] = []
    page.expose_function("g60CspViolation", lambda text: found.append(f"{page.url}: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: console: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"{page.url}: script error: {error}"))
    yield found
    assert found == []


def _open(page: Page, url: str) -> Response:
    response = page.goto(url)
    assert response is not None and response.ok, url
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    return response


def test_pages_work_under_the_policy(page: Page, violations: list[str]) -> None:
    demo_accounts_load()
    EnterpriseFactory(name="苏州芯链微电子有限公司", name_en="Suzhou Chiplink Microelectronics Co., Ltd.")

    # The home page: htmx is configured without its injected <style> and without eval.
    _open(page, "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate("() => [htmx.config.includeIndicatorStyles, htmx.config.allowEval]") == [False, False]
    assert page.locator("style").count() == 0

    # The register: typing searches through htmx, and the results are swapped in.
    _open(page, "/register/")
    assert page.evaluate("() => htmx.config.responseHandling.some((rule) => rule.code === '400' && rule.swap)")
    page.locator("#reg-q").fill("Chiplink")
    expect(page.locator("#reg-results")).to_contain_text("苏州芯链微电子有限公司")
    expect(page).to_have_url(re.compile(r"/register/\?q=Chiplink&"))
    page.locator("#reg-q").fill("无此企业")
    expect(page.locator("#reg-results")).not_to_contain_text("苏州芯链微电子有限公司")

    # The licence check, answered through htmx.
    _open(page, "/onenetwork/verify/")
    page.locator("#verify-token").fill("not a licence")
    page.locator("#verify-submit").click()
    expect(page.locator("#verify-verdict")).to_have_attribute("data-valid", "false")

    # The API's docs: Swagger UI renders the operations and an opened one (its icons are data: images).
    _open(page, "/api/v1/docs")
    page.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    expect(page.get_by_role("button", name="Execute").first).to_be_visible()

    # Log in; a new application: the name check (htmx), then the shareholders.
    log_in(page, "applicant")
    _open(page, "/onenetwork/applications/new/")
    company_step_fill(page, window_city="310117")

    page.locator("#id_legal_representative").fill("张明")
    page.locator("#id_legal_representative_id_number").fill(LEGAL_REP_ID)
    page.locator("#sh-name-0").fill("张明")
    page.locator("#sh-id-0").fill(LEGAL_REP_ID)
    page.locator("#sh-share-0").fill("60")
    # Two rows added by htmx, each with the next index (site.js sends it: no js: value, which needs eval).
    page.locator("#add-shareholder").click()
    expect(page.locator("#sh-name-1")).to_be_visible()
    page.locator("#add-shareholder").click()
    expect(page.locator("#sh-name-2")).to_be_visible()
    page.locator("#sh-name-1").fill("李华")
    page.locator("#sh-id-1").fill(PARTNER_ID)
    page.locator("#sh-share-1").fill("40")
    page.locator("#sh-name-2").fill("王五")
    page.locator("#sh-share-2").fill("25")
    # The remove button (a handler site.js attaches, no onclick=) takes its row away, and only its row.
    page.locator("#remove-shareholder-2").click()
    expect(page.locator("#shareholder-2")).to_have_count(0)
    expect(page.locator("#shareholder-rows fieldset")).to_have_count(2)
    # A row added after a removal gets an index no row has.
    page.locator("#add-shareholder").click()
    expect(page.locator("#sh-name-2")).to_be_visible()
    expect(page.locator("#shareholder-rows fieldset")).to_have_count(3)
    page.locator("#remove-shareholder-2").click()
    expect(page.locator("#shareholder-rows fieldset")).to_have_count(2)
    # 60 + 40 = 100 %: the removed rows were not sent, so the step is saved.
    page.locator("#save-people").click()
    expect(page.locator("#upload-document")).to_be_visible()
    application = Application.objects.get(name=COMPANY)
    assert sorted(application.shareholders.values_list("name", flat=True)) == ["张明", "李华"]
    assert page.locator("style").count() == 0
