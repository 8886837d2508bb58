"""Verifying e-licence tokens, online (keys from the database) or fully offline (keys from a saved
`GET /api/v1/keys` response). Verification checks the signature only: whether a licence was later revoked is
known only to the platform (`POST /api/v1/licences/verify`).

Fast by design: parsed public keys are cached (algorithms.py) and, in online mode, key rows are read from the
database once per process and key id. Caching is safe because a key id's public key never changes; only a
key's retirement date does, and retired keys still verify the tokens they signed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from g60.signing.algorithms import scheme_get
from g60.signing.tokens import DecodedToken, MalformedToken, b64url_decode, token_decode

Reason = Literal["valid", "malformed", "unknown_key", "bad_signature", "unsupported_algorithm"]


@dataclass(frozen=True)
class PublicKeyInfo:
    """A published public key: what offline verification needs, as listed by `GET /api/v1/keys`."""

    kid: str
    algorithm: str
    public_key: bytes  # raw key bytes (32 for Ed25519)
    city_code: str = ""
    created_on: dt.datetime | None = None
    retired_on: dt.datetime | None = None


@dataclass(frozen=True)
class TokenVerification:
    valid: bool
    reason: Reason
    payload: dict[str, Any] | None = None
    kid: str | None = None
    algorithm: str | None = None
    city_code: str | None = None  # the city whose key signed the token (when the key is known)


def public_keys_from_json(data: str | bytes | Iterable[Mapping[str, Any]]) -> dict[str, PublicKeyInfo]:
    """The key mapping for offline verification, from the JSON of `GET /api/v1/keys` (text or parsed list).
    Raises ValueError naming the entry and field when the file is not such a list."""
    entries = json.loads(data) if isinstance(data, str | bytes) else data
    if not isinstance(entries, list):
        raise ValueError("the keys file must be the JSON list returned by GET /api/v1/keys")
    keys: dict[str, PublicKeyInfo] = {}
    for index, entry in enumerate(entries):
        try:
            keys[entry["kid"]] = PublicKeyInfo(
                kid=str(entry["kid"]),
                algorithm=str(entry["algorithm"]),
                public_key=b64url_decode(str(entry["public_key"])),
                city_code=str(entry.get("city", "")),
                created_on=_datetime(entry.get("created_on")),
                retired_on=_datetime(entry.get("retired_on")),
            )
        except (KeyError, TypeError, MalformedToken, ValueError) as exc:
            raise ValueError(f"keys file entry {index}: needs kid, algorithm and a base64url public_key") from exc
    return keys


def _datetime(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


# Online mode: key rows read from the database, by kid. Unknown kids are not cached, so a key created by
# another process is found on its first use. A failed check re-reads its key once (`fresh=True`), so a kid
# reused after the database was reset (demo reloads, tests) never stays wrong in the cache.
_db_keys: dict[str, PublicKeyInfo] = {}


def _db_key(kid: str, *, fresh: bool = False) -> PublicKeyInfo | None:
    info = None if fresh else _db_keys.get(kid)
    if info is not None:
        return info
    from g60.signing.models import SigningKey

    row = SigningKey.objects.filter(kid=kid).first()
    if row is None:
        return None
    info = PublicKeyInfo(
        kid=row.kid,
        algorithm=row.algorithm,
        public_key=b64url_decode(row.public_key),
        city_code=row.city_id,
        created_on=row.created_on,
        retired_on=row.retired_on,
    )
    _db_keys[kid] = info
    return info


def token_verify(token: str, *, public_keys: Mapping[str, PublicKeyInfo] | None = None) -> TokenVerification:
    """Is `token` a well-formed token signed by a known key? With `public_keys` None the keys come from the
    database; with a mapping (kid → PublicKeyInfo) nothing else is consulted. Never raises on bad input."""
    try:
        decoded = token_decode(token)
    except MalformedToken:
        return TokenVerification(valid=False, reason="malformed")
    kid, algorithm = decoded.kid, decoded.algorithm
    if scheme_get(decoded.algorithm) is None:
        return TokenVerification(valid=False, reason="unsupported_algorithm", kid=kid, algorithm=algorithm)
    key = public_keys.get(decoded.kid) if public_keys is not None else _db_key(decoded.kid)
    if key is None:
        return TokenVerification(valid=False, reason="unknown_key", kid=kid, algorithm=algorithm)
    ok = _signature_ok(key, decoded)
    if not ok and public_keys is None:
        fresh = _db_key(decoded.kid, fresh=True)
        if fresh is None:
            return TokenVerification(valid=False, reason="unknown_key", kid=kid, algorithm=algorithm)
        if fresh != key:
            key, ok = fresh, _signature_ok(fresh, decoded)
    if not ok:
        return TokenVerification(
            valid=False, reason="bad_signature", city_code=key.city_code, kid=kid, algorithm=algorithm
        )
    return TokenVerification(
        valid=True, reason="valid", payload=decoded.payload, city_code=key.city_code, kid=kid, algorithm=algorithm
    )


def _signature_ok(key: PublicKeyInfo, decoded: DecodedToken) -> bool:
    # A token naming another scheme than its key's cannot have been made with that key.
    scheme = scheme_get(decoded.algorithm)
    if scheme is None or key.algorithm != decoded.algorithm:
        return False
    return scheme.verify(key.public_key, decoded.signature, decoded.signed_bytes)
