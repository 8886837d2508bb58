"""The signature schemes a token may name. Every token records its scheme (a one-byte id in G60L2 tokens, the name
in G60L1), so a second scheme (SM2 with SM3, GB/T 32918) can be added here beside Ed25519, with a new id, without
changing the token format or old signatures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ED25519 = "Ed25519"


@dataclass(frozen=True)
class KeyPair:
    private_raw: bytes
    public_raw: bytes


@dataclass(frozen=True)
class Scheme:
    name: str
    token_id: int  # the byte naming the scheme in a G60L2 token; never reused
    generate: Callable[[], KeyPair]
    sign: Callable[[bytes, bytes], bytes]  # (private_raw, message) -> signature
    verify: Callable[[bytes, bytes, bytes], bool]  # (public_raw, signature, message) -> ok


def _ed25519_generate() -> KeyPair:
    key = Ed25519PrivateKey.generate()
    return KeyPair(
        private_raw=key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
        public_raw=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )


# Parsing a key is much slower than the signature check itself, so parsed keys are kept, keyed by their bytes
# (a key's bytes never change meaning, so the cache needs no invalidation).
@lru_cache(maxsize=256)
def _ed25519_private(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


@lru_cache(maxsize=1024)
def _ed25519_public(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def _ed25519_sign(private_raw: bytes, message: bytes) -> bytes:
    return _ed25519_private(private_raw).sign(message)


def _ed25519_verify(public_raw: bytes, signature: bytes, message: bytes) -> bool:
    if len(public_raw) != 32 or len(signature) != 64:
        return False
    try:
        _ed25519_public(public_raw).verify(signature, message)
    except InvalidSignature:
        return False
    return True


SCHEMES: dict[str, Scheme] = {
    ED25519: Scheme(name=ED25519, token_id=1, generate=_ed25519_generate, sign=_ed25519_sign, verify=_ed25519_verify),
}
DEFAULT_ALGORITHM = ED25519
_BY_TOKEN_ID = {scheme.token_id: scheme.name for scheme in SCHEMES.values()}


def scheme_get(name: str) -> Scheme | None:
    return SCHEMES.get(name)


def algorithm_id(name: str) -> int:
    """The token id of a scheme. Raises KeyError for a scheme this platform does not have."""
    return SCHEMES[name].token_id


def algorithm_name(token_id: int) -> str:
    """The scheme a token id names; an unknown id reads "#<id>", which no scheme is called, so verification
    answers unsupported_algorithm."""
    return _BY_TOKEN_ID.get(token_id, f"#{token_id}")
