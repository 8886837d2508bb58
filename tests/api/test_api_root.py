import pytest
from django.core.management import call_command
from django.test import Client

from g60.accounts.models import Role
from g60.api.models import ApiToken
from g60.api.services import api_token_create

pytestmark = pytest.mark.django_db


def test_openapi_document_is_served() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/regions/cities" in spec["paths"]
    assert "/api/v1/accounts/me" in spec["paths"]


def test_docs_are_served_from_local_static_files() -> None:
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle" in html
    assert "cdn" not in html.lower()


def test_cities_are_public() -> None:
    cities = Client().get("/api/v1/regions/cities").json()
    assert len(cities) == 9
    songjiang = next(c for c in cities if c["code"] == "310117")
    assert songjiang["name_zh"] == "松江区" and songjiang["province_en"] == "Shanghai"


def test_me_needs_authentication() -> None:
    response = Client().get("/api/v1/accounts/me")
    assert response.status_code == 401


def test_bearer_token_authenticates(make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.EXAMINER, "310117")
    _row, token = api_token_create(acting_user=None, user=user)
    response = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["memberships"] == [{"role": "examiner", "city": "310117"}]
    assert "application.examine" in body["actions"] and "application.accept" not in body["actions"]


def test_wrong_or_revoked_token_is_refused(make_user) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    user = make_user(Role.APPLICANT)
    row, token = api_token_create(acting_user=None, user=user)
    assert Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}x").status_code == 401
    ApiToken.objects.filter(pk=row.pk).update(revoked_on=timezone.now())
    assert Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_token_is_stored_only_as_a_digest(make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.APPLICANT)
    row, token = api_token_create(acting_user=None, user=user)
    assert token not in (row.digest, row.prefix) and len(row.digest) == 64


def test_token_command_prints_a_working_token(make_user, capsys) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.CLERK, "330400")
    call_command("token", user.username)
    token = capsys.readouterr().out.strip()
    response = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["username"] == user.username


def test_token_command_rejects_unknown_user() -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no active user"):
        call_command("token", "nobody-here")
