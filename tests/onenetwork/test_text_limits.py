"""The length limits of the one network's free text (onenetwork/constants.py). For each field the longest text
allowed is accepted and one character more is refused, naming the field and the rule, through the API (422), the
pages (the form's error) and the services (ValidationError), and nothing is written. Business scope and the
reasons had no limit at all: 100,000 characters were stored as sent."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from g60.accounts.models import Role, User
from g60.audit.models import AuditEvent
from g60.onenetwork import licensing, services
from g60.onenetwork.constants import (
    ADDRESS_MAX_LENGTH,
    BUSINESS_SCOPE_MAX_LENGTH,
    DOCUMENT_NAME_MAX_LENGTH,
    LEGAL_REPRESENTATIVE_MAX_LENGTH,
    NAME_EN_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NAME_PART_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SHAREHOLDER_NAME_MAX_LENGTH,
)
from g60.onenetwork.models import (
    Application,
    ApplicationEvent,
    Document,
    IdempotencyKey,
    Licence,
    NameReservation,
    Shareholder,
)
from g60.onenetwork.names import name_check
from g60.registry.models import Enterprise
from tests.onenetwork.factories import (
    JIAXING,
    PDF,
    SHAREHOLDERS,
    SONGJIANG,
    ApplicantFactory,
    advance,
    complete_values,
    draft,
    official,
    resident_id,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
BASE = "/api/v1/applications"


# --- Helpers ---------------------------------------------------------------------------------------------------


def written() -> dict[str, int]:
    """How many rows each table the one network writes holds."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Application,
            Shareholder,
            Document,
            NameReservation,
            ApplicationEvent,
            Licence,
            Enterprise,
            IdempotencyKey,
            AuditEvent,
        )
    }


def stored(row: Any) -> dict[str, Any]:
    """The row as the database holds it."""
    return type(row).objects.filter(pk=row.pk).values().get()  # type: ignore[no-any-return]


def too_long(limit: int, length: int | None = None) -> str:
    """Django's rule (the services and the pages say how long the text is)."""
    return f"Ensure this value has at most {limit} characters (it has {length or limit + 1})."


def api_too_long(limit: int) -> str:
    """The API's rule, from the schema (pydantic gives no length)."""
    return f"Ensure this value has at most {limit} characters."


def bearer(user: User, language: str = "en") -> Client:
    from g60.api.services import api_token_create

    _row, token = api_token_create(acting_user=None, user=user)
    return Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": language})


def send(client: Client, method: str, path: str, body: Any) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def page(client: Client, language: str = "en") -> Client:
    client.cookies["django_language"] = language
    return client


def body(**overrides: Any) -> dict[str, Any]:
    return {**complete_values(), "shareholders": SHAREHOLDERS, **overrides}


def refused(response: Any, field: str) -> list[str]:
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["detail"] and field in data["errors"], data
    return list(data["errors"][field])


# The application's free text with its limit, a character to fill it with and the page that posts it. (The
# company name has rules of its own: below.)
FIELDS = [
    ("name_en", NAME_EN_MAX_LENGTH, "a", "company"),
    ("legal_representative", LEGAL_REPRESENTATIVE_MAX_LENGTH, "张", "people"),
    ("address", ADDRESS_MAX_LENGTH, "路", "company"),
    ("business_scope", BUSINESS_SCOPE_MAX_LENGTH, "营", "company"),
]
FIELD_IDS = [f[0] for f in FIELDS]


def test_the_limits() -> None:
    # Business scope: a licence prints a few hundred characters at most; the reasons the same room.
    assert (BUSINESS_SCOPE_MAX_LENGTH, REASON_MAX_LENGTH) == (2000, 2000)
    # The names and the address: what the columns already held, now from the one place.
    for model, field, limit in [
        (Application, "name", NAME_MAX_LENGTH),
        (Application, "name_en", NAME_EN_MAX_LENGTH),
        (Application, "legal_representative", LEGAL_REPRESENTATIVE_MAX_LENGTH),
        (Application, "address", ADDRESS_MAX_LENGTH),
        (Application, "name_trade", NAME_PART_MAX_LENGTH),
        (Shareholder, "name", SHAREHOLDER_NAME_MAX_LENGTH),
        (Document, "original_name", DOCUMENT_NAME_MAX_LENGTH),
        (NameReservation, "trade_name", NAME_PART_MAX_LENGTH),
    ]:
        assert model._meta.get_field(field).max_length == limit, field
    # The text columns keep their type; the model's validators hold the limit (full_clean, the admin).
    for model, field, limit in [
        (Application, "business_scope", BUSINESS_SCOPE_MAX_LENGTH),
        (Application, "last_reason", REASON_MAX_LENGTH),
        (ApplicationEvent, "reason", REASON_MAX_LENGTH),
        (Licence, "revoke_reason", REASON_MAX_LENGTH),
    ]:
        validators = model._meta.get_field(field).validators
        assert [v.limit_value for v in validators if hasattr(v, "limit_value")] == [limit], field


# --- The application's text: API ------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "limit", "char", "_page"), FIELDS, ids=FIELD_IDS)
def test_api_create_takes_the_longest_text_and_refuses_one_more(field: str, limit: int, char: str, _page: str) -> None:
    client = bearer(ApplicantFactory())
    before = written()
    response = send(client, "post", BASE, body(**{field: char * (limit + 1)}))
    assert api_too_long(limit) in refused(response, field)
    assert written() == before

    response = send(client, "post", BASE, body(**{field: char * limit}))
    assert response.status_code == 201, response.content
    assert response.json()[field] == char * limit
    assert len(getattr(Application.objects.get(public_id=response.json()["id"]), field)) == limit


@pytest.mark.parametrize(("field", "limit", "char", "_page"), FIELDS, ids=FIELD_IDS)
def test_api_update_takes_the_longest_text_and_refuses_one_more(field: str, limit: int, char: str, _page: str) -> None:
    application = draft()
    client = bearer(application.applicant)
    url = f"{BASE}/{application.public_id}"
    before = (written(), stored(application))
    assert api_too_long(limit) in refused(send(client, "patch", url, {field: char * (limit + 1)}), field)
    assert (written(), stored(application)) == before

    response = send(client, "patch", url, {field: char * limit})
    assert response.status_code == 200, response.content
    assert getattr(Application.objects.get(pk=application.pk), field) == char * limit


def test_api_speaks_the_callers_language() -> None:
    user = ApplicantFactory()
    in_english, in_chinese = bearer(user, "en"), bearer(user, "zh-hans")
    before = written()
    too_much = body(business_scope="营" * (BUSINESS_SCOPE_MAX_LENGTH + 1))
    english = send(in_english, "post", BASE, too_much)
    chinese = send(in_chinese, "post", BASE, too_much)
    assert refused(english, "business_scope") == ["Ensure this value has at most 2000 characters."]
    assert refused(chinese, "business_scope") == ["最多 2000 个字符。"]
    assert english.json()["detail"] == "Invalid input." and chinese.json()["detail"] != "Invalid input."
    assert written() == before


def test_api_documents_the_limits() -> None:
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    scope = schema["ApplicationWriteIn"]["properties"]["business_scope"]["anyOf"][0]
    assert scope["maxLength"] == BUSINESS_SCOPE_MAX_LENGTH
    assert schema["ReasonIn"]["properties"]["reason"]["maxLength"] == REASON_MAX_LENGTH
    assert schema["ShareholderIn"]["properties"]["name"]["maxLength"] == SHAREHOLDER_NAME_MAX_LENGTH


# --- The application's text: pages ----------------------------------------------------------------------------


def _post_field(web: Client, application: Application | None, form: str, field: str, value: str) -> Any:
    if form == "company":
        url = (
            reverse("onenetwork:application_new")
            if application is None
            else reverse("onenetwork:step_company", args=[application.public_id])
        )
        return web.post(url, {**complete_values(), field: value})
    assert application is not None
    people = {
        "legal_representative": "张明",
        "legal_representative_id_number": resident_id(1),
        "sh_name": ["张明"],
        "sh_kind": ["person"],
        "sh_id_number": [resident_id(1)],
        "sh_share": ["100"],
        field: value,
    }
    return web.post(reverse("onenetwork:step_people", args=[application.public_id]), people)


@pytest.mark.parametrize(("field", "limit", "char", "form"), FIELDS, ids=FIELD_IDS)
def test_page_takes_the_longest_text_and_shows_the_error_for_one_more(
    client_for,  # type: ignore[no-untyped-def]
    field: str,
    limit: int,
    char: str,
    form: str,
) -> None:
    application = draft()
    web = page(client_for(application.applicant))
    before = (written(), stored(application))
    response = _post_field(web, application, form, field, char * (limit + 1))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [too_long(limit)]
    html = response.content.decode()
    assert f'id="id_{field}-errors"' in html and too_long(limit) in html
    assert f'maxlength="{limit}"' in html  # the browser stops there already
    assert (written(), stored(application)) == before

    response = _post_field(web, application, form, field, char * limit)
    assert response.status_code == 302, response.context["form"].errors
    assert getattr(Application.objects.get(pk=application.pk), field) == char * limit


def test_page_new_application_with_too_long_scope_writes_nothing(client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    web = page(client_for(applicant))
    before = written()
    response = _post_field(web, None, "company", "business_scope", "营" * (BUSINESS_SCOPE_MAX_LENGTH + 1))
    assert response.status_code == 200 and "business_scope" in response.context["form"].errors
    assert written() == before


def test_page_counts_a_line_break_once(client_for) -> None:  # type: ignore[no-untyped-def]
    # A browser sends a textarea's line breaks as CRLF but counts each as one character against its maxlength.
    application = draft()
    web = page(client_for(application.applicant))
    scope = "营" * 1000 + "\r\n" + "营" * (BUSINESS_SCOPE_MAX_LENGTH - 1001)
    response = _post_field(web, application, "company", "business_scope", scope)
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).business_scope == scope.replace("\r\n", "\n")


def test_page_shows_the_error_in_chinese(client_for) -> None:  # type: ignore[no-untyped-def]
    application = draft()
    web = page(client_for(application.applicant), "zh-hans")
    response = _post_field(web, application, "company", "business_scope", "营" * (BUSINESS_SCOPE_MAX_LENGTH + 1))
    assert response.context["form"].errors["business_scope"] == ["最多 2000 个字符（当前为 2001 个）。"]


# --- The application's text: services -------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "limit", "char", "_page"), FIELDS, ids=FIELD_IDS)
def test_service_create_takes_the_longest_text_and_refuses_one_more(
    field: str, limit: int, char: str, _page: str
) -> None:
    applicant = ApplicantFactory()
    before = written()
    with pytest.raises(ValidationError) as refusal:
        services.application_create(
            acting_user=applicant, values={**complete_values(), field: char * (limit + 1)}, shareholders=SHAREHOLDERS
        )
    assert refusal.value.message_dict == {field: [too_long(limit)]}
    assert written() == before

    # Counted once the surrounding spaces are stripped.
    application = services.application_create(
        acting_user=applicant, values={**complete_values(), field: f"  {char * limit} "}, shareholders=SHAREHOLDERS
    )
    assert getattr(Application.objects.get(pk=application.pk), field) == char * limit


@pytest.mark.parametrize(("field", "limit", "char", "_page"), FIELDS, ids=FIELD_IDS)
def test_service_update_takes_the_longest_text_and_refuses_one_more(
    field: str, limit: int, char: str, _page: str
) -> None:
    application = draft()
    before = (written(), stored(application))
    with pytest.raises(ValidationError) as refusal:
        services.application_update(
            acting_user=application.applicant, application=application, values={field: char * (limit + 1)}
        )
    assert refusal.value.message_dict == {field: [too_long(limit)]}
    assert (written(), stored(application)) == before

    services.application_update(
        acting_user=application.applicant, application=application, values={field: char * limit}
    )
    assert getattr(Application.objects.get(pk=application.pk), field) == char * limit


def test_service_reports_every_field_too_long_at_once() -> None:
    values = {**complete_values(), **{field: char * (limit + 1) for field, limit, char, _page in FIELDS}}
    with pytest.raises(ValidationError) as refusal:
        services.application_create(acting_user=ApplicantFactory(), values=values)
    assert refusal.value.message_dict == {field: [too_long(limit)] for field, limit, _char, _page in FIELDS}


def test_service_speaks_the_users_language() -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refusal:
        services.application_create(
            acting_user=ApplicantFactory(),
            values={**complete_values(), "business_scope": "营" * (BUSINESS_SCOPE_MAX_LENGTH + 1)},
        )
    assert refusal.value.message_dict == {"business_scope": ["最多 2000 个字符（当前为 2001 个）。"]}


def test_a_scope_stored_before_the_limit_is_corrected_before_submitting() -> None:
    application = draft()
    Application.objects.filter(pk=application.pk).update(business_scope="营" * 100_000)
    before = (written(), stored(application))
    with pytest.raises(ValidationError) as refusal:
        services.application_submit(acting_user=application.applicant, application=application)
    assert refusal.value.message_dict == {"business_scope": [too_long(BUSINESS_SCOPE_MAX_LENGTH, 100_000)]}
    assert (written(), stored(application)) == before


def test_a_reason_stored_before_the_limit_does_not_block_the_applicant() -> None:
    application = advance(draft(), "submitted")
    application = services.application_return(
        acting_user=official(Role.CLERK, JIAXING), application=application, reason="请补正"
    )
    Application.objects.filter(pk=application.pk).update(last_reason="因" * 100_000)
    services.application_update(acting_user=application.applicant, application=application, values={"address": "新址"})
    assert Application.objects.get(pk=application.pk).address == "新址"


# --- The company name -----------------------------------------------------------------------------------------


def _name(trade: str, industry: str = "信息技术") -> str:
    return f"上海{trade}{industry}有限公司"


LONGEST_NAME = _name("明" * (NAME_MAX_LENGTH - 10))  # 100 characters, a trade name of 90


def test_name_over_the_limit_is_refused_by_its_length_everywhere(client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    client = bearer(applicant)
    before = written()
    name = LONGEST_NAME + "营"
    assert api_too_long(NAME_MAX_LENGTH) in refused(send(client, "post", BASE, body(name=name)), "name")
    response = page(client_for(applicant)).post(
        reverse("onenetwork:application_new"), {**complete_values(), "name": name}
    )
    assert response.status_code == 200 and response.context["form"].errors["name"] == [too_long(NAME_MAX_LENGTH)]
    with pytest.raises(ValidationError) as refusal:
        services.application_create(acting_user=applicant, values={**complete_values(), "name": name})
    assert refusal.value.message_dict == {"name": [too_long(NAME_MAX_LENGTH)]}
    assert written() == before


def test_name_at_the_limit_passes_the_length_rule() -> None:
    # No name of 100 characters follows the naming rules (each part has at most 32): its other rules refuse it.
    with pytest.raises(ValidationError) as refusal:
        services.application_create(acting_user=ApplicantFactory(), values={**complete_values(), "name": LONGEST_NAME})
    messages = refusal.value.message_dict["name"]
    assert messages and not any("at most 100" in m for m in messages)
    response = send(bearer(ApplicantFactory()), "post", f"{BASE}/name-check", {"name": LONGEST_NAME})
    assert response.status_code == 200
    assert "name_too_long" not in [i["code"] for i in response.json()["issues"]]


def test_name_check_of_a_very_long_name_answers_at_once(client_for) -> None:  # type: ignore[no-untyped-def]
    # The pages' live check compared every substring of the trade name: minutes for 100,000 characters.
    name = _name("明" * 100_000)
    check = name_check(name=name, form_type="company", domicile_code=SONGJIANG)
    assert [i.code for i in check.issues] == ["name_too_long"] and check.parts is None
    assert check.issues[0].message == f"A company name has at most 100 characters (this one has {len(name)})."
    web = page(client_for(ApplicantFactory()), "zh-hans")
    html = web.get(reverse("onenetwork:name_check"), {"name": name, "domicile_city": SONGJIANG}).content.decode()
    assert 'data-code="name_too_long"' in html and f"企业名称最多 100 个字符（当前为 {len(name)} 个）。" in html


@pytest.mark.parametrize(
    ("trade", "industry", "code"),
    [
        ("明" * (NAME_PART_MAX_LENGTH + 1), "信息技术", "trade_name_too_long"),
        ("明远", "信息技术" * 9, "industry_too_long"),
    ],
    ids=["trade_name", "industry"],
)
def test_name_parts_longer_than_their_columns_are_refused(trade: str, industry: str, code: str) -> None:
    # The parts are stored in columns of 32 characters: a longer part failed the insert on PostgreSQL (a 500).
    name = _name(trade, industry)
    assert len(name) <= NAME_MAX_LENGTH
    client = bearer(ApplicantFactory())
    before = written()
    messages = refused(send(client, "post", BASE, body(name=name)), "name")
    assert any("at most 32 characters" in m for m in messages), messages
    assert code in [i.code for i in name_check(name=name, form_type="company", domicile_code=SONGJIANG).errors]
    assert written() == before


def test_name_parts_at_their_limit_are_accepted() -> None:
    name = _name("明远" + "华" * (NAME_PART_MAX_LENGTH - 2), "信息技术" * (NAME_PART_MAX_LENGTH // 4))
    response = send(bearer(ApplicantFactory()), "post", BASE, body(name=name))
    assert response.status_code == 201, response.content
    parts = response.json()["name_parts"]
    assert len(parts["trade_name"]) == len(parts["industry"]) == NAME_PART_MAX_LENGTH
    assert NameReservation.objects.get(application__public_id=response.json()["id"]).trade_name == parts["trade_name"]


# --- Shareholders' names ----------------------------------------------------------------------------------------


def _one_shareholder(name: str) -> list[dict[str, Any]]:
    return [{**SHAREHOLDERS[0], "name": name, "share_percent": "100"}]


def test_shareholder_name_through_the_api() -> None:
    limit = SHAREHOLDER_NAME_MAX_LENGTH
    client = bearer(ApplicantFactory())
    before = written()
    response = send(client, "post", BASE, body(shareholders=_one_shareholder("张" * (limit + 1))))
    assert api_too_long(limit) in refused(response, "shareholders.0.name")
    assert written() == before
    response = send(client, "post", BASE, body(shareholders=_one_shareholder("张" * limit)))
    assert response.status_code == 201 and response.json()["shareholders"][0]["name"] == "张" * limit


def test_shareholder_name_through_the_page(client_for) -> None:  # type: ignore[no-untyped-def]
    limit = SHAREHOLDER_NAME_MAX_LENGTH
    application = draft()
    web = page(client_for(application.applicant))
    before = (written(), list(application.shareholders.values()))
    response = _post_field(web, application, "people", "sh_name", "张" * (limit + 1))
    assert response.status_code == 200
    assert response.context["rows"][0]["errors"] == {"name": [too_long(limit)]}
    html = response.content.decode()
    assert too_long(limit) in html and f'maxlength="{limit}"' in html
    assert (written(), list(application.shareholders.values())) == before
    response = _post_field(web, application, "people", "sh_name", "张" * limit)
    assert response.status_code == 302
    assert [s.name for s in application.shareholders.all()] == ["张" * limit]


def test_shareholder_name_through_the_service() -> None:
    limit = SHAREHOLDER_NAME_MAX_LENGTH
    application = draft()
    before = (written(), list(application.shareholders.values()))
    with pytest.raises(ValidationError) as refusal:
        services.application_update(
            acting_user=application.applicant,
            application=application,
            values={},
            shareholders=_one_shareholder("张" * (limit + 1)),
        )
    assert refusal.value.message_dict == {"shareholders.0.name": [too_long(limit)]}
    assert (written(), list(application.shareholders.values())) == before
    services.application_update(
        acting_user=application.applicant,
        application=application,
        values={},
        shareholders=_one_shareholder("张" * limit),
    )
    assert [s.name for s in application.shareholders.all()] == ["张" * limit]


# --- Reasons: return, reject, withdraw, revoke ------------------------------------------------------------------

REASON_STEPS = ["return", "reject", "withdraw", "revoke"]


def _reason_case(step: str) -> tuple[User, Any, Application, str, str]:
    """The user allowed to take `step`, the row it changes, the application, and the step's API and page URLs."""
    if step == "revoke":
        application = advance(draft(), "licence_issued")
        licence = Licence.objects.get(application=application)
        return (
            official(Role.EXAMINER, SONGJIANG),
            licence,
            application,
            f"/api/v1/licences/{licence.public_id}/revoke",
            reverse("onenetwork:licence_revoke", args=[licence.public_id]),
        )
    state, user = {
        "withdraw": ("draft", None),
        "return": ("submitted", official(Role.CLERK, JIAXING)),
        "reject": ("under_examination", official(Role.EXAMINER, SONGJIANG)),
    }[step]
    application = draft() if state == "draft" else advance(draft(), state)
    return (
        user or application.applicant,
        application,
        application,
        f"{BASE}/{application.public_id}/{step}",
        reverse("onenetwork:application_action", args=[application.public_id, step]),
    )


def _reason_service(step: str, user: User, row: Any, reason: str) -> None:
    if step == "revoke":
        licensing.licence_revoke(acting_user=user, licence=row, reason=reason)
        return
    function = {
        "return": services.application_return,
        "reject": services.application_reject,
        "withdraw": services.application_withdraw,
    }[step]
    function(acting_user=user, application=row, reason=reason)


def _reason_taken(step: str, row: Any, application: Application, reason: str) -> None:
    event = ApplicationEvent.objects.filter(application=application).latest("pk")
    assert event.reason == reason
    if step == "revoke":
        assert Licence.objects.get(pk=row.pk).revoke_reason == reason
    else:
        assert Application.objects.get(pk=application.pk).last_reason == reason


@pytest.mark.parametrize("step", REASON_STEPS)
def test_reason_through_the_api(step: str) -> None:
    user, row, application, url, _page_url = _reason_case(step)
    client = bearer(user)
    before = (written(), stored(row))
    response = send(client, "post", url, {"reason": "因" * (REASON_MAX_LENGTH + 1)})
    assert refused(response, "reason") == [api_too_long(REASON_MAX_LENGTH)]
    assert (written(), stored(row)) == before

    response = send(client, "post", url, {"reason": "因" * REASON_MAX_LENGTH})
    assert response.status_code == 200, response.content
    _reason_taken(step, row, application, "因" * REASON_MAX_LENGTH)


@pytest.mark.parametrize("step", REASON_STEPS)
def test_reason_through_the_page(client_for, step: str) -> None:  # type: ignore[no-untyped-def]
    user, row, application, _api_url, url = _reason_case(step)
    web = page(client_for(user))
    detail = web.get(reverse("onenetwork:application_detail", args=[application.public_id])).content.decode()
    assert f'maxlength="{REASON_MAX_LENGTH}"' in detail
    before = (written(), stored(row))
    response = web.post(url, {"reason": "因" * (REASON_MAX_LENGTH + 1)}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [f"Reason: {too_long(REASON_MAX_LENGTH)}"]
    assert shown[0] in response.content.decode()
    assert (written(), stored(row)) == before

    response = web.post(url, {"reason": "因" * REASON_MAX_LENGTH})
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    _reason_taken(step, row, application, "因" * REASON_MAX_LENGTH)


@pytest.mark.parametrize("step", REASON_STEPS)
def test_reason_through_the_service(step: str) -> None:
    user, row, application, _api_url, _page_url = _reason_case(step)
    before = (written(), stored(row))
    with pytest.raises(ValidationError) as refusal:
        _reason_service(step, user, row, "因" * (REASON_MAX_LENGTH + 1))
    assert refusal.value.message_dict == {"reason": [too_long(REASON_MAX_LENGTH)]}
    assert (written(), stored(row)) == before

    _reason_service(step, user, row, f" {'因' * REASON_MAX_LENGTH}\n")
    _reason_taken(step, row, application, "因" * REASON_MAX_LENGTH)


def test_reason_refused_in_chinese_on_the_page(client_for) -> None:  # type: ignore[no-untyped-def]
    user, row, _application, _api_url, url = _reason_case("return")
    web = page(client_for(user), "zh-hans")
    response = web.post(url, {"reason": "因" * (REASON_MAX_LENGTH + 1)}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["理由: 最多 2000 个字符（当前为 2001 个）。"]
    assert stored(row)["state"] == "submitted"


# --- Documents' file names --------------------------------------------------------------------------------------


def _add(application: Application, filename: str) -> Document:
    return services.document_add(
        acting_user=application.applicant,
        application=application,
        kind="articles",
        filename=filename,
        content=PDF,
        content_type="application/pdf",
    )


def test_document_name_through_the_service(media: Path) -> None:
    limit = DOCUMENT_NAME_MAX_LENGTH
    application = draft()
    files = sorted(media.rglob("*.pdf"))
    before = written()
    with pytest.raises(ValidationError) as refusal:
        _add(application, "a" * (limit - 3) + ".pdf")
    assert refusal.value.message_dict == {
        "file": [f"The file's name may be at most {limit} characters long (this one has {limit + 1})."]
    }
    assert written() == before and sorted(media.rglob("*.pdf")) == files
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refusal:
        _add(application, "a" * (limit - 3) + ".pdf")
    assert refusal.value.messages == [f"文件名最多 {limit} 个字符（当前为 {limit + 1} 个）。"]

    document = _add(application, "a" * (limit - 4) + ".pdf")
    assert Document.objects.get(pk=document.pk).original_name == "a" * (limit - 4) + ".pdf"


def test_document_name_through_the_api_and_the_page(client_for) -> None:  # type: ignore[no-untyped-def]
    # Django shortens an uploaded file's name to 255 characters, its extension kept: an upload always fits.
    application = draft()
    long_name = "章" * 300 + ".pdf"
    upload = SimpleUploadedFile(long_name, PDF, content_type="application/pdf")
    response = bearer(application.applicant).post(
        f"{BASE}/{application.public_id}/documents", {"kind": "articles", "file": upload}
    )
    assert response.status_code == 201, response.content
    name = response.json()["name"]
    assert len(name) == DOCUMENT_NAME_MAX_LENGTH and name.endswith(".pdf")

    upload = SimpleUploadedFile(long_name, PDF, content_type="application/pdf")
    response = page(client_for(application.applicant)).post(
        reverse("onenetwork:step_documents", args=[application.public_id]), {"kind": "articles", "file": upload}
    )
    assert response.status_code == 302
    assert [len(d.original_name) for d in application.documents.all()][-1] == DOCUMENT_NAME_MAX_LENGTH
