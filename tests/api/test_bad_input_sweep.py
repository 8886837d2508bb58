"""Bad input to every API operation: a 4xx naming the field and the rule, in the caller's language, and nothing
written. Each case here answered 500 (NUL bytes on PostgreSQL, lone surrogates on both databases, ² in an ID
number), hung (a name of 100,000 characters), or answered 200 for input it should have refused."""

import json
from typing import Any

import pytest
from django.test import Client

from g60.accounts.models import Role, User
from g60.api.services import api_token_create
from g60.audit.models import AuditEvent
from g60.onenetwork.models import Application, ApplicationEvent, IdempotencyKey, Licence, Shareholder
from tests.onenetwork.factories import (
    JIAXING,
    SHAREHOLDERS,
    SONGJIANG,
    ApplicantFactory,
    advance,
    complete_values,
    draft,
    official,
    resident_id,
)
from tests.registry.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
BASE = "/api/v1/applications"
NUL = "a\x00b"
SURROGATE = "a\ud800b"  # json.dumps sends it as the escape "\ud800", which json.loads turns back into a lone surrogate
ZH_NUL = "不能包含空字符（NUL）。"  # ours (src/g60/locale): Django's says "empty string"


def bearer(user: User, language: str = "en") -> Client:
    """A client calling with the user's bearer token, in `language`."""
    _row, token = api_token_create(acting_user=None, user=user)
    return Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": language})


def send(client: Client, method: str, path: str, body: Any = None, **headers: str) -> Any:
    """`body` as JSON (str and bytes are sent as they are)."""
    if method == "get":
        return client.get(path, headers=headers)
    data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
    return getattr(client, method)(path, data, content_type="application/json", headers=headers)


def written() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Application, Shareholder, ApplicationEvent, IdempotencyKey, Licence, AuditEvent)
    }


def assert_refused(response: Any, field: str, status: int = 422, rule: str = "") -> list[str]:
    assert response.status_code == status, response.content
    messages = response.json()["errors"][field]
    assert messages and all(messages), response.json()
    assert rule in " ".join(messages), messages
    return messages


def _body(**overrides: Any) -> dict[str, Any]:
    return {**complete_values(), "shareholders": SHAREHOLDERS, **overrides}


# --- Text that no database stores: NUL bytes (PostgreSQL) and lone surrogates (both) ----------------------------

TEXT_FIELDS = [
    "name",
    "name_en",
    "domicile_city",
    "window_city",
    "form",
    "legal_representative",
    "legal_representative_id_number",
    "address",
    "industry_code",
    "business_scope",
]
UNSTORABLE = [(NUL, "Null characters"), (SURROGATE, "surrogate")]


@pytest.mark.parametrize(("value", "rule"), UNSTORABLE, ids=["nul", "surrogate"])
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_create_refuses_unstorable_text(field: str, value: str, rule: str) -> None:
    client = bearer(ApplicantFactory())
    before = written()
    assert_refused(send(client, "post", BASE, _body(**{field: value})), field, rule=rule)
    assert written() == before


@pytest.mark.parametrize(("value", "rule"), UNSTORABLE, ids=["nul", "surrogate"])
@pytest.mark.parametrize("field", ["name_en", "legal_representative", "address", "business_scope"])
def test_update_refuses_unstorable_text(field: str, value: str, rule: str) -> None:
    application = draft()
    client = bearer(application.applicant)
    before = (written(), Application.objects.filter(pk=application.pk).values().get())
    response = send(client, "patch", f"{BASE}/{application.public_id}", {field: value})
    assert_refused(response, field, rule=rule)
    assert (written(), Application.objects.filter(pk=application.pk).values().get()) == before


@pytest.mark.parametrize(("value", "rule"), UNSTORABLE, ids=["nul", "surrogate"])
@pytest.mark.parametrize("field", ["name", "kind", "id_number"])
def test_shareholder_text_is_refused(field: str, value: str, rule: str) -> None:
    client = bearer(ApplicantFactory())
    before = written()
    shareholder = {**SHAREHOLDERS[0], "share_percent": "100", field: value}
    response = send(client, "post", BASE, _body(shareholders=[shareholder]))
    assert_refused(response, f"shareholders.0.{field}", rule=rule)
    assert written() == before


def _other_digits(number: str, zero: int) -> str:
    """The ID number written with another script's digits (the check character kept as it is)."""
    return "".join(chr(zero + int(ch)) for ch in number[:17]) + number[17]


@pytest.mark.parametrize(
    "number",
    [
        "²" + resident_id(1)[1:],  # str.isdigit() holds, int() refuses it: 500
        _other_digits(resident_id(1), 0x660),  # Arabic-Indic digits: accepted as a valid ID number
        _other_digits(resident_id(1), 0xFF10),  # full-width digits
    ],
    ids=["superscript", "arabic-indic", "full-width"],
)
@pytest.mark.parametrize("field", ["legal_representative_id_number", "shareholders.0.id_number"])
def test_id_numbers_are_ascii_digits(field: str, number: str) -> None:
    client = bearer(ApplicantFactory())
    before = written()
    if field == "legal_representative_id_number":
        body = _body(legal_representative_id_number=number)
    else:
        body = _body(shareholders=[{**SHAREHOLDERS[0], "share_percent": "100", "id_number": number}])
    response = send(client, "post", BASE, body)
    assert_refused(response, field, rule="17 digits")
    assert written() == before


def test_industry_class_is_ascii_digits() -> None:
    response = send(bearer(ApplicantFactory()), "post", BASE, _body(industry_code="C３９７３"))
    assert_refused(response, "industry_code", rule="four digits")
    assert not Application.objects.exists()


def _reason_case(step: str) -> tuple[User, str, Any]:
    """The user allowed to take `step`, its URL, and the row that must not change."""
    if step == "revoke":
        application = advance(draft(), "licence_issued")
        licence = Licence.objects.get(application=application)
        return official(Role.EXAMINER, SONGJIANG), f"/api/v1/licences/{licence.public_id}/revoke", licence
    state, user = {
        "withdraw": ("draft", None),
        "return": ("submitted", official(Role.CLERK, JIAXING)),
        "reject": ("under_examination", official(Role.EXAMINER, SONGJIANG)),
    }[step]
    application = draft() if state == "draft" else advance(draft(), state)
    return user or application.applicant, f"{BASE}/{application.public_id}/{step}", application


@pytest.mark.parametrize(("value", "rule"), UNSTORABLE, ids=["nul", "surrogate"])
@pytest.mark.parametrize("step", ["withdraw", "return", "reject", "revoke"])
def test_reasons_refuse_unstorable_text(step: str, value: str, rule: str) -> None:
    user, url, row = _reason_case(step)
    client = bearer(user)
    before = (written(), type(row).objects.filter(pk=row.pk).values().get())
    assert_refused(send(client, "post", url, {"reason": value}), "reason", rule=rule)
    assert (written(), type(row).objects.filter(pk=row.pk).values().get()) == before


# --- Wrong JSON types: 422 naming the field, in the rule's words ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"name": 5}, "name", "Enter text"),
        ({"name": 10**30}, "name", "Enter text"),
        ({"address": ["a"]}, "address", "Enter text"),
        ({"business_scope": {"a": 1}}, "business_scope", "Enter text"),
        ({"form": True}, "form", "Enter text"),
        ({"registered_capital_wan": "abc"}, "registered_capital_wan", "Enter a number."),
        ({"registered_capital_wan": "NaN"}, "registered_capital_wan", "Enter a number."),
        ('{"registered_capital_wan": Infinity}', "registered_capital_wan", "Enter a number."),
        ({"registered_capital_wan": [1]}, "registered_capital_wan", "Enter a number."),
        ({"registered_capital_wan": 10**30}, "registered_capital_wan", "18 digits"),
        ({"shareholders": "张明"}, "shareholders", "Enter a list of values."),
        ({"shareholders": [{"name": "张明"}]}, "shareholders.0.kind", "This field is required."),
    ],
)
def test_wrong_types_name_the_field_and_rule(body: Any, field: str, rule: str) -> None:
    client = bearer(ApplicantFactory())
    before = written()
    assert_refused(send(client, "post", BASE, body), field, rule=rule)
    assert written() == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("[1]", "application/json"),  # was read as an object without attributes: an empty draft, 201
        ("null", "application/json"),
        ("5", "application/json"),
        ('"draft"', "application/json"),
        ("not json", "application/json"),
        (b"\xff\xfe{}", "application/json"),
        ("[" * 100_000, "application/json"),
        ("name=x", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_no_json_object_is_400(body: str | bytes, content_type: str) -> None:
    client = bearer(ApplicantFactory())
    before = written()
    response = client.post(BASE, body, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body must be a JSON object."}
    assert written() == before


def test_a_body_over_the_upload_limit_is_413(settings) -> None:  # type: ignore[no-untyped-def]
    client = bearer(ApplicantFactory())
    before = written()
    response = send(client, "post", BASE, {"business_scope": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    assert response.status_code == 413 and "bytes accepted" in response.json()["detail"]
    assert written() == before


def test_an_upload_without_a_multipart_boundary_is_400() -> None:
    application = draft()
    client = bearer(application.applicant)
    before = written()
    response = client.post(f"{BASE}/{application.public_id}/documents", b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid multipart/form-data."}
    assert written() == before


def test_a_reason_body_that_is_no_object_changes_nothing() -> None:
    application = draft()
    response = send(bearer(application.applicant), "post", f"{BASE}/{application.public_id}/withdraw", "5")
    assert response.status_code == 400
    assert Application.objects.get(pk=application.pk).state == "draft"


# --- The name check --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        # Every substring of the trade name was compared: this one kept a worker busy for minutes.
        ({"name": "上海" + "明" * 100_000 + "有限公司", "domicile_city": SONGJIANG}, "name", "at most 100 characters"),
        ({"name": "上海明\x00远信息技术有限公司", "domicile_city": SONGJIANG}, "name", "Null characters"),
        ({"name": "上海明\ud800远信息技术有限公司", "domicile_city": SONGJIANG}, "name", "surrogate"),
        ({"name": "上海明远信息技术有限公司", "domicile_city": "999999"}, "domicile_city", "nine cities"),
        ({"name": "上海明远信息技术有限公司", "domicile_city": NUL}, "domicile_city", "Null characters"),
        ({"name": "上海明远信息技术有限公司", "form": "corporation"}, "form", "legal form"),
        ({"name": "上海明远信息技术有限公司", "industry_code": "ZZZ"}, "industry_code", "industry class"),
        ({"name": None}, "name", "Enter text"),
        ({}, "name", "This field is required."),
    ],
)
def test_name_check_refuses_bad_input(body: dict[str, Any], field: str, rule: str) -> None:
    response = send(bearer(ApplicantFactory()), "post", f"{BASE}/name-check", body)
    assert_refused(response, field, rule=rule)


def test_name_check_still_answers_good_input() -> None:
    body = {
        "name": "上海明远信息技术有限公司",
        "domicile_city": SONGJIANG,
        "form": " company ",
        "industry_code": "i6513",
    }
    response = send(bearer(ApplicantFactory()), "post", f"{BASE}/name-check", body)
    assert response.status_code == 200 and response.json()["ok"] is True


# --- Path and query parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["not-a-uuid", "%00", "12345678-1234-1234-1234-1234567890123"])
@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("get", BASE + "/{}", "application_id"),
        ("patch", BASE + "/{}", "application_id"),
        ("post", BASE + "/{}/submit", "application_id"),
        ("post", BASE + "/{}/withdraw", "application_id"),
        ("get", "/api/v1/licences/{}/pdf", "licence_id"),
        ("post", "/api/v1/licences/{}/hand-over", "licence_id"),
    ],
)
def test_a_malformed_id_is_422_naming_it(method: str, path: str, field: str, bad: str) -> None:
    response = send(bearer(ApplicantFactory()), method, path.format(bad))
    assert_refused(response, field, rule="Enter a valid UUID.")


def test_an_upper_case_uuid_is_the_same_application() -> None:
    application = draft()
    response = bearer(application.applicant).get(f"{BASE}/{str(application.public_id).upper()}")
    assert response.status_code == 200 and response.json()["id"] == str(application.public_id)


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("91320500MA1XLH608", "18 characters"),
        ("91320500MA1XLH608E1", "18 characters"),
        ("９１３２０５００ＭＡ１ＸＬＨ６０８Ｅ", "only digits and the capital letters"),
        ("91320500MA1XLH6O8E", "only digits and the capital letters"),  # letter O for zero
        ("91320500MA1XLH608F", "check character"),
        ("9132050/MA1XLH608E", "only digits and the capital letters"),
        ("91320500%2FMA1XLH608", "only digits and the capital letters"),  # was Django's HTML 404 page
        ("913%000500MA1XLH608E", "only digits and the capital letters"),
    ],
)
def test_a_malformed_uscc_is_404_naming_the_rule(code: str, rule: str) -> None:
    # "404 when unknown" (the API's promise): a code that is no USCC names no enterprise, and says why.
    response = Client().get(f"/api/v1/enterprises/{code}", headers={"Accept-Language": "en"})
    assert_refused(response, "uscc", status=404, rule=rule)
    assert response.json()["detail"] == "Not found."


def test_a_lower_case_uscc_still_finds_the_enterprise() -> None:
    enterprise = EnterpriseFactory()
    response = Client().get(f"/api/v1/enterprises/{enterprise.uscc.lower()}")
    assert response.status_code == 200 and response.json()["uscc"] == enterprise.uscc


@pytest.mark.parametrize("queue", ["bogus", NUL, "MINE"])
def test_an_unknown_queue_is_422(queue: str) -> None:
    # It used to fall back to everything the caller may see.
    response = bearer(ApplicantFactory()).get(BASE, {"queue": queue})
    assert_refused(response, "queue", rule="'mine', 'acceptance', 'examination'")


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": NUL}, "q"), ({"city": NUL}, "city"), ({"limit": "-1"}, "limit"), ({"offset": "10" * 20}, "offset")],
)
def test_register_search_parameters_are_checked(params: dict[str, str], field: str) -> None:
    assert_refused(Client().get("/api/v1/enterprises", params, headers={"Accept-Language": "en"}), field)


# --- Headers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "rule"),
    [("k\x00", "printable ASCII"), ("clé", "printable ASCII"), ("k\t1", "printable ASCII"), ("k" * 129, "1 to 128")],
)
def test_a_bad_idempotency_key_is_refused(key: str, rule: str) -> None:
    client = bearer(ApplicantFactory())
    before = written()
    response = send(client, "post", BASE, _body(), **{"Idempotency-Key": key})
    assert_refused(response, "Idempotency-Key", rule=rule)
    assert written() == before


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer g60_\x00", "Bearer g60_é"]
)
def test_a_malformed_authorization_is_401(authorization: str) -> None:
    response = Client().get("/api/v1/accounts/me", headers={"Authorization": authorization, "Accept-Language": "en"})
    assert response.status_code == 401 and response.json() == {"detail": "Authentication required."}


# --- The caller's language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-hans",
            {
                "name": ["请输入文本（JSON 字符串）。"],
                "address": [ZH_NUL],
                "registered_capital_wan": ["输入一个数字。"],
                "shareholders.0.share_percent": ["这个字段是必填项。"],
            },
        ),
        (
            "en",
            {
                "name": ["Enter text (a JSON string)."],
                "address": ["Null characters are not allowed."],
                "registered_capital_wan": ["Enter a number."],
                "shareholders.0.share_percent": ["This field is required."],
            },
        ),
    ],
)
def test_schema_errors_speak_the_callers_language(language: str, expected: dict[str, list[str]]) -> None:
    body = {"name": 5, "address": NUL, "registered_capital_wan": "x", "shareholders": [{"name": "a"}]}
    response = send(bearer(ApplicantFactory(), language), "post", BASE, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {field: errors[field] for field in expected} == expected


@pytest.mark.parametrize(
    ("language", "detail"),
    [("zh-hans", "请求体必须是一个 JSON 对象。"), ("en", "The request body must be a JSON object.")],
)
def test_an_unparsable_body_is_refused_in_the_callers_language(language: str, detail: str) -> None:
    response = send(bearer(ApplicantFactory(), language), "post", BASE, "{")
    assert response.status_code == 400 and response.json() == {"detail": detail}


def test_a_session_call_without_csrf_is_403_in_the_callers_language() -> None:
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "zh-hans"})
    client.force_login(ApplicantFactory())
    before = written()
    response = send(client, "post", BASE, _body())
    assert response.status_code == 403 and response.json()["detail"].startswith("CSRF 校验失败")
    assert written() == before
