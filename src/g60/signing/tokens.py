"""The compact e-licence token: `G60L1.<body>.<signature>`.

body = base64url (no padding) of the canonical JSON of {"alg", "kid", "payload"}; signature = base64url of the
signature over exactly those canonical JSON bytes. Canonical JSON is sorted keys, no spaces, UTF-8 (Chinese
kept as UTF-8, not \\u escapes, which keeps the QR code small). The body must *be* canonical: a token whose
body is valid JSON in another spelling is refused as malformed, so one licence has one token.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

PREFIX = "G60L1"
# A version-40 QR code holds at most 2,953 bytes; anything much longer is not a licence token, and refusing it
# early bounds the work a hostile input can cause.
MAX_TOKEN_LENGTH = 4096


class MalformedToken(ValueError):
    """The text is not a well-formed G60L1 token."""


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not text or any(c not in _B64URL for c in text) or len(text) % 4 == 1:
        raise MalformedToken("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedToken("not base64url") from exc


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class DecodedToken:
    algorithm: str
    kid: str
    payload: dict[str, Any]
    signed_bytes: bytes
    signature: bytes


def signing_input(*, algorithm: str, kid: str, payload: dict[str, Any]) -> bytes:
    return canonical_json({"alg": algorithm, "kid": kid, "payload": payload})


def token_encode(*, signed_bytes: bytes, signature: bytes) -> str:
    return f"{PREFIX}.{b64url_encode(signed_bytes)}.{b64url_encode(signature)}"


def token_decode(token: str) -> DecodedToken:
    """Split and parse a token without checking its signature. Raises MalformedToken."""
    if not isinstance(token, str):
        raise MalformedToken("not text")
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedToken("longer than any QR code holds")
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise MalformedToken("not G60L1.<body>.<signature>")
    body = b64url_decode(parts[1])
    signature = b64url_decode(parts[2])
    try:
        header = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise MalformedToken("body is not UTF-8 JSON") from exc
    if not isinstance(header, dict) or set(header) != {"alg", "kid", "payload"}:
        raise MalformedToken("body must hold exactly alg, kid and payload")
    algorithm, kid, payload = header["alg"], header["kid"], header["payload"]
    if not isinstance(algorithm, str) or not isinstance(kid, str) or not isinstance(payload, dict):
        raise MalformedToken("alg and kid must be text, payload an object")
    try:
        canonical = canonical_json(header)
    except ValueError as exc:  # NaN or an out-of-range number (1e400) parses but is not JSON
        raise MalformedToken("body holds a number JSON cannot represent") from exc
    if canonical != body:
        raise MalformedToken("body is not canonical JSON")
    return DecodedToken(algorithm=algorithm, kid=kid, payload=payload, signed_bytes=body, signature=signature)
