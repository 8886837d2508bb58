"""The cities' keys: created once, rotated by the city's administrator, private halves never stored in clear."""

import base64

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from g60.accounts.models import Role
from g60.audit.models import AuditEvent
from g60.regions.models import City
from g60.signing.keystore import PrivateKeyUnreadable, private_key_decrypt
from g60.signing.models import SigningKey
from g60.signing.services import document_sign, signing_key_ensure, signing_key_rotate
from g60.signing.tokens import b64url_decode
from g60.signing.verify import token_verify
from tests.signing.factories import licence_payload

pytestmark = pytest.mark.django_db


def test_ensure_creates_one_key_per_city_once(city_jiaxing: City, city_songjiang: City) -> None:
    first = signing_key_ensure(city=city_jiaxing)
    again = signing_key_ensure(city=city_jiaxing)
    other = signing_key_ensure(city=city_songjiang)
    assert first.pk == again.pk and first.kid == "330400-1" and other.kid == "310117-1"
    assert first.algorithm == "Ed25519" and first.is_active
    assert len(b64url_decode(first.public_key)) == 32
    assert AuditEvent.objects.filter(action="signing_key.create").count() == 2


def test_rotation_needs_the_citys_administrator(make_user, city_jiaxing: City) -> None:  # type: ignore[no-untyped-def]
    key = signing_key_ensure(city=city_jiaxing)
    for user in (make_user(Role.EXAMINER, "330400"), make_user(Role.ADMIN, "310117")):
        with pytest.raises(PermissionDenied):
            signing_key_rotate(acting_user=user, city=city_jiaxing)
    key.refresh_from_db()
    assert key.is_active and SigningKey.objects.count() == 1


def test_rotation_keeps_old_tokens_valid(make_user, city_jiaxing: City) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN, "330400")
    old_token = document_sign(city=city_jiaxing, payload=licence_payload())
    new_key = signing_key_rotate(acting_user=admin, city=city_jiaxing)
    new_token = document_sign(city=city_jiaxing, payload=licence_payload())

    old_key = SigningKey.objects.get(kid="330400-1")
    assert old_key.retired_on is not None and new_key.kid == "330400-2" and new_key.is_active
    assert token_verify(old_token).valid and token_verify(old_token).kid == "330400-1"
    assert token_verify(new_token).valid and token_verify(new_token).kid == "330400-2"
    assert list(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True).order_by("seq")) == [
        "signing_key.retire",
        "signing_key.create",
    ]


def test_rotation_without_a_key_creates_the_first(make_user, city_jiaxing: City) -> None:  # type: ignore[no-untyped-def]
    key = signing_key_rotate(acting_user=make_user(Role.ADMIN, None), city=city_jiaxing)
    assert key.kid == "330400-1" and key.is_active


def test_the_database_refuses_a_second_active_key(city_jiaxing: City) -> None:
    key = signing_key_ensure(city=city_jiaxing)
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningKey.objects.create(
            city=city_jiaxing, kid="330400-9", sequence=9, algorithm="Ed25519", public_key=key.public_key
        )


def _stored_column(kid: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key_encrypted FROM signing_signingkey WHERE kid = %s", [kid])
        return str(cursor.fetchone()[0])


def test_private_key_is_not_stored_in_clear(city_jiaxing: City) -> None:
    key = signing_key_ensure(city=city_jiaxing)
    stored = _stored_column(key.kid)
    raw = private_key_decrypt(envelope=stored, kid=key.kid)
    assert len(raw) == 32
    for spelling in (raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("=")):
        assert spelling not in stored
    assert raw.hex() not in stored.lower()
    assert stored.startswith("A256GCM1.")


def test_ciphertext_is_bound_to_its_key_id(city_jiaxing: City, city_songjiang: City) -> None:
    jiaxing = signing_key_ensure(city=city_jiaxing)
    with pytest.raises(PrivateKeyUnreadable):
        private_key_decrypt(envelope=jiaxing.private_key_encrypted, kid="310117-1")


def test_another_secret_key_cannot_read_it_but_a_fallback_can(city_jiaxing: City) -> None:
    key = signing_key_ensure(city=city_jiaxing)
    old = settings.SECRET_KEY
    with override_settings(SECRET_KEY="another-secret-key-entirely-0123456789abcdefghijklmnop"):
        with pytest.raises(PrivateKeyUnreadable):
            private_key_decrypt(envelope=key.private_key_encrypted, kid=key.kid)
        with override_settings(SECRET_KEY_FALLBACKS=[old]):
            assert len(private_key_decrypt(envelope=key.private_key_encrypted, kid=key.kid)) == 32


def test_damaged_envelope_is_unreadable() -> None:
    for envelope in ("", "A256GCM1.zz.zz", "OTHER.00.00", "A256GCM1.000000000000000000000000.00"):
        with pytest.raises(PrivateKeyUnreadable):
            private_key_decrypt(envelope=envelope, kid="330400-1")


def test_sign_refuses_a_non_dict_payload(city_jiaxing: City) -> None:
    with pytest.raises(TypeError):
        document_sign(city=city_jiaxing, payload=["not", "a", "dict"])  # type: ignore[arg-type]
