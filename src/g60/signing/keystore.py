"""Private keys at rest: encrypted with AES-256-GCM under a key-encryption key (KEK) derived from SECRET_KEY.

The KEK is derived with HKDF-SHA256 (a fixed salt and a purpose label), so the SECRET_KEY itself never
encrypts anything and the same secret yields unrelated keys for other purposes. The key id is the AES-GCM
associated data: a ciphertext copied onto another key's row does not decrypt. Rotating SECRET_KEY keeps keys
readable as long as the old secret is listed in SECRET_KEY_FALLBACKS.

This protects a copied database or backup, not a compromised server (which holds SECRET_KEY). Production should
keep the cities' private keys in an HSM or a KMS and sign there; see docs/signing.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

ENVELOPE_VERSION = "A256GCM1"
_SALT = b"g60.signing.kek"
_INFO = b"g60 signing private-key encryption v1"


class PrivateKeyUnreadable(RuntimeError):
    """The stored private key does not decrypt with SECRET_KEY or any of SECRET_KEY_FALLBACKS."""


def _kek(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret.encode())


def _secrets() -> Iterator[str]:
    yield settings.SECRET_KEY
    yield from getattr(settings, "SECRET_KEY_FALLBACKS", [])


def private_key_encrypt(*, private_raw: bytes, kid: str) -> str:
    """The envelope stored in the database: `A256GCM1.<hex nonce>.<hex ciphertext+tag>`."""
    nonce = os.urandom(12)
    sealed = AESGCM(_kek(settings.SECRET_KEY)).encrypt(nonce, private_raw, kid.encode())
    return f"{ENVELOPE_VERSION}.{nonce.hex()}.{sealed.hex()}"


def private_key_decrypt(*, envelope: str, kid: str) -> bytes:
    try:
        version, nonce_hex, sealed_hex = envelope.split(".")
        nonce, sealed = bytes.fromhex(nonce_hex), bytes.fromhex(sealed_hex)
    except ValueError as exc:
        raise PrivateKeyUnreadable(kid) from exc
    if version != ENVELOPE_VERSION:
        raise PrivateKeyUnreadable(kid)
    for secret in _secrets():
        try:
            return AESGCM(_kek(secret)).decrypt(nonce, sealed, kid.encode())
        except InvalidTag:
            continue
    raise PrivateKeyUnreadable(kid)
