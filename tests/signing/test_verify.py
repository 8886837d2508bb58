"""Signing and verifying tokens: the round trip, and every kind of tampering answers invalid with its reason."""

import pytest

from g60.regions.models import City
from g60.signing.algorithms import SCHEMES
from g60.signing.qr import qr_matrix
from g60.signing.services import _private_raw, document_sign, signing_key_ensure
from g60.signing.tokens import (
    LEGACY_PREFIX,
    PREFIX,
    b64url_encode,
    canonical_json,
    digits_decode,
    digits_encode,
    signing_input,
    token_encode,
)
from g60.signing.verify import PublicKeyInfo, public_keys_from_json, token_verify
from tests.signing.factories import licence_payload
from tests.signing.helpers import token_parts, token_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(city_jiaxing: City) -> str:
    return document_sign(city=city_jiaxing, payload=licence_payload(city="330400"))


def test_round_trip(token: str) -> None:
    result = token_verify(token)
    assert result.valid and result.reason == "valid"
    assert result.payload == licence_payload(city="330400")
    assert result.kid == "330400-1" and result.algorithm == "Ed25519" and result.city_code == "330400"


def test_token_records_algorithm_and_key(token: str) -> None:
    header, signature = token_parts(token)
    assert token.startswith(PREFIX + ".")
    assert header["alg"] == "Ed25519" and header["kid"] == "330400-1"
    assert len(signature) == 64


def test_token_is_digits_in_a_small_qr_code(token: str) -> None:
    assert token.startswith(PREFIX + ".") and token[len(PREFIX) + 1 :].isdigit()
    # Numeric mode: a version-11 symbol (61 modules) at level M; the G60L1 text of the same facts needed 18.
    assert len(qr_matrix(token)) <= 61


@pytest.mark.parametrize("size", [1, 6, 7, 8, 13, 14, 100])
def test_digits_round_trip(size: int) -> None:
    data = bytes(range(256))[:size] if size < 100 else bytes([255] * size)
    text = digits_encode(data)
    assert digits_decode(text) == data
    assert len(text) == 17 * (size // 7) + (0, 3, 5, 8, 10, 13, 15)[size % 7]


def test_changed_payload_is_bad_signature(token: str) -> None:
    header, signature = token_parts(token)
    header["payload"]["cap"] = "100000"
    result = token_verify(token_rebuild(header, signature))
    assert not result.valid and result.reason == "bad_signature" and result.payload is None


def test_changed_signature_is_bad_signature(token: str) -> None:
    header, signature = token_parts(token)
    flipped = bytes([signature[0] ^ 0x01]) + signature[1:]
    assert token_verify(token_rebuild(header, flipped)).reason == "bad_signature"


def test_truncated_signature_is_bad_signature(token: str) -> None:
    header, signature = token_parts(token)
    assert token_verify(token_rebuild(header, signature[:63])).reason == "bad_signature"


def test_kid_swapped_to_another_citys_key_is_bad_signature(token: str, city_songjiang: City) -> None:
    other = signing_key_ensure(city=city_songjiang)
    header, signature = token_parts(token)
    header["kid"] = other.kid
    result = token_verify(token_rebuild(header, signature))
    assert not result.valid and result.reason == "bad_signature" and result.kid == "310117-1"


def test_unknown_kid(token: str) -> None:
    header, signature = token_parts(token)
    header["kid"] = "330400-99"
    result = token_verify(token_rebuild(header, signature))
    assert not result.valid and result.reason == "unknown_key" and result.kid == "330400-99"


def test_unsupported_algorithm(token: str) -> None:
    header, signature = token_parts(token)
    message = signing_input(algorithm=header["alg"], kid=header["kid"], payload=header["payload"])
    altered = token_encode(signed_bytes=bytes([200]) + message[1:], signature=signature)
    result = token_verify(altered)
    assert not result.valid and result.reason == "unsupported_algorithm" and result.algorithm == "#200"


def test_unsupported_algorithm_in_a_g60l1_token(token: str) -> None:
    header, signature = token_parts(token)
    header["alg"] = "SM2"
    legacy = f"{LEGACY_PREFIX}.{b64url_encode(canonical_json(header))}.{b64url_encode(signature)}"
    result = token_verify(legacy)
    assert not result.valid and result.reason == "unsupported_algorithm" and result.algorithm == "SM2"


def test_a_g60l1_token_issued_before_g60l2_still_verifies(city_jiaxing: City) -> None:
    key = signing_key_ensure(city=city_jiaxing)
    header = {"alg": key.algorithm, "kid": key.kid, "payload": licence_payload(v=1, authority="330400")}
    body = canonical_json(header)
    signature = SCHEMES[key.algorithm].sign(_private_raw(key), body)
    legacy = f"{LEGACY_PREFIX}.{b64url_encode(body)}.{b64url_encode(signature)}"
    result = token_verify(legacy)
    assert result.valid and result.payload == header["payload"] and result.kid == "330400-1"
    # Altered, it fails like any other token.
    header["payload"]["name"] = "别的公司"
    altered = f"{LEGACY_PREFIX}.{b64url_encode(canonical_json(header))}.{b64url_encode(signature)}"
    assert token_verify(altered).reason == "bad_signature"


def test_algorithm_differing_from_the_keys_is_bad_signature(token: str) -> None:
    header, signature = token_parts(token)
    key = signing_key_ensure(city=City.objects.get(code="330400"))
    keys = {key.kid: PublicKeyInfo(kid=key.kid, algorithm="SM2", public_key=b"\0" * 32)}
    assert token_verify(token_rebuild(header, signature), public_keys=keys).reason == "bad_signature"


def _b64(text: str) -> str:
    return b64url_encode(text.encode())


def _l2(raw: bytes, *, payload: bytes | None = None) -> str:
    """A G60L2 token over these message bytes (or a message with this payload), signature 64 zero bytes."""
    if payload is not None:
        raw = bytes([1, 3]) + b"k-1" + len(payload).to_bytes(2, "big") + payload
    return f"{PREFIX}.{digits_encode(raw + bytes(64))}"


MALFORMED = [
    "",
    "not a token",
    "G60L1",
    "G60L1..",
    "G60L2.e30.AA",
    "G60L1." + _b64("{}") + ".AAAA",
    "G60L1." + _b64("not json") + ".AAAA",
    "G60L1." + _b64("[1,2]") + ".AAAA",
    "G60L1." + _b64('{"alg":"Ed25519","kid":"330400-1"}') + ".AAAA",
    "G60L1." + _b64('{"alg":"Ed25519","kid":1,"payload":{}}') + ".AAAA",
    "G60L1." + _b64('{"alg":"Ed25519","kid":"k","payload":[]}') + ".AAAA",
    "G60L1." + _b64('{"alg":"Ed25519","extra":1,"kid":"k","payload":{}}') + ".AAAA",
    "G60L1.e30.A",  # impossible base64 length
    "G60L1.e3+/.AAAA",  # standard base64 alphabet, not base64url
    "G60L1." + b64url_encode(b"\xff\xfe") + ".AAAA",  # not UTF-8
    "G60L1." + _b64('{"alg":"Ed25519","kid":"k","payload":{"a":1e400}}') + ".AAAA",  # infinity
    "G60L1." + _b64('{"alg":"Ed25519","kid":"k","payload":{"a":NaN}}') + ".AAAA",
    "G60L1." + _b64('{"alg":"Ed25519","alg":"SM2","kid":"k","payload":{}}') + ".AAAA",  # duplicate key
    "G60L1." + _b64("[" * 1500 + "]" * 1500) + ".AAAA",  # nesting deeper than the parser goes
    "G60L1." + "A" * 5000 + ".AAAA",  # longer than any QR code
    "G60L2.",
    "G60L2.12",  # no group of bytes is 2 digits long
    "G60L2.256",  # one byte is at most 255
    "G60L2.99999999999999999",  # seven bytes are at most 72057594037927935
    "G60L2.١٢٣",  # digits, but not ASCII ones
    "G60L2 " + "1" * 51,
    "G60L2." + "0" * 6000,
    _l2(b"\x01"),  # cut short
    _l2(bytes([1, 0, 0, 2]) + b"{}"),  # no kid
    _l2(bytes([1, 9]) + b"k-1"),  # kid longer than the token
    _l2(bytes([1, 3]) + b"k\xff1" + bytes([0, 2]) + b"{}"),  # kid not ASCII
    _l2(bytes([1, 3]) + b"k\n1" + bytes([0, 2]) + b"{}"),  # kid not printable
    _l2(bytes([1, 3]) + b"k-1" + bytes([9, 0]) + b"{}"),  # payload longer than the token
    _l2(b"", payload=b"[1,2]"),
    _l2(b"", payload=b"not json"),
    _l2(b"", payload=b'{"a": 1}'),  # not canonical: a space
    _l2(b"", payload=b'{"b":1,"a":2}'),  # not canonical: key order
    _l2(b"", payload=b'{"a":1,"a":2}'),  # duplicate key
    _l2(b"", payload=b'{"a":1e400}'),
    _l2(b"", payload=b'{"a":NaN}'),
    _l2(b"", payload=b'{"a":"\xff"}'),  # not UTF-8
    _l2(b"", payload=b'{"a":' + b"[" * 1500 + b"]" * 1500 + b"}"),
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed(text: str) -> None:
    result = token_verify(text)
    assert not result.valid and result.reason == "malformed" and result.payload is None


def test_non_canonical_body_is_malformed(token: str) -> None:
    # The same content spelled with spaces: one licence has exactly one token.
    header, signature = token_parts(token)
    import json

    body = json.dumps(header, ensure_ascii=False, sort_keys=True).encode()
    assert token_verify(f"{LEGACY_PREFIX}.{b64url_encode(body)}.{b64url_encode(signature)}").reason == "malformed"
    payload = json.dumps(header["payload"], ensure_ascii=False, sort_keys=True).encode()
    message = bytes([1, len(header["kid"])]) + header["kid"].encode() + len(payload).to_bytes(2, "big") + payload
    assert token_verify(token_encode(signed_bytes=message, signature=signature)).reason == "malformed"


def test_not_text_is_malformed() -> None:
    assert token_verify(None).reason == "malformed"  # type: ignore[arg-type]


def test_surrounding_whitespace_is_tolerated(token: str) -> None:
    # Scanners and copy-paste add newlines.
    assert token_verify(f"\n{token}\n").valid


def test_offline_with_a_key_mapping_reads_no_database(token: str, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    key = signing_key_ensure(city=City.objects.get(code="330400"))
    keys = public_keys_from_json(
        [{"kid": key.kid, "city": "330400", "algorithm": key.algorithm, "public_key": key.public_key}]
    )
    with django_assert_num_queries(0):
        result = token_verify(token, public_keys=keys)
        unknown = token_verify(token, public_keys={})
    assert result.valid and result.payload is not None
    assert unknown.reason == "unknown_key"


def test_online_verification_caches_keys(token: str, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    token_verify(token)
    with django_assert_num_queries(0):
        assert all(token_verify(token).valid for _ in range(5))


def test_cached_key_is_refreshed_when_the_database_changed(city_jiaxing: City) -> None:
    # A kid reused after the database was reset (demo reload) must not stay wrong in the cache.
    first = document_sign(city=city_jiaxing, payload={"n": 1})
    assert token_verify(first).valid
    from g60.signing.models import SigningKey

    SigningKey.objects.all().delete()
    second = document_sign(city=city_jiaxing, payload={"n": 2})
    assert token_parts(second)[0]["kid"] == token_parts(first)[0]["kid"]
    assert token_verify(second).valid
    assert token_verify(first).reason == "bad_signature"


def test_keys_file_errors_name_the_entry() -> None:
    with pytest.raises(ValueError, match="entry 0"):
        public_keys_from_json('[{"kid": "x"}]')
    with pytest.raises(ValueError, match="JSON list"):
        public_keys_from_json('{"kid": "x"}')
