"""Signing and verifying tokens: the round trip, and every kind of tampering answers invalid with its reason."""

import pytest

from g60.regions.models import City
from g60.signing.services import document_sign, signing_key_ensure
from g60.signing.tokens import PREFIX, b64url_encode
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


def test_token_fits_a_qr_code(token: str) -> None:
    # A version-25 QR code at level M holds 1,000 bytes; a licence token is well under.
    assert len(token) < 700


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
    header["alg"] = "SM2"
    result = token_verify(token_rebuild(header, signature))
    assert not result.valid and result.reason == "unsupported_algorithm" and result.algorithm == "SM2"


def test_algorithm_differing_from_the_keys_is_bad_signature(token: str) -> None:
    header, signature = token_parts(token)
    key = signing_key_ensure(city=City.objects.get(code="330400"))
    keys = {key.kid: PublicKeyInfo(kid=key.kid, algorithm="SM2", public_key=b"\0" * 32)}
    assert token_verify(token_rebuild(header, signature), public_keys=keys).reason == "bad_signature"


def _b64(text: str) -> str:
    return b64url_encode(text.encode())


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
    assert token_verify(f"{PREFIX}.{b64url_encode(body)}.{b64url_encode(signature)}").reason == "malformed"


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
