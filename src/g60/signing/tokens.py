"""The compact e-licence token, sized for a small QR code: `G60L2.<digits>`.

The digits are the decimal form of `message || signature`, where the signed message is

    algorithm id (1 byte, algorithms.py) · kid length (1 byte) · kid (ASCII) · payload length (2 bytes, big-endian)
    · payload (canonical JSON: sorted keys, no spaces, UTF-8, no NaN)

and the signature is the rest. Every 7 bytes become 17 digits (a final group of 1-6 bytes 3, 5, 8, 10, 13 or 15
digits). Digits are what a QR code packs densest: numeric mode stores 3 digits in 10 bits, 8.1 bits per byte of
message, where the earlier base64url text in byte mode took 10.7 (and alphanumeric-mode base45 would take 8.25,
with a space among its characters that copy-paste and forms strip). A licence token is ~500 digits, a
version-10/11 QR code instead of version 18, and digits survive any channel a token is copied through.

Decoding is strict: one licence has exactly one token. A digit group that is too large, a non-canonical JSON
payload, lengths that do not add up or bytes after the payload's end are `MalformedToken`.

`G60L1.<base64url(canonical JSON of {"alg", "kid", "payload"})>.<base64url(signature)>` tokens, issued before
G60L2, are still decoded and verify as before; new tokens are always G60L2.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from g60.signing.algorithms import algorithm_id, algorithm_name

PREFIX = "G60L2"
LEGACY_PREFIX = "G60L1"
PREFIXES = (PREFIX, LEGACY_PREFIX)
# A version-40 QR code holds at most 7,089 digits; a licence token is a tenth of that, and refusing anything
# much longer early bounds the work a hostile input can cause.
MAX_TOKEN_LENGTH = 4096

_GROUP_BYTES = 7  # 256^7 < 10^17: seven bytes always fit seventeen digits
_GROUP_DIGITS = 17
_GROUP_LIMIT = 256**_GROUP_BYTES
# Digits for a final group of n bytes: the fewest that hold 256^n - 1.
_TAIL_DIGITS = tuple(len(str(256**n - 1)) for n in range(_GROUP_BYTES))  # (1, 3, 5, 8, 10, 13, 15)
_TAIL_BYTES = {digits: n for n, digits in enumerate(_TAIL_DIGITS) if n}


class MalformedToken(ValueError):
    """The text is not a well-formed G60 licence token."""


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


def digits_encode(data: bytes) -> str:
    """Bytes as decimal digits, 17 per 7 bytes."""
    parts = []
    for start in range(0, len(data), _GROUP_BYTES):
        group = data[start : start + _GROUP_BYTES]
        width = _GROUP_DIGITS if len(group) == _GROUP_BYTES else _TAIL_DIGITS[len(group)]
        parts.append(str(int.from_bytes(group, "big")).zfill(width))
    return "".join(parts)


def digits_decode(text: str) -> bytes:
    """The inverse of digits_encode; anything digits_encode cannot have produced is MalformedToken."""
    if not text.isascii() or not text.isdigit():
        raise MalformedToken("not decimal digits")
    full, tail = divmod(len(text), _GROUP_DIGITS)
    tail_bytes = _TAIL_BYTES.get(tail, 0 if tail == 0 else -1)
    if tail_bytes < 0:
        raise MalformedToken("impossible number of digits")
    cut = full * _GROUP_DIGITS
    groups = [int(text[i : i + _GROUP_DIGITS]) for i in range(0, cut, _GROUP_DIGITS)]
    last = int(text[cut:]) if tail else 0
    if (groups and max(groups) >= _GROUP_LIMIT) or last >= 256**tail_bytes:
        raise MalformedToken("digit group out of range")
    return b"".join(g.to_bytes(_GROUP_BYTES, "big") for g in groups) + last.to_bytes(tail_bytes, "big")


@dataclass(frozen=True)
class DecodedToken:
    algorithm: str
    kid: str
    payload: dict[str, Any]
    signed_bytes: bytes
    signature: bytes


def signing_input(*, algorithm: str, kid: str, payload: dict[str, Any]) -> bytes:
    """The bytes a G60L2 signature covers. Raises KeyError for an algorithm without a token id, ValueError
    for a kid or payload the format cannot hold."""
    kid_bytes = kid.encode("ascii")
    body = canonical_json(payload)
    if not 0 < len(kid_bytes) < 256 or len(body) >= 1 << 16:
        raise ValueError("kid or payload too long for a token")
    return bytes([algorithm_id(algorithm), len(kid_bytes)]) + kid_bytes + len(body).to_bytes(2, "big") + body


def token_encode(*, signed_bytes: bytes, signature: bytes) -> str:
    return f"{PREFIX}.{digits_encode(signed_bytes + signature)}"


def token_decode(token: str) -> DecodedToken:
    """Split and parse a token (G60L2, or the earlier G60L1) without checking its signature.
    Raises MalformedToken."""
    if not isinstance(token, str):
        raise MalformedToken("not text")
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedToken("longer than any QR code holds")
    token = token.strip()
    if token.startswith(PREFIX + "."):
        return _decode_l2(token[len(PREFIX) + 1 :])
    return _decode_l1(token)


def _decode_l2(text: str) -> DecodedToken:
    data = digits_decode(text)
    if len(data) < 4:
        raise MalformedToken("too short")
    kid_end = 2 + data[1]
    if data[1] == 0 or len(data) < kid_end + 2:
        raise MalformedToken("kid cut short")
    try:
        kid = data[2:kid_end].decode("ascii")
    except UnicodeDecodeError as exc:
        raise MalformedToken("kid is not ASCII") from exc
    if not kid.isprintable():
        raise MalformedToken("kid is not printable")
    body_end = kid_end + 2 + int.from_bytes(data[kid_end : kid_end + 2], "big")
    if len(data) < body_end:
        raise MalformedToken("payload cut short")
    body = data[kid_end + 2 : body_end]
    payload = _json_object(body)
    if canonical_json(payload) != body:
        raise MalformedToken("payload is not canonical JSON")
    return DecodedToken(
        algorithm=algorithm_name(data[0]),
        kid=kid,
        payload=payload,
        signed_bytes=data[:body_end],
        signature=data[body_end:],
    )


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
        canonical_json(value)
    except (ValueError, RecursionError) as exc:
        # UnicodeDecodeError and JSONDecodeError are ValueErrors; so is a number JSON cannot represent (1e400).
        raise MalformedToken("payload is not UTF-8 JSON") from exc
    if not isinstance(value, dict):
        raise MalformedToken("payload must be an object")
    return value


def _decode_l1(token: str) -> DecodedToken:
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != LEGACY_PREFIX:
        raise MalformedToken("not G60L2.<digits> or G60L1.<body>.<signature>")
    body = b64url_decode(parts[1])
    signature = b64url_decode(parts[2])
    header = _json_object(body)
    if set(header) != {"alg", "kid", "payload"}:
        raise MalformedToken("body must hold exactly alg, kid and payload")
    algorithm, kid, payload = header["alg"], header["kid"], header["payload"]
    if not isinstance(algorithm, str) or not isinstance(kid, str) or not isinstance(payload, dict):
        raise MalformedToken("alg and kid must be text, payload an object")
    if canonical_json(header) != body:
        raise MalformedToken("body is not canonical JSON")
    return DecodedToken(algorithm=algorithm, kid=kid, payload=payload, signed_bytes=body, signature=signature)
