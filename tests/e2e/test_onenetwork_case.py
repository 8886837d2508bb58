"""One case end to end in a real browser: accept in Jiaxing, approve in Songjiang, hand over in Jiaxing, verify.

The applicant applies at the Jiaxing window for a company domiciled in Songjiang; Jiaxing's clerk accepts;
Songjiang's examiner examines and approves, which issues the licence; Jiaxing's clerk records the hand-over;
anyone verifies the licence on the public page, and a tampered payload is shown invalid.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from g60.core.demo import demo_accounts_load
from g60.onenetwork.models import Application
from tests.e2e.steps import COMPANY, LEGAL_REP_ID, PARTNER_ID, company_step_fill, log_in
from tests.signing.helpers import token_parts, token_rebuild

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()


def test_accept_in_jiaxing_approve_in_songjiang_verify_anywhere(page: Page, screenshot) -> None:  # type: ignore[no-untyped-def]
    demo_accounts_load()

    # --- the applicant: a Songjiang company, papers handed in at the Jiaxing window -----------------------------
    log_in(page, "applicant")
    page.goto("/onenetwork/applications/new/")
    company_step_fill(page, window_city="330400")

    page.locator("#id_legal_representative").fill("张明")
    page.locator("#id_legal_representative_id_number").fill(LEGAL_REP_ID)
    page.locator("#sh-name-0").fill("张明")
    page.locator("#sh-kind-0").select_option("person")
    page.locator("#sh-id-0").fill(LEGAL_REP_ID)
    page.locator("#sh-share-0").fill("60")
    page.locator("#add-shareholder").click()  # a second row, fetched by htmx
    expect(page.locator("#sh-name-1")).to_be_visible()
    page.locator("#sh-name-1").fill("李华")
    page.locator("#sh-kind-1").select_option("person")
    page.locator("#sh-id-1").fill(PARTNER_ID)
    page.locator("#sh-share-1").fill("30")
    page.locator("#save-people").click()
    # 60 + 30 is refused with the rule, and the draft keeps what was typed.
    expect(page.locator("#shareholders-errors")).to_contain_text("100")
    page.locator("#sh-share-1").fill("40")
    page.locator("#save-people").click()

    page.locator("#id_kind").select_option("articles")
    page.locator("#id_file").set_input_files({"name": "articles.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.locator("#upload-document").click()
    expect(page.locator("#documents-table")).to_contain_text("articles.pdf")
    page.locator("#continue-review").click()
    screenshot("onenetwork-1-review")
    page.locator("#submit-application").click()
    application = Application.objects.get(name=COMPANY)
    assert application.state == "submitted"
    assert (application.window_city_id, application.domicile_city_id) == ("330400", "310117")
    log_out(page)

    # --- Jiaxing's clerk accepts at the window --------------------------------------------------------------------
    log_in(page, "clerk.jiaxing")
    page.goto("/onenetwork/window/")
    page.locator(f'tr[data-reference="{application.reference}"] a').click()
    page.locator("#action-accept").click()
    expect(page.locator("#action-accept")).to_have_count(0)
    log_out(page)
    application.refresh_from_db()
    assert application.state == "accepted"

    # --- Songjiang's examiner examines and approves: the licence is issued ----------------------------------------
    log_in(page, "examiner.songjiang")
    page.goto("/onenetwork/examination/")
    page.locator(f'tr[data-reference="{application.reference}"] a').click()
    page.locator("#action-start-examination").click()
    page.locator("#action-approve").click()
    expect(page.locator("#licence-pdf")).to_be_visible()
    screenshot("onenetwork-2-approved")
    application.refresh_from_db()
    assert application.state == "licence_issued"
    licence = application.licence
    assert re.fullmatch(r"91310117[0-9A-HJ-NPQRTUWXY]{10}", licence.uscc)
    token = licence.token
    log_out(page)

    # --- Jiaxing's clerk hands the licence over ---------------------------------------------------------------------
    log_in(page, "clerk.jiaxing")
    page.goto("/onenetwork/window/hand-over/")
    page.locator(f"#hand-over-{licence.uscc}").click()
    expect(page.locator(f"#hand-over-{licence.uscc}")).to_have_count(0)
    licence.refresh_from_db()
    assert licence.handed_over_at is not None
    log_out(page)

    # --- anyone verifies it on the public page; a tampered payload is invalid -------------------------------------
    page.goto("/onenetwork/verify/")
    page.locator("#verify-token").fill(token)
    page.locator("#verify-submit").click()
    expect(page.locator("#verify-verdict")).to_have_attribute("data-valid", "true")
    expect(page.locator("#verify-facts")).to_contain_text(COMPANY)
    expect(page.locator("#verify-facts")).to_contain_text(licence.uscc)
    screenshot("onenetwork-3-verified")

    # The same signature over a payload with another company name: the signature no longer matches.
    header, signature = token_parts(token)
    header["payload"]["name"] = "上海松江冒名科技有限公司"
    page.goto("/onenetwork/verify/")
    page.locator("#verify-token").fill(token_rebuild(header, signature))
    page.locator("#verify-submit").click()
    expect(page.locator("#verify-verdict")).to_have_attribute("data-valid", "false")
    expect(page.locator("#verify-verdict")).to_have_attribute("data-reason", "bad_signature")
    screenshot("onenetwork-4-tampered")
