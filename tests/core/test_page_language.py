"""Every page reads in one language: fully in Simplified Chinese when zh-hans is chosen, fully in English otherwise.

The tests render every GET page of the site (and the htmx partials, and the forms answered with their errors) for
the roles that see them, on a register with a little data and on an empty one, and read the text a user sees or
hears: text nodes outside scripts, styles, text areas and <code>, plus the shown attributes (title, placeholder,
aria-label, alt, the value of input buttons). Text inside an element whose `lang` names another language (the
English name of a company, the language switch's own names) is that language on purpose and is skipped.

- On a zh-hans page, a word of Latin letters is untranslated unless it is a code (a word with a digit: USCC,
  industry class, reference, username; a single capital letter), an address (URL, e-mail, API path), data (a
  word of the values this test put in the database or typed) or in ALLOWED_LATIN below.
- On an English page, Chinese characters are an untranslated label unless they are data (a substring of the
  values this test put in the database or typed into a form) or in ALLOWED_CHINESE below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation

from g60.accounts.models import Role, User
from g60.onenetwork import licensing, services
from g60.onenetwork.models import Application, Licence
from g60.registry.constants import EnterpriseStatus, EnterpriseType, ImportJobStatus
from g60.registry.importing import COLUMNS, import_job_run
from g60.registry.models import Enterprise, ImportJob, ImportRowError
from g60.registry.services import enterprise_archive
from g60.registry.views import PARAMETER_LABELS
from tests.accounts.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.core.test_url_access import ACCESS_MAP
from tests.onenetwork.factories import (
    JIAXING,
    SONGJIANG,
    ApplicantFactory,
    advance,
    draft,
    official,
    resident_id,
)
from tests.registry.factories import (
    EnterpriseChangeFactory,
    EnterpriseFactory,
    EnterpriseFormerNameFactory,
    ImportJobFactory,
)

pytestmark = pytest.mark.django_db

# Latin words a Chinese page shows on purpose. Each is a code or a name that Chinese users read as is.
ALLOWED_LATIN = {
    # File formats and encodings named on buttons and in help texts (导出 CSV, PDF 文件, UTF-8).
    "PDF",
    "CSV",
    "XLSX",
    "UTF",
    # "G60 科创走廊平台" carries a digit; "接口（API）" names the interface by its usual name.
    "API",
    # Standards as they are cited in Chinese: GB/T 4754, SHA-256, "MB" in 最大 10 MB.
    "GB",
    "SHA",
    "MB",
    # The name of the character that text may not contain: 不能包含空字符（NUL）.
    "NUL",
    # What Chinese browsers and sites call a cookie (the refused form's page: 浏览器拒绝了本站的 Cookie).
    "Cookie",
    # The search box's placeholder gives an English name as an example of what may be searched for.
    "Chiplink",
}
# The import job's errors say what the file's cells must hold: the codes of the type and status columns and the
# date format (取值须为：company, ...; 须为 ISO 日期格式 YYYY-MM-DD), which are typed in the file as is.
IMPORT_FILE_CODES = frozenset({*EnterpriseType.values, *EnterpriseStatus.values, "ISO", "YYYY", "MM", "DD"})
# Chinese an English page shows on purpose: examples of the Chinese input a field expects, and of the parts of a
# Chinese company name that the name rules explain (a name is Chinese in either language).
ALLOWED_CHINESE = {
    "嘉兴天上地下汽车销售有限公司",  # the company-name help text's example of a well-formed name
    "芯链",  # the search placeholder's example of a Chinese trade name
    "嘉兴",  # "The name must start with the administrative division ..., e.g. 嘉兴… or …（嘉兴）…"
    "上海松江",  # "A city district must be preceded by its city's name, e.g. 上海松江"
}

# The register search's errors name the bad parameter as it is in the address (and in the API) after the field's
# translated label: "成立年份 · year: 须为整数。" (tests/core/test_bad_query_params.py relies on "year: ").
PARAMETER = re.compile(rf"(?<![\w-])(?:{'|'.join(PARAMETER_LABELS)}): ")
ADDRESS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|(?<![\w/])/api/\S*")
# Codes: any word with a digit (USCC, C3973, G60, user12, key ids), and a single capital letter (an industry
# section A-T, the "T" of GB/T, an ID number's check character X), but for a compass point after degrees (° N).
CODE = re.compile(r"\b\w*\d\w*\b|(?<!° )\b[A-Z]\b")
LATIN_WORD = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)*")  # a word, or an identifier such as established_on
CHINESE_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Scripts and styles are code; <code> marks what is typed or read by machines as is (the import file's column
# names, audit action codes, a USCC); a text area's content is what the user typed (or a licence token).
SKIPPED = {"script", "style", "code", "textarea"}


class _Visible(HTMLParser):
    """Collect the text a user sees or hears, with the tag path it is in."""

    def __init__(self, page_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[tuple[str, str]] = []

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def _other_language(self, attrs: dict[str, str | None]) -> bool:
        lang = (attrs.get("lang") or "").lower()
        return bool(lang) and lang.split("-")[0] != self.page_language.split("-")[0]

    def _where(self, tag: str) -> str:
        return "/".join([*(t for t, _s in self.stack[-3:]), tag])

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        skipped = tag in SKIPPED or self._other_language(attrs)
        if not skipped and not self._skipping():
            for name in SHOWN_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append((str(attrs[name]), f"{self._where(tag)}[{name}]"))
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.texts.append((str(attrs["value"]), f"{self._where(tag)}[value]"))
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs_list)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._skipping():
            self.texts.append((data.strip(), self._where("#text")))


def visible_texts(html: str, page_language: str) -> list[tuple[str, str]]:
    parser = _Visible(page_language)
    parser.feed(html)
    parser.close()
    return parser.texts


def untranslated_latin(text: str, allowed: set[str] | frozenset[str]) -> list[str]:
    text = CODE.sub(" ", ADDRESS.sub(" ", PARAMETER.sub(" ", text)))
    return [word for word in LATIN_WORD.findall(text) if word not in ALLOWED_LATIN and word not in allowed]


def untranslated_chinese(text: str, data: Iterable[str]) -> list[str]:
    found = []
    for run in CHINESE_RUN.findall(text):
        if run in ALLOWED_CHINESE or any(run in value for value in data):
            continue
        found.append(run)
    return found


# --- The pages -------------------------------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    client: Client
    url: str
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    htmx: bool = False
    status: int | tuple[int, ...] = 200
    codes: frozenset[str] = frozenset()  # Latin words this page shows as codes, beside ALLOWED_LATIN

    def respond(self) -> HttpResponse:
        """The page's answer, its status checked."""
        headers = {"HX-Request": "true"} if self.htmx else {}
        if self.method == "get":
            response = self.client.get(self.url, self.data, headers=headers)
        else:
            response = self.client.post(self.url, self.data, headers=headers, follow=True)
        expected = self.status if isinstance(self.status, tuple) else (self.status,)
        assert response.status_code in expected, (self.label, response.status_code)
        return response

    def render(self, language: str) -> str:
        self.client.cookies["django_language"] = language
        response = self.respond()
        assert response["Content-Type"].startswith("text/html"), self.label
        return response.content.decode()


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _admin() -> User:
    user = UserFactory()
    MembershipFactory(user=user, role=Role.ADMIN, city=None)
    return user


def _analyst() -> User:
    user = UserFactory()
    MembershipFactory(user=user, role=Role.ANALYST, city=None)
    return user


PASSWORDS = {"old_password": TEST_PASSWORD, "new_password1": "Kx7-corridor-2026", "new_password2": "Kx7-corridor-2026"}


def _u(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def common_pages() -> list[Page]:
    """The pages that need no data: those of an empty platform, and the forms answered with their errors."""
    anonymous, applicant, clerk = _client(), _client(ApplicantFactory()), _client(official(Role.CLERK, JIAXING))
    examiner, admin, analyst = _client(official(Role.EXAMINER, SONGJIANG)), _client(_admin()), _client(_analyst())
    nobody = _client(UserFactory())
    name_check = _u("onenetwork:name_check")
    return [
        Page("home", anonymous, _u("core:home")),
        Page("cities", anonymous, _u("core:cities")),
        Page("login", anonymous, _u("accounts:login")),
        Page("login, wrong password", anonymous, _u("accounts:login"), "post", {"username": "x", "password": "y"}),
        Page("verify", anonymous, _u("onenetwork:verify")),
        Page("verify, not a token", anonymous, _u("onenetwork:verify"), data={"token": "garbage"}),
        Page("verify (htmx)", anonymous, _u("onenetwork:verify"), "post", {"token": "garbage"}, htmx=True),
        Page("register", anonymous, _u("registry:search")),
        Page("register, nothing found", anonymous, _u("registry:search"), data={"q": "无此企业"}),
        Page(
            "register, bad filters",
            anonymous,
            _u("registry:search"),
            data={"year": "x", "capital_min": "-", "city": "1", "industry": "?", "sort": "?", "page": "10" * 9},
            status=400,
        ),
        Page(
            "register, bad filters (htmx)", anonymous, _u("registry:search"), data={"year": "x"}, htmx=True, status=400
        ),
        Page("workspace without a role", nobody, _u("core:dashboard")),
        Page("profile without a role", nobody, _u("accounts:profile")),
        Page("workspace of an applicant", applicant, _u("core:dashboard")),
        Page("profile", applicant, _u("accounts:profile")),
        Page("password change", applicant, _u("accounts:password_change")),
        Page(
            "password change, errors",
            applicant,
            _u("accounts:password_change"),
            "post",
            {"old_password": "x", "new_password1": "abc", "new_password2": "abd"},
        ),
        Page("password changed", applicant, _u("accounts:password_change_done")),
        Page("my applications, none", applicant, _u("onenetwork:application_list")),
        Page("new application", applicant, _u("onenetwork:application_new")),
        Page("new application, empty", applicant, _u("onenetwork:application_new"), "post", {"form": "company"}),
        Page(
            "new application, bad values",
            applicant,
            _u("onenetwork:application_new"),
            "post",
            {"name": "TestCo", "domicile_city": "999999", "form": "?", "registered_capital_wan": "x"},
        ),
        Page(
            "name check",
            applicant,
            name_check,
            data={"name": "松江明远信息技术有限公司", "domicile_city": SONGJIANG},
            htmx=True,
        ),
        Page("name check, refused", applicant, name_check, data={"name": "上海赌博Abc有限公司"}, htmx=True),
        Page(
            "name check, good",
            applicant,
            name_check,
            data={"name": "上海明远信息技术有限公司", "domicile_city": SONGJIANG},
            htmx=True,
        ),
        Page("shareholder row", applicant, _u("onenetwork:shareholder_row"), htmx=True),
        Page("acceptance queue, empty", clerk, _u("onenetwork:acceptance_queue")),
        Page("hand-over list, empty", clerk, _u("onenetwork:handover_list")),
        Page("workspace of a clerk", clerk, _u("core:dashboard")),
        Page("examination queue, empty", examiner, _u("onenetwork:examination_queue")),
        Page("workspace of an administrator", admin, _u("core:dashboard")),
        Page("audit trail", admin, _u("audit:events")),
        Page("audit trail, verified", admin, _u("audit:events"), data={"verify": "1"}),
        Page("audit trail, nothing found", admin, _u("audit:events"), data={"action": "nothing.such"}),
        Page("audit trail, bad filter", admin, _u("audit:events"), data={"action": "a\x00"}, status=400),
        Page("import", analyst, _u("registry:import")),
        Page("import, no file", analyst, _u("registry:import"), "post", {}, status=400),
        Page("workspace of an analyst", analyst, _u("core:dashboard")),
        # Django's error views, on the platform's own templates (tests/core/test_error_pages.py).
        Page("page not found", anonymous, "/no-such-page/", status=404),
        Page("enterprise not found", anonymous, _u("registry:detail", "91320500MA1XLH608E"), status=404),
        Page("access denied", nobody, _u("onenetwork:acceptance_queue"), status=403),
        Page(
            "form without its security token",
            Client(enforce_csrf_checks=True),
            _u("accounts:login"),
            "post",
            {"username": "x", "password": "y"},
            status=403,
        ),
    ]


def populated_pages(language: str) -> tuple[list[Page], set[str]]:
    """A little of everything, and the pages that show it. Returns the pages and the data values shown.

    The file is imported by an official working in `language`; the rules its rows break are stored as codes and
    shown in the reader's language (tests/registry/test_import_errors_language.py reads them in the other one)."""
    applicant = ApplicantFactory()
    clerk = official(Role.CLERK, JIAXING)
    examiner = official(Role.EXAMINER, SONGJIANG)
    admin, analyst = _admin(), _analyst()

    a_draft = draft(applicant)
    submitted = advance(draft(applicant), "submitted")
    accepted = advance(draft(applicant), "accepted")
    examined = advance(draft(applicant), "under_examination")
    issued = advance(draft(applicant), "licence_issued")
    handed_over = advance(draft(applicant), "licence_issued")
    licensing.licence_hand_over(acting_user=clerk, licence=Licence.objects.get(application=handed_over))
    licensing.licence_revoke(
        acting_user=examiner, licence=Licence.objects.get(application=handed_over), reason="以欺骗手段取得登记"
    )
    returned = advance(draft(applicant), "submitted")
    web = _client(applicant)
    c_clerk, c_examiner, c_admin, c_analyst = _client(clerk), _client(examiner), _client(admin), _client(analyst)
    services.application_return(acting_user=clerk, application=returned, reason="缺少住所证明")
    overdue = advance(draft(applicant), "submitted")
    Application.objects.filter(pk=overdue.pk).update(acceptance_due=dt.date(2020, 1, 6))
    incomplete = Application.objects.create(applicant=applicant, created_by=applicant, modified_by=applicant)

    enterprise = EnterpriseFactory(name_en="Suzhou Test Technology Co., Ltd.")
    EnterpriseFormerNameFactory(enterprise=enterprise)
    for action in ("enterprise.register", "enterprise.update", "enterprise.import"):
        EnterpriseChangeFactory(enterprise=enterprise, action=action, actor=admin)
    archived = EnterpriseFactory()
    enterprise_archive(acting_user=admin, enterprise=archived, reason="重复登记")
    bad_rows = ",".join(COLUMNS) + "\n" + "BAD,名,999999,?,?,2020-13-01,-1,,X,地址,\n"
    c_analyst.cookies["django_language"] = language
    c_analyst.post(_u("registry:import"), {"file": SimpleUploadedFile("enterprises.csv", bad_rows.encode())})
    done_job = ImportJob.objects.get(file_name="enterprises.csv")
    assert done_job.status == ImportJobStatus.DONE and done_job.rows_invalid == 1
    failed_job = ImportJobFactory(status=ImportJobStatus.FAILED, created_by=analyst, file_name="empty.csv")
    with translation.override(language):
        import_job_run(failed_job)  # its file is gone: the failure is stated in the language of the run

    licence = Licence.objects.get(application=issued)
    document = a_draft.documents.get()
    to_hand_over = Licence.objects.get(application=advance(draft(applicant), "licence_issued"))
    revoked = Licence.objects.get(application=handed_over)

    def detail(application: Application) -> str:
        return _u("onenetwork:application_detail", application.public_id)

    def step(name: str, application: Application) -> str:
        return _u(f"onenetwork:{name}", application.public_id)

    people = {
        "legal_representative": "张明",
        "legal_representative_id_number": "123",
        "sh_name": ["张明", ""],
        "sh_kind": ["person", "?"],
        "sh_id_number": [resident_id(1), "x"],
        "sh_share": ["90", "abc"],
    }
    not_pdf = SimpleUploadedFile("notes.txt", b"plain text", content_type="text/plain")
    pages = [
        Page("home, logged in", web, _u("core:home")),
        Page("cities", _client(), _u("core:cities")),
        Page("my applications", web, _u("onenetwork:application_list")),
        Page("draft: company", web, step("step_company", a_draft)),
        Page("draft: people", web, step("step_people", a_draft)),
        Page("draft: people, errors", web, step("step_people", a_draft), "post", people),
        Page("draft: documents", web, step("step_documents", a_draft)),
        Page(
            "draft: documents, not a PDF",
            web,
            step("step_documents", a_draft),
            "post",
            {"kind": "articles", "file": not_pdf},
        ),
        Page("draft: review", web, step("step_review", a_draft)),
        Page("incomplete: documents, none", web, step("step_documents", incomplete)),
        Page("incomplete: review", web, step("step_review", incomplete)),
        Page("incomplete: submitted with errors", web, step("step_review", incomplete), "post"),
        Page("incomplete: detail", web, detail(incomplete)),
        Page("draft: detail", web, detail(a_draft)),
        Page("returned: detail", web, detail(returned)),
        Page("submitted: detail (applicant)", web, detail(submitted)),
        Page("submitted: detail (clerk)", c_clerk, detail(submitted)),
        Page("overdue: detail (clerk)", c_clerk, detail(overdue)),
        Page("accepted: detail (examiner)", c_examiner, detail(accepted)),
        Page("examined: detail (examiner)", c_examiner, detail(examined)),
        Page("issued: detail (applicant)", web, detail(issued)),
        Page("issued: detail (clerk)", c_clerk, detail(issued)),
        Page("issued: detail (examiner)", c_examiner, detail(issued)),
        Page("revoked: detail", web, detail(handed_over)),
        Page(
            "return without a reason",
            c_clerk,
            _u("onenetwork:application_action", submitted.public_id, "return"),
            "post",
            {"reason": ""},
        ),
        Page(
            "action refused",
            c_examiner,
            _u("onenetwork:application_action", submitted.public_id, "approve"),
            "post",
        ),
        Page("step of a submitted application", web, step("step_company", submitted), "post", {}),
        Page("acceptance queue", c_clerk, _u("onenetwork:acceptance_queue")),
        Page("hand-over list", c_clerk, _u("onenetwork:handover_list")),
        Page("examination queue", c_examiner, _u("onenetwork:examination_queue")),
        Page("verify, valid", _client(), _u("onenetwork:verify"), data={"token": licence.token}),
        Page("verify, revoked", _client(), _u("onenetwork:verify"), data={"token": revoked.token}),
        Page("verify, valid (htmx)", _client(), _u("onenetwork:verify"), "post", {"token": licence.token}, htmx=True),
        Page("register with data", _client(), _u("registry:search")),
        Page("register, found (clerk)", c_clerk, _u("registry:search"), data={"q": "苏州"}),
        Page("register, sorted", _client(), _u("registry:search"), data={"sort": "-name"}),
        Page("register, found (htmx)", _client(), _u("registry:search"), data={"q": "Suzhou"}, htmx=True),
        Page("enterprise (public)", _client(), _u("registry:detail", enterprise.uscc)),
        Page("enterprise (administrator)", c_admin, _u("registry:detail", enterprise.uscc)),
        Page("archived enterprise (administrator)", c_admin, _u("registry:detail", archived.uscc)),
        Page(
            "archive without a reason",
            c_admin,
            _u("registry:archive", enterprise.uscc),
            "post",
            {"reason": "a\x00"},
        ),
        Page("import with jobs", c_analyst, _u("registry:import")),
        Page("import job, done", c_analyst, _u("registry:import_job", done_job.public_id), codes=IMPORT_FILE_CODES),
        Page(
            "import job, done (htmx)",
            c_analyst,
            _u("registry:import_job", done_job.public_id),
            htmx=True,
            codes=IMPORT_FILE_CODES,
        ),
        Page("import job, failed", c_analyst, _u("registry:import_job", failed_job.public_id)),
        Page("audit trail with events", c_admin, _u("audit:events")),
        Page("audit trail with events, verified", c_admin, _u("audit:events"), data={"verify": "1"}),
        Page("workspace of an examiner", c_examiner, _u("core:dashboard")),
        Page("profile of a clerk", c_clerk, _u("accounts:profile")),
        # Last, as they change what the pages above show: actions done, and the messages they leave.
        Page("accepted", c_clerk, _u("onenetwork:application_action", submitted.public_id, "accept"), "post"),
        Page("handed over", c_clerk, _u("onenetwork:licence_hand_over", to_hand_over.public_id), "post"),
        Page("revoked", c_examiner, _u("onenetwork:licence_revoke", licence.public_id), "post", {"reason": "撤销"}),
        Page("hand-over refused", c_clerk, _u("onenetwork:licence_hand_over", licence.public_id), "post"),
        Page("document removed", web, _u("onenetwork:document_remove", a_draft.public_id, document.pk), "post"),
        Page("import resumed", c_analyst, _u("registry:import_resume", failed_job.public_id), "post"),
        Page(
            "import not stalled",
            c_analyst,
            _u("registry:import_resume", done_job.public_id),
            "post",
            codes=IMPORT_FILE_CODES,
        ),
        Page("archived", c_admin, _u("registry:archive", enterprise.uscc), "post", {"reason": "重复登记"}),
        Page("put back", c_admin, _u("registry:archive", archived.uscc), "post", {"undo": "1"}),
        Page("password changed, done", web, _u("accounts:password_change"), "post", PASSWORDS),
    ]
    data: set[str] = set(ImportJob.objects.values_list("file_name", flat=True))
    for application in Application.objects.all():
        data |= {application.name, application.address, application.business_scope, application.legal_representative}
        data |= set(application.documents.values_list("original_name", flat=True))
        data |= {application.last_reason, *application.shareholders.values_list("name", flat=True)}
        data |= set(application.events.values_list("reason", flat=True))
    for row in Enterprise.objects.all():
        data |= {row.name, row.address, row.business_scope, row.legal_representative, row.archived_reason}
        data |= set(row.former_names.values_list("name", flat=True))
    data |= set(ImportRowError.objects.values_list("value", flat=True)) | {failed_job.file_path}
    return pages, {value for value in data if value}


# What the pages themselves type into forms (names checked, shareholders' names): data, not labels.
TYPED = {
    "松江明远信息技术有限公司",
    "上海赌博Abc有限公司",
    "上海明远信息技术有限公司",
    "张明",
    "无此企业",
    "TestCo",
    "撤销",
}


def user_data() -> set[str]:
    """Users' display names (the factories' Chinese names) are shown in the header and the audit trail."""
    from g60.audit.models import AuditEvent

    values = set(User.objects.values_list("display_name", flat=True))
    return values | set(AuditEvent.objects.values_list("object_repr", flat=True))


def findings(pages: list[Page], language: str, data: set[str]) -> list[str]:
    """Every untranslated text of the pages in `language`; `data` are the values shown as they were entered."""
    problems = []
    data_words = {word for value in data for word in LATIN_WORD.findall(value)}
    for page in pages:
        html = page.render(language)
        seen = set()
        for text, where in visible_texts(html, language):
            if language == "zh-hans":
                words = untranslated_latin(text, data_words | page.codes)
            else:
                words = untranslated_chinese(text, data)
            if words and (text, where) not in seen:
                seen.add((text, where))
                problems.append(f"{page.label}: {where}: {' '.join(words)!r} in {text[:120]!r}")
    return problems


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_empty_platform_and_form_errors(language: str) -> None:
    problems = findings(common_pages(), language, TYPED | user_data())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_with_data(language: str, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    pages, data = populated_pages(language)
    problems = findings(pages, language, data | TYPED | user_data())
    assert not problems, "\n".join(problems)


# URLs that answer no HTML page of their own: data (JSON, PDF, CSV, XLSX), redirects and POST-only actions, whose
# answer (a redirect to a page with a message) is checked through the pages above (`follow`).
NOT_PAGES = {
    "core:health",
    "set_language",
    "accounts:logout",
    "onenetwork:licence_pdf",
    "registry:export",
    "registry:import_errors",
}


def test_every_page_is_checked(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    pages = common_pages() + populated_pages("zh-hans")[0]
    # (The page at an address no URL names, Django's 404, is checked too but belongs to no view.)
    checked = {resolve(page.url.split("?")[0]).view_name for page in pages if page.status != 404}
    assert set(ACCESS_MAP) - NOT_PAGES - checked == set()
