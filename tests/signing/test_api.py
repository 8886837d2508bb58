"""GET /api/v1/keys: public, every key with what offline verification needs."""

import pytest
from django.test import Client

from g60.accounts.models import Role
from g60.regions.models import City
from g60.signing.services import document_sign, signing_key_ensure, signing_key_rotate
from g60.signing.verify import public_keys_from_json, token_verify

pytestmark = pytest.mark.django_db


def test_keys_are_public_and_list_active_and_retired(make_user, city_jiaxing: City, city_songjiang: City) -> None:  # type: ignore[no-untyped-def]
    old_token = document_sign(city=city_jiaxing, payload={"uscc": "x"})
    signing_key_rotate(acting_user=make_user(Role.ADMIN, "330400"), city=city_jiaxing)
    signing_key_ensure(city=city_songjiang)

    response = Client().get("/api/v1/keys")
    assert response.status_code == 200
    keys = response.json()
    assert [(k["kid"], k["city"], k["retired_on"] is None) for k in keys] == [
        ("310117-1", "310117", True),
        ("330400-1", "330400", False),
        ("330400-2", "330400", True),
    ]
    for key in keys:
        assert set(key) == {"kid", "city", "algorithm", "public_key", "created_on", "retired_on"}
        assert key["algorithm"] == "Ed25519" and len(key["public_key"]) == 43  # 32 bytes, base64url unpadded
    assert "private" not in response.content.decode()

    # The saved answer is all offline verification needs, the retired key included.
    assert token_verify(old_token, public_keys=public_keys_from_json(response.content)).valid


def test_keys_are_in_the_openapi_document() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/keys"]["get"]
    assert "security" not in operation or operation["security"] == []


def test_no_keys_yet_is_an_empty_list() -> None:
    assert Client().get("/api/v1/keys").json() == []


def test_admin_shows_keys_read_only_without_the_private_key(make_user, city_jiaxing: City) -> None:  # type: ignore[no-untyped-def]
    key = signing_key_ensure(city=city_jiaxing)
    admin = make_user(None, None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/signing/signingkey/{key.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert key.public_key in html and key.private_key_encrypted not in html
    assert client.post(f"/admin/signing/signingkey/{key.pk}/delete/").status_code == 403
