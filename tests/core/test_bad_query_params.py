"""Bad input to the HTML pages: every page answers it with a clear error naming the field and the rule (in the
user's language), or a 4xx, or the page unchanged; never a 500, and nothing is written half.

NUL bytes are the classic: PostgreSQL refuses them in text, so a NUL that reaches a query answers 500 there while
SQLite takes it. Run this file on both databases (DATABASE_URL=postgres://… for PostgreSQL).
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from g60.accounts.models import Role
from g60.accounts.permissions import RULES
from g60.audit.models import AuditEvent
from g60.core.access import AUTHENTICATED, PUBLIC
from g60.onenetwork.models import Application, Licence
from g60.registry.constants import ImportJobStatus
from g60.registry.importing import COLUMNS
from g60.registry.models import Enterprise, ImportJob
from tests.core.test_url_access import ACCESS_MAP, ALLOWED_GET_STATUS, URL_KWARGS
from tests.onenetwork.factories import (
    JIAXING,
    SONGJIANG,
    ApplicantFactory,
    advance,
    complete_values,
    draft,
    official,
    resident_id,
)
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
NULL_EN = "Null characters are not allowed."
NULL_ZH = "不能包含空字符（NUL）。"  # ours (src/g60/locale): Django's says "empty string"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    return tmp_path


def speaking(client: Client, language: str = "en") -> Client:
    client.cookies["django_language"] = language
    return client


# --- Every page, every parameter ---------------------------------------------------------------------------

# Every query parameter a page reads, all sent at once with the same bad value.
PARAMETERS = [
    *("page", "limit", "offset", "year", "capital_min", "capital_max", "city", "status", "industry", "sort", "q"),
    *("format", "action", "object_type", "verify", "application", "name", "form", "domicile_city"),
    *("industry_code", "index", "token", "next", "language"),
]
# Raw query-string values: a NUL byte, a number past any integer column, a word, a negative, UTF-8 bytes of a lone
# surrogate (decoded to U+FFFD), an SQL-ish sort.
BAD_VALUES = ["a%00b", "1" + "0" * 20, "abc", "-1", "%ED%A0%80", "name%3BDROP%20TABLE%20x--"]
# Pages that check their parameters and answer 400 with the errors; the rest ignore what they do not understand.
VALIDATING = {"registry:search", "registry:export"}


def _client_for_rule(name: str, make_user, client_for) -> Client:  # type: ignore[no-untyped-def]
    rule = ACCESS_MAP[name]
    if rule == PUBLIC:
        return Client()
    if rule == AUTHENTICATED:
        return client_for(make_user())
    role = sorted(RULES[rule].roles)[0]
    city = None if role in (Role.APPLICANT, Role.ANALYST, Role.ADMIN) else "330400"
    return client_for(make_user(role, city))


@pytest.mark.parametrize("name", sorted(ACCESS_MAP))
def test_bad_values_in_every_parameter_of_every_page(name: str, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    client = speaking(_client_for_rule(name, make_user, client_for))
    url = reverse(name, kwargs=URL_KWARGS.get(name))
    for value in BAD_VALUES:
        once = "&".join(f"{parameter}={value}" for parameter in PARAMETERS)
        repeated = "&".join(f"{parameter}=1&{parameter}={value}" for parameter in PARAMETERS)  # the last one counts
        for query, headers in [(once, {}), (once, {"HX-Request": "true"}), (repeated, {})]:
            response = client.get(url, QUERY_STRING=query, headers=headers)
            if name in VALIDATING:
                assert response.status_code == 400, (name, value, headers)
                assert "year: " in response.content.decode()
            elif name == "audit:events" and "%00" in value:
                assert response.status_code == 400, (name, value, headers)
                assert f"Action: {NULL_EN}" in response.content.decode()
            else:
                assert response.status_code == ALLOWED_GET_STATUS.get(name, 200), (name, value, headers)


# --- The register's search and export ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "language", "message"),
    [
        # page=10**20: its offset overflowed the database's integers (500 on both databases).
        ({"page": "1" + "0" * 20}, "en", "page: Between 1 and 500001."),
        ({"page": "1" + "0" * 20}, "zh-hans", "page: 须在 1 与 500001 之间。"),
        # A NUL byte in any parameter is named, not sent to the database.
        ({"q": NUL}, "en", f"q: {NULL_EN}"),
        ({"q": NUL}, "zh-hans", f"q: {NULL_ZH}"),
        ({"city": NUL}, "en", f"city: {NULL_EN}"),
        ({"industry": NUL, "q": "芯"}, "en", f"industry: {NULL_EN}"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_search_names_the_bad_parameter(params: dict[str, str], language: str, message: str, htmx: bool) -> None:
    EnterpriseFactory(name="苏州华芯链科技有限公司")
    headers = {"HX-Request": "true"} if htmx else {}
    response = speaking(Client(), language).get(reverse("registry:search"), params, headers=headers)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "华芯链" not in page  # no results beside the error
    assert page.lstrip().startswith("<ul") is htmx  # htmx gets the results' partial only


def test_the_search_page_lets_htmx_show_its_400_answers() -> None:
    """htmx swaps no 4xx by default: the errors of a search with a bad filter were never shown."""
    page = Client().get(reverse("registry:search")).content.decode()
    assert '<meta name="htmx-config"' in page and '{"code": "400", "swap": true}' in page


def test_search_links_keep_a_query_with_an_ampersand(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory(name="苏州测试科技有限公司", name_en="Suzhou R&D Ltd")
    page = client_for(make_user(Role.ANALYST)).get(reverse("registry:search"), {"q": "R&D"}).content.decode()
    # The export link carried `?q=R&D&format=csv`: the text cut at the ampersand, the export of "R".
    assert f"{reverse('registry:export')}?q=R%26D&amp;format=csv" in page


@pytest.mark.parametrize("params", [{"q": NUL}, {"city": NUL}, {"page": "x", "sort": NUL}])
def test_export_refuses_a_nul_byte_and_records_nothing(params: dict[str, str], make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory()
    response = speaking(client_for(make_user(Role.ANALYST))).get(reverse("registry:export"), params)
    assert response.status_code == 400
    field = next(key for key, value in params.items() if value == NUL)
    assert f"{field}: {NULL_EN}" in response.content.decode()
    assert not AuditEvent.objects.filter(action="enterprise.export").exists()


@pytest.mark.parametrize("uscc", [NUL, "91320500MA1XLH608E\x00", "\x00"])
def test_detail_and_archive_of_a_code_with_a_nul_byte_are_not_found(uscc: str, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(reverse("registry:detail", kwargs={"uscc": uscc})).status_code == 404
    examiner = client_for(make_user(Role.EXAMINER, "310117"))
    response = examiner.post(reverse("registry:archive", kwargs={"uscc": uscc}), {"reason": "merged"})
    assert response.status_code == 404


@pytest.mark.parametrize(("language", "message"), [("en", f"Reason for archiving: {NULL_EN}"), ("zh-hans", NULL_ZH)])
def test_archive_reason_with_a_nul_byte_is_refused(language: str, message: str, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    enterprise = EnterpriseFactory(city_id="310117")
    examiner = speaking(client_for(make_user(Role.EXAMINER, "310117")), language)
    url = reverse("registry:archive", kwargs={"uscc": enterprise.uscc})
    response = examiner.post(url, {"reason": NUL}, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    enterprise.refresh_from_db()
    assert not enterprise.archived and enterprise.archived_reason == ""


# --- The audit trail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "language", "message"),
    [
        ({"action": NUL}, "en", f"Action: {NULL_EN}"),
        ({"object_type": NUL}, "en", f"Object type: {NULL_EN}"),
        ({"action": NUL, "page": "2"}, "zh-hans", f"操作: {NULL_ZH}"),
    ],
)
def test_audit_filter_with_a_nul_byte_is_named(
    params: dict[str, str], language: str, message: str, make_user, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = speaking(client_for(make_user(Role.ADMIN)), language).get(reverse("audit:events"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


# --- The application form ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("domicile_city", NUL), ("name", NUL), ("domicile_city", "\x00")])
def test_company_step_names_a_nul_byte_and_saves_nothing(field: str, value: str, client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    web = speaking(client_for(applicant))
    values = {**complete_values(), field: value}
    for headers in ({}, {"HX-Request": "true"}):
        response = web.post(reverse("onenetwork:application_new"), values, headers=headers)
        assert response.status_code == 200
        page = response.content.decode()
        assert f'id="id_{field}-errors"' in page
    assert not Application.objects.filter(applicant=applicant).exists()


@pytest.mark.parametrize(
    "params",
    [
        {"name": "上海明远信息技术有限公司", "domicile_city": NUL},
        {"name": "上海明远\x00信息技术有限公司", "domicile_city": SONGJIANG},
        {"name": "上海明远信息技术有限公司", "domicile_city": "999999"},
    ],
)
def test_live_name_check_with_bad_input_answers_the_check(params: dict[str, str], client_for) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory(city_id=SONGJIANG, name="上海明远信息技术有限公司")
    web = speaking(client_for(ApplicantFactory()))
    response = web.get(reverse("onenetwork:name_check"), {**params, "form": "company"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="name-check"' in html
    if "\x00" in params["name"]:
        assert 'data-code="characters"' in html  # refused: not standard Chinese characters


@pytest.mark.parametrize(
    ("name", "message"),
    [(NUL, NULL_EN), ("张" * 101, "Ensure this value has at most 100 characters (it has 101).")],
)
def test_shareholder_name_that_cannot_be_stored_is_named(name: str, message: str, client_for) -> None:  # type: ignore[no-untyped-def]
    application = draft()
    web = speaking(client_for(application.applicant))
    response = web.post(
        reverse("onenetwork:step_people", args=[application.public_id]),
        {
            "legal_representative": "张明",
            "legal_representative_id_number": resident_id(1),
            "sh_name": [name],
            "sh_kind": ["person"],
            "sh_id_number": [resident_id(1)],
            "sh_share": ["100"],
        },
    )
    assert response.status_code == 200
    fieldset = response.content.decode().split('id="shareholder-0"', 1)[1].split("</fieldset>", 1)[0]
    assert f'<ul class="errorlist"><li>{message}</li></ul>' in fieldset
    assert [s.name for s in application.shareholders.all()] == ["张明", "华为技术有限公司"]  # unchanged


@pytest.mark.parametrize(("party", "step"), [("applicant", "withdraw"), ("clerk", "return"), ("clerk", "reject")])
@pytest.mark.parametrize(("language", "message"), [("en", f"Reason: {NULL_EN}"), ("zh-hans", f"理由: {NULL_ZH}")])
def test_action_reason_with_a_nul_byte_is_refused(
    party: str, step: str, language: str, message: str, client_for
) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(window=JIAXING, domicile=SONGJIANG), "submitted")
    user = application.applicant if party == "applicant" else official(Role.CLERK, JIAXING)
    web = speaking(client_for(user), language)
    url = reverse("onenetwork:application_action", args=[application.public_id, step])
    response = web.post(url, {"reason": NUL}, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    application.refresh_from_db()
    assert application.state == "submitted" and application.last_reason == ""


def test_revoke_reason_with_a_nul_byte_is_refused(client_for) -> None:  # type: ignore[no-untyped-def]
    licence = Licence.objects.get(application=advance(draft(), "licence_issued"))
    examiner = speaking(client_for(official(Role.EXAMINER, SONGJIANG)))
    response = examiner.post(
        reverse("onenetwork:licence_revoke", args=[licence.public_id]), {"reason": NUL}, follow=True
    )
    assert response.status_code == 200 and f"Reason: {NULL_EN}" in response.content.decode()
    licence.refresh_from_db()
    assert licence.revoked_at is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http:evil.example", "/\\evil.example"])
def test_hand_over_does_not_redirect_to_another_site(target: str, client_for) -> None:  # type: ignore[no-untyped-def]
    licence = Licence.objects.get(application=advance(draft(window=JIAXING), "licence_issued"))
    clerk = client_for(official(Role.CLERK, JIAXING))
    response = clerk.post(reverse("onenetwork:licence_hand_over", args=[licence.public_id]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("onenetwork:handover_list")


def test_hand_over_goes_back_to_the_page_it_was_on(client_for) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(window=JIAXING), "licence_issued")
    licence = Licence.objects.get(application=application)
    detail = reverse("onenetwork:application_detail", args=[application.public_id])
    clerk = client_for(official(Role.CLERK, JIAXING))
    response = clerk.post(reverse("onenetwork:licence_hand_over", args=[licence.public_id]), {"next": detail})
    assert response["Location"] == detail


# --- Verification ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ['{"token": ' + "[" * 100_000, "[" * 100_000, '{"token": "' + NUL + '"}'])
@pytest.mark.parametrize("htmx", [False, True])
def test_verify_answers_junk_as_malformed(token: str, htmx: bool) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    response = speaking(Client()).post(reverse("onenetwork:verify"), {"token": token}, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-reason="malformed"' in html and "This is not a licence token, or it was altered." in html


# --- The import upload -------------------------------------------------------------------------------------

HEADER = ",".join(COLUMNS) + "\n"
ROW = "91320500MA1XLH608E,{name},320500,company,active,2020-01-01,1,张三,C3973,苏州市人民路1号,集成电路\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(COLUMNS))  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("file_name", "content", "failure"),
    [
        # A cell over the csv module's limit (a quotation mark left open): a bare `Error(...)`, and a 500 in-line.
        ("big.csv", (HEADER + ROW.format(name="x" * 200_000)).encode(), "Line 2: a cell is longer than 131072"),
        ("open.csv", (HEADER + ROW.format(name='"苏州' + "x" * 200_000)).encode(), "(is a quotation mark left open?)"),
        ("gbk.csv", (HEADER + ROW.format(name="苏州测试有限公司")).encode("gbk"), "The file is not UTF-8 text."),
        ("renamed.xlsx", _zip(), "The file is not a readable XLSX workbook."),
        ("truncated.xlsx", _xlsx()[:300], "The file is not a readable XLSX workbook."),
    ],
)
def test_unreadable_import_fails_with_the_reason(
    file_name: str, content: bytes, failure: str, make_user, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = speaking(client_for(make_user(Role.ANALYST)))
    response = client.post(reverse("registry:import"), {"file": SimpleUploadedFile(file_name, content)}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED and failure in job.failure_text
    assert failure in response.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("column", ["name", "address", "business_scope"])
def test_import_row_with_a_nul_byte_is_reported_not_written(column: str, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    row = ROW.format(name="苏州测试有限公司")
    cells = row.rstrip("\n").split(",")
    cells[list(COLUMNS).index(column)] = "苏州\x00测试"
    content = "\ufeff" + HEADER + ",".join(cells) + "\n"  # with a byte-order mark, as Excel writes CSV
    client = speaking(client_for(make_user(Role.ANALYST)))
    response = client.post(reverse("registry:import"), {"file": SimpleUploadedFile("nul.csv", content.encode())})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE, job.failure_text
    error = job.errors.get()
    assert (error.line, error.column, error.rule) == (2, column, NULL_EN)
    assert "\x00" not in error.value
    assert not Enterprise.objects.filter(uscc="91320500MA1XLH608E").exists()


def test_bad_csv_answers_are_the_page_not_a_500(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    """Not CSV or XLSX at all, or no file: the upload page again with the rule, and no job."""
    client = speaking(client_for(make_user(Role.ANALYST)))
    for data in ({}, {"file": SimpleUploadedFile("a.exe", b"MZ\x00\x00")}, {"file": "not a file"}):
        response = client.post(reverse("registry:import"), data)
        assert response.status_code == 400 and "Choose a CSV or XLSX file." in response.content.decode()
    assert not ImportJob.objects.exists()
