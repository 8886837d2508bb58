"""The API: every transition as an operation, every forbidden role × city attempt (403 when the application is
visible but the step is not the user's, 404 when it is not visible; nothing changed), bad input as 422 naming
the field, 409 for a step the state does not allow, Idempotency-Key, PDF download and public verification."""

import json
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from g60.accounts.models import Role
from g60.onenetwork.models import Application, ApplicationEvent, Licence
from tests.onenetwork.factories import (
    HANGZHOU,
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


def post(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    headers.setdefault("Accept-Language", "en")
    return client.post(path, json.dumps(body or {}), content_type="application/json", headers=headers)


def snapshot(application: Application) -> dict[str, Any]:
    application = Application.objects.get(pk=application.pk)
    return {
        **model_to_dict(application),
        "modified_on": application.modified_on,
        "events": ApplicationEvent.objects.filter(application=application).count(),
        "licence": Licence.objects.filter(application=application).exists(),
    }


# --- Creating, idempotency ---------------------------------------------------------------------------------


def _body(**overrides: Any) -> dict[str, Any]:
    return {**complete_values(), "shareholders": SHAREHOLDERS, **overrides}


def test_create_update_upload_submit(client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    client = client_for(applicant)
    response = post(client, BASE, _body())
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["state"] == "draft" and data["name_parts"]["form"] == "有限公司"
    assert [s["share_percent"] for s in data["shareholders"]] == ["60", "40"]
    app_url = f"{BASE}/{data['id']}"
    patched = client.patch(app_url, json.dumps({"address": "上海市松江区新址"}), content_type="application/json")
    assert patched.status_code == 200 and patched.json()["address"] == "上海市松江区新址"
    upload = client.post(f"{app_url}/documents", {"kind": "articles", "file": _file(PDF, "articles.pdf")})
    assert upload.status_code == 201 and len(upload.json()["sha256"]) == 64
    submitted = post(client, f"{app_url}/submit")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert submitted.json()["acceptance_due"] is not None


def test_same_idempotency_key_makes_one_application(client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    client = client_for(applicant)
    body = _body()
    first = post(client, BASE, body, **{"Idempotency-Key": "k-1"})
    again = post(client, BASE, body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Application.objects.filter(applicant=applicant).count() == 1
    other = post(client, BASE, _body(name=complete_values()["name"]), **{"Idempotency-Key": "k-2"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert Application.objects.filter(applicant=applicant).count() == 2


def test_a_key_reused_for_another_request_is_refused(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ApplicantFactory())
    body = _body()
    assert post(client, BASE, body, **{"Idempotency-Key": "k"}).status_code == 201
    response = post(client, BASE, {**body, "name_en": "Other"}, **{"Idempotency-Key": "k"})
    assert response.status_code == 422 and "Idempotency-Key" in response.json()["errors"]


def test_a_failed_request_does_not_burn_its_key(client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    client = client_for(applicant)
    body = _body(legal_representative_id_number="110105194912310021")
    assert post(client, BASE, body, **{"Idempotency-Key": "k"}).status_code == 422
    assert post(client, BASE, _body(), **{"Idempotency-Key": "k"}).status_code == 201
    assert Application.objects.filter(applicant=applicant).count() == 1


def test_keys_are_per_user(client_for) -> None:  # type: ignore[no-untyped-def]
    a, b = ApplicantFactory(), ApplicantFactory()
    body = _body()
    assert post(client_for(a), BASE, body, **{"Idempotency-Key": "same"}).status_code == 201
    assert post(client_for(b), BASE, _body(), **{"Idempotency-Key": "same"}).status_code == 201
    assert Application.objects.filter(applicant__in=[a, b]).count() == 2


def test_submit_with_a_key_twice_submits_once(client_for) -> None:  # type: ignore[no-untyped-def]
    application = draft()
    client = client_for(application.applicant)
    url = f"{BASE}/{application.public_id}/submit"
    first = post(client, url, **{"Idempotency-Key": "s-1"})
    again = post(client, url, **{"Idempotency-Key": "s-1"})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert ApplicationEvent.objects.filter(application=application, step="submit").count() == 1


# --- Bad input: 422 naming the field, nothing written ------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_representative_id_number": "110105194912310021"}, "legal_representative_id_number"),
        (
            {"shareholders": [{**SHAREHOLDERS[0], "share_percent": "60"}, {**SHAREHOLDERS[1], "share_percent": "30"}]},
            "shareholders",
        ),
        (
            {
                "shareholders": [
                    {**SHAREHOLDERS[0], "share_percent": "50"},
                    {**SHAREHOLDERS[1], "id_number": "914403001922038217", "share_percent": "50"},
                ]
            },
            "shareholders.1.id_number",
        ),
        ({"name": "上海博彩信息技术有限公司"}, "name"),
        ({"name": "上海明远信息技术"}, "name"),
        ({"domicile_city": "110000"}, "domicile_city"),
        ({"industry_code": "C6513"}, "industry_code"),
        ({"registered_capital_wan": "-5"}, "registered_capital_wan"),
        ({"form": "corporation"}, "form"),
    ],
)
def test_bad_input_names_the_field(client_for, overrides: dict[str, Any], field: str) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    response = post(client_for(applicant), BASE, _body(**overrides))
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"], response.json()
    assert all(response.json()["errors"][field])
    assert not Application.objects.filter(applicant=applicant).exists()


def test_wrong_id_check_digit_message_says_the_rule(client_for) -> None:  # type: ignore[no-untyped-def]
    response = post(
        client_for(ApplicantFactory()), BASE, _body(legal_representative_id_number="11010519491231002X"[:-1] + "1")
    )
    assert "check character" in response.json()["errors"]["legal_representative_id_number"][0]


def _file(content: bytes, name: str, content_type: str = "application/pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"PK\x03\x04 not a pdf", "application/pdf"),  # a zip named .pdf
        (PDF, "image/png"),  # PDF bytes sent as an image
        (b"", "application/pdf"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf"),  # over 10 MB
    ],
)
def test_non_pdf_upload_is_refused_on_the_file_field(client_for, content: bytes, content_type: str) -> None:  # type: ignore[no-untyped-def]
    application = draft()
    before = application.documents.count()
    response = client_for(application.applicant).post(
        f"{BASE}/{application.public_id}/documents", {"kind": "articles", "file": _file(content, "x.pdf", content_type)}
    )
    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert application.documents.count() == before


def test_submit_incomplete_names_the_missing_fields(client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    client = client_for(applicant)
    created = post(client, BASE, {"name_en": "Only an English name"}).json()
    response = post(client, f"{BASE}/{created['id']}/submit")
    assert response.status_code == 422
    assert {"name", "domicile_city", "shareholders", "documents"} <= set(response.json()["errors"])


# --- Every transition through the API, and 409 -------------------------------------------------------------


def test_every_transition_through_the_api(client_for) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(), "submitted")
    clerk = client_for(official(Role.CLERK, JIAXING))
    examiner = client_for(official(Role.EXAMINER, SONGJIANG))
    url = f"{BASE}/{application.public_id}"
    assert post(clerk, f"{url}/return", {"reason": ""}).status_code == 422
    assert post(clerk, f"{url}/return", {"reason": "缺少住所证明"}).json()["state"] == "returned_for_correction"
    owner = client_for(application.applicant)
    assert post(owner, f"{url}/submit").json()["state"] == "submitted"
    assert post(clerk, f"{url}/accept").json()["state"] == "accepted"
    assert post(examiner, f"{url}/start-examination").json()["state"] == "under_examination"
    approved = post(examiner, f"{url}/approve").json()
    assert approved["state"] == "licence_issued" and approved["licence"]["uscc"][2:8] == SONGJIANG
    licence_url = f"/api/v1/licences/{approved['licence']['id']}"
    assert post(clerk, f"{licence_url}/hand-over").json()["handed_over_at"] is not None
    assert post(examiner, f"{licence_url}/revoke", {"reason": ""}).status_code == 422
    assert post(examiner, f"{licence_url}/revoke", {"reason": "以欺骗手段取得登记"}).json()["revoked_at"] is not None


def test_reject_and_withdraw_through_the_api(client_for) -> None:  # type: ignore[no-untyped-def]
    rejected = advance(draft(), "under_examination")
    examiner = client_for(official(Role.EXAMINER, SONGJIANG))
    response = post(examiner, f"{BASE}/{rejected.public_id}/reject", {"reason": "名称侵权"})
    assert response.json()["state"] == "rejected" and response.json()["last_reason"] == "名称侵权"
    withdrawn = advance(draft(), "submitted")
    response = post(client_for(withdrawn.applicant), f"{BASE}/{withdrawn.public_id}/withdraw", {"reason": ""})
    assert response.json()["state"] == "withdrawn"


@pytest.mark.parametrize(
    ("state", "who", "step"),
    [
        ("accepted", "owner", "submit"),
        ("licence_issued", "examiner", "approve"),
        ("licence_issued", "examiner", "start-examination"),
        ("licence_issued", "owner", "withdraw"),
        ("accepted", "clerk", "return"),
        ("rejected", "clerk", "accept"),
    ],
)
def test_illegal_transition_is_409_with_a_code(client_for, state: str, who: str, step: str) -> None:  # type: ignore[no-untyped-def]
    if state == "rejected":
        application = advance(draft(), "under_examination")
        from g60.onenetwork import services

        services.application_reject(acting_user=official(Role.EXAMINER, SONGJIANG), application=application, reason="x")
    else:
        application = advance(draft(), state)
    users = {
        "owner": application.applicant,
        "clerk": official(Role.CLERK, JIAXING),
        "examiner": official(Role.EXAMINER, SONGJIANG),
    }
    before = snapshot(application)
    response = post(client_for(users[who]), f"{BASE}/{application.public_id}/{step}", {"reason": "x"})
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "illegal_transition" and response.json()["detail"]
    assert snapshot(application) == before


# --- Forbidden role × city: 403 or 404, nothing changed ----------------------------------------------------

# Who tries: the owner, another applicant, clerks and examiners of the window city (Jiaxing), of the domicile
# city (Songjiang) and of a third city (Hangzhou), a corridor analyst and an administrator.
ACTORS = {
    "other_applicant": lambda: ApplicantFactory(),
    "clerk_window": lambda: official(Role.CLERK, JIAXING),
    "clerk_domicile": lambda: official(Role.CLERK, SONGJIANG),
    "clerk_elsewhere": lambda: official(Role.CLERK, HANGZHOU),
    "examiner_domicile": lambda: official(Role.EXAMINER, SONGJIANG),
    "examiner_window": lambda: official(Role.EXAMINER, JIAXING),
    "examiner_elsewhere": lambda: official(Role.EXAMINER, HANGZHOU),
    "analyst": lambda: _corridor(Role.ANALYST),
    "admin": lambda: _corridor(Role.ADMIN),
}
# Each operation, the state it is tried in and the one actor allowed to do it.
OPERATIONS = {
    "submit": ("draft", "owner"),
    "accept": ("submitted", "clerk_window"),
    "return": ("submitted", "clerk_window"),
    "start-examination": ("accepted", "examiner_domicile"),
    "approve": ("under_examination", "examiner_domicile"),
    "reject": ("under_examination", "examiner_domicile"),
    "withdraw": ("submitted", "owner"),
}


def _corridor(role: Role):  # type: ignore[no-untyped-def]
    from tests.accounts.factories import MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(user=user, role=role, city=None)
    return user


def _expected(who: str, step: str) -> int:
    """404 when the application is not visible to `who`, 403 when it is but the step is not theirs."""
    state, _allowed = OPERATIONS[step]
    visible = who == "owner" or (state != "draft" and who in ("clerk_window", "examiner_domicile"))
    return 403 if visible else 404


MATRIX = [(step, who) for step, (_s, allowed) in OPERATIONS.items() for who in ["owner", *ACTORS] if who != allowed]


def _in_state(state: str) -> Application:
    application = draft(window=JIAXING, domicile=SONGJIANG)
    return application if state == "draft" else advance(application, state)


@pytest.mark.parametrize(("step", "who"), MATRIX)
def test_every_forbidden_role_and_city_changes_nothing(client_for, step: str, who: str) -> None:  # type: ignore[no-untyped-def]
    application = _in_state(OPERATIONS[step][0])
    user = application.applicant if who == "owner" else ACTORS[who]()
    before = snapshot(application)
    response = post(client_for(user), f"{BASE}/{application.public_id}/{step}", {"reason": "试图越权"})
    assert response.status_code == _expected(who, step), response.json()
    assert snapshot(application) == before


@pytest.mark.parametrize("step", sorted(OPERATIONS))
def test_the_allowed_actor_succeeds(client_for, step: str) -> None:  # type: ignore[no-untyped-def]
    state, allowed = OPERATIONS[step]
    application = _in_state(state)
    user = application.applicant if allowed == "owner" else ACTORS[allowed]()
    response = post(client_for(user), f"{BASE}/{application.public_id}/{step}", {"reason": "理由"})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] != state


@pytest.mark.parametrize(
    ("who", "status"), [("other_applicant", 404), ("clerk_window", 403), ("examiner_domicile", 403)]
)
def test_only_the_applicant_edits_their_draft(client_for, who: str, status: int) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(), "submitted") if who != "other_applicant" else draft()
    before = snapshot(application)
    response = client_for(ACTORS[who]()).patch(
        f"{BASE}/{application.public_id}", json.dumps({"address": "x"}), content_type="application/json"
    )
    assert response.status_code == status
    assert snapshot(application) == before


def test_anonymous_gets_401_and_applicants_without_role_403(client_for, make_user) -> None:  # type: ignore[no-untyped-def]
    assert post(Client(), BASE, _body()).status_code == 401
    assert post(client_for(make_user()), BASE, _body()).status_code == 403
    assert post(client_for(official(Role.CLERK, JIAXING)), BASE, _body()).status_code == 403


def test_lists_are_scoped(client_for) -> None:  # type: ignore[no-untyped-def]
    mine = advance(draft(window=JIAXING, domicile=SONGJIANG), "submitted")
    elsewhere = advance(draft(window=HANGZHOU, domicile=HANGZHOU), "submitted")
    a_draft = draft(window=JIAXING, domicile=SONGJIANG)

    def ids(client: Client, queue: str = "") -> set[str]:
        return {a["id"] for a in client.get(BASE, {"queue": queue}).json()}

    clerk = client_for(official(Role.CLERK, JIAXING))
    assert ids(clerk, "acceptance") == {str(mine.public_id)}
    assert str(elsewhere.public_id) not in ids(clerk) and str(a_draft.public_id) not in ids(clerk)
    assert ids(client_for(official(Role.EXAMINER, SONGJIANG)), "examination") == set()
    assert ids(client_for(mine.applicant), "mine") == {str(mine.public_id)}


@pytest.mark.parametrize(
    ("who", "step", "status"),
    [
        ("examiner_window", "revoke", 404),
        ("clerk_window", "revoke", 403),
        ("other_applicant", "revoke", 404),
        ("clerk_domicile", "hand-over", 404),
        ("examiner_domicile", "hand-over", 403),
        ("clerk_elsewhere", "hand-over", 404),
    ],
)
def test_forbidden_licence_operations_change_nothing(client_for, who: str, step: str, status: int) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(window=JIAXING, domicile=SONGJIANG), "licence_issued")
    licence = Licence.objects.get(application=application)
    before = model_to_dict(licence)
    response = post(client_for(ACTORS[who]()), f"/api/v1/licences/{licence.public_id}/{step}", {"reason": "x"})
    assert response.status_code == status
    assert model_to_dict(Licence.objects.get(pk=licence.pk)) == before


def test_pdf_download_for_the_applicant_and_officials_concerned(client_for, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(window=JIAXING, domicile=SONGJIANG), "under_examination")
    examiner = official(Role.EXAMINER, SONGJIANG)
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(examiner), f"{BASE}/{application.public_id}/approve")
    licence = Licence.objects.get(application=application)
    url = f"/api/v1/licences/{licence.public_id}/pdf"
    for user in (application.applicant, official(Role.CLERK, JIAXING), examiner):
        response = client_for(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    for user in (ApplicantFactory(), official(Role.CLERK, HANGZHOU), official(Role.EXAMINER, JIAXING)):
        assert client_for(user).get(url).status_code == 404


# --- Public verification -----------------------------------------------------------------------------------


def test_verify_is_public(client_for) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(), "licence_issued")
    licence = Licence.objects.get(application=application)
    anonymous = Client()
    valid = post(anonymous, "/api/v1/licences/verify", {"token": licence.token}).json()
    assert valid["valid"] is True and valid["reason"] == "valid"
    assert valid["licence"]["uscc"] == licence.uscc and valid["algorithm"] == "Ed25519"
    tampered = licence.token[:-4] + ("AAAA" if not licence.token.endswith("AAAA") else "BBBB")
    answer = post(anonymous, "/api/v1/licences/verify", {"token": tampered}).json()
    assert answer["valid"] is False and answer["reason"] in ("bad_signature", "malformed") and answer["message"]
    post(
        client_for(official(Role.EXAMINER, SONGJIANG)),
        f"/api/v1/licences/{licence.public_id}/revoke",
        {"reason": "撤销"},
    )
    revoked = post(anonymous, "/api/v1/licences/verify", {"token": licence.token}).json()
    assert revoked["valid"] is False and revoked["reason"] == "revoked"
    assert post(anonymous, "/api/v1/licences/verify", {}).status_code == 422


def test_name_check_operation(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ApplicantFactory())
    answer = post(client, f"{BASE}/name-check", {"name": "嘉兴博彩贸易有限公司", "domicile_city": JIAXING}).json()
    assert answer["ok"] is False
    assert "forbidden_obscene_gambling_superstition_violence" in {i["code"] for i in answer["issues"]}
    assert resident_id(5)[-1] in "0123456789X"
