"""Writes: creating and rotating the cities' signing keys, and signing documents with them."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from g60.accounts.models import User
from g60.accounts.permissions import Action, require
from g60.audit.services import audit_record
from g60.regions.models import City
from g60.signing.algorithms import DEFAULT_ALGORITHM, SCHEMES
from g60.signing.keystore import private_key_decrypt, private_key_encrypt
from g60.signing.models import SigningKey
from g60.signing.tokens import b64url_encode, signing_input, token_encode

# Decrypted private keys, so signing a batch of licences does not derive the KEK for each one. Keyed by the
# encrypted envelope itself (its nonce is random), so a key id reused after a database reset never finds the
# old key.
_private_keys: dict[str, bytes] = {}


def _key_snapshot(key: SigningKey) -> dict[str, Any]:
    return {
        "kid": key.kid,
        "city": key.city_id,
        "algorithm": key.algorithm,
        "public_key": key.public_key,
        "retired_on": key.retired_on,
    }


def _active_keys(city_code: str) -> QuerySet[SigningKey]:
    """The city's active key: at most one row (a constraint), unordered."""
    return SigningKey.objects.filter(city_id=city_code, retired_on__isnull=True).order_by()


def _active_key(city: City) -> SigningKey | None:
    # No ORDER BY (at most one row matches): this runs for every signature.
    return next(iter(_active_keys(city.pk)[:1]), None)


def signing_key_active(*, city: str) -> bool:
    """Does the city (by division code) have an active signing key? One cheap query, no row read."""
    return _active_keys(city).exists()


def _key_create(*, acting_user: User | None, city: City) -> SigningKey:
    """A new active key for `city`; the caller holds the city's row lock and has retired any active key."""
    sequence = (SigningKey.objects.filter(city=city).aggregate(m=Max("sequence"))["m"] or 0) + 1
    kid = f"{city.code}-{sequence}"
    pair = SCHEMES[DEFAULT_ALGORITHM].generate()
    key = SigningKey(
        city=city,
        kid=kid,
        sequence=sequence,
        algorithm=DEFAULT_ALGORITHM,
        public_key=b64url_encode(pair.public_raw),
        private_key_encrypted=private_key_encrypt(private_raw=pair.private_raw, kid=kid),
    )
    key.full_clean()
    key.save()
    audit_record(actor=acting_user, action="signing_key.create", obj=key, after=_key_snapshot(key))
    return key


def _lock_city(city: City) -> None:
    # The city row serialises key creation and rotation for that city on PostgreSQL (there is no key row to
    # lock yet when the first key is made); SQLite's IMMEDIATE transactions already serialise writers.
    City.objects.select_for_update().filter(pk=city.pk).values_list("pk", flat=True).get()


def signing_key_ensure(*, city: City, acting_user: User | None = None) -> SigningKey:
    """The city's active signing key, created on first use. Idempotent and safe to call concurrently: callers
    racing to create the first key serialise on the city's row, and the one-active-key constraint backs it."""
    key = _active_key(city)
    if key is not None:
        return key
    try:
        with transaction.atomic():
            _lock_city(city)
            key = _active_key(city)  # re-check under the lock: another caller may have just made it
            if key is not None:
                return key
            return _key_create(acting_user=acting_user, city=city)
    except IntegrityError:
        # Only reachable when a lock was not honoured (e.g. a database without row locks): the other
        # caller's key is committed, use it.
        key = _active_key(city)
        if key is None:
            raise
        return key


@transaction.atomic
def signing_key_rotate(*, acting_user: User, city: City) -> SigningKey:
    """Retire the city's active key (if any) and make a new one. Retired keys stay published, so every
    token signed before still verifies; new tokens are signed with the new key."""
    require(acting_user, Action.SIGNING_KEY_ROTATE, city)
    _lock_city(city)
    old = _active_keys(city.pk).select_for_update().first()
    if old is not None:
        before = _key_snapshot(old)
        old.retired_on = timezone.now()
        old.save(update_fields=["retired_on"])
        audit_record(actor=acting_user, action="signing_key.retire", obj=old, before=before, after=_key_snapshot(old))
    return _key_create(acting_user=acting_user, city=city)


def _private_raw(key: SigningKey) -> bytes:
    raw = _private_keys.get(key.private_key_encrypted)
    if raw is None:
        raw = private_key_decrypt(envelope=key.private_key_encrypted, kid=key.kid)
        _private_keys[key.private_key_encrypted] = raw
    return raw


def document_sign(*, city: City, payload: dict[str, Any]) -> str:
    """Sign `payload` with the city's active key and return the compact token (tokens.py) that carries the
    payload, the algorithm, the key id and the signature. The payload must be JSON (text, numbers, booleans,
    lists, objects); keep it small, it goes into a QR code."""
    if not isinstance(payload, dict):
        raise TypeError("payload must be a dict")
    key = signing_key_ensure(city=city)
    message = signing_input(algorithm=key.algorithm, kid=key.kid, payload=payload)
    signature = SCHEMES[key.algorithm].sign(_private_raw(key), message)
    return token_encode(signed_bytes=message, signature=signature)
