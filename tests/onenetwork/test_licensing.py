"""Licence issue: the USCC (GB 32100) allocated per registering authority, unique and valid; the enterprise in
the register; the signed e-licence and its PDF (written after commit, nothing left on rollback); verification
(valid, altered, unknown key, revoked, unknown licence); revocation and hand-over."""

import hashlib
import json

import pytest

from g60.accounts.models import Role
from g60.onenetwork import licensing, services
from g60.onenetwork.licensing import serial_encode, uscc_allocate
from g60.onenetwork.models import Application, Licence, UsccSequence
from g60.onenetwork.transitions import TransitionNotAllowed
from g60.onenetwork.verification import licence_verify
from g60.regions.models import City
from g60.registry.identifiers import is_valid_uscc, org_code_check_char
from g60.registry.models import Enterprise
from g60.signing.licence_pdf import licence_pdf_extract_token
from g60.signing.tokens import signing_input, token_decode, token_encode
from tests.onenetwork.factories import HANGZHOU, JIAXING, SONGJIANG, advance, draft, official

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def issued(django_capture_on_commit_callbacks, **kwargs) -> Licence:  # type: ignore[no-untyped-def]
    application = advance(draft(**kwargs), "under_examination")
    examiner = official(Role.EXAMINER, application.domicile_city_id)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(acting_user=examiner, application=application)
    return Licence.objects.select_related("enterprise", "application").get(application=application)


def test_the_uscc_is_valid_and_names_the_registering_authority(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    licence = issued(django_capture_on_commit_callbacks, window=JIAXING, domicile=SONGJIANG)
    code = licence.uscc
    assert is_valid_uscc(code)
    assert code[:2] == "91"  # market regulation, enterprise
    assert code[2:8] == SONGJIANG  # the domicile city's authority, not the window's
    assert code[8:10] == "MA"
    assert org_code_check_char(code[8:16]) == code[16]
    enterprise = Enterprise.objects.get(uscc=code)
    assert enterprise.city_id == SONGJIANG and enterprise.source == "onenetwork"
    assert enterprise.name == licence.application.name


def test_serials_are_per_authority_and_never_repeat(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    codes = [issued(django_capture_on_commit_callbacks, domicile=SONGJIANG).uscc for _ in range(3)]
    codes.append(issued(django_capture_on_commit_callbacks, domicile=HANGZHOU, window=HANGZHOU).uscc)
    assert len(set(codes)) == 4
    assert [c[10:16] for c in codes[:3]] == [serial_encode(1), serial_encode(2), serial_encode(3)]
    assert codes[3][2:8] == HANGZHOU and codes[3][10:16] == serial_encode(1)
    assert UsccSequence.objects.get(authority_id=SONGJIANG).next_value == 4


def test_serial_encoding_uses_the_uscc_charset() -> None:
    assert serial_encode(0) == "000000"
    assert serial_encode(31) == "000010"
    assert serial_encode(31**6 - 1) == "YYYYYY"
    with pytest.raises(ValueError):
        serial_encode(31**6)


def test_a_code_already_in_the_register_is_skipped() -> None:
    from django.db import transaction

    city = City.objects.get(code=JIAXING)
    with transaction.atomic():
        first, _serial = uscc_allocate(authority=city)
    Enterprise.objects.filter(uscc=first).delete()
    UsccSequence.objects.filter(authority=city).update(next_value=1)
    Enterprise.objects.create(
        uscc=first,
        name="嘉兴已有企业有限公司",
        type="company",
        city=city,
        established_on="2020-01-01",
        registered_capital_wan=1,
        legal_representative="王五",
        industry_code="F5123",
        address="嘉兴",
        source="import",
    )
    with transaction.atomic():
        second, serial = uscc_allocate(authority=city)
    assert second != first and serial == 2 and is_valid_uscc(second)


def test_pdf_is_written_after_commit_with_its_sha256_and_carries_the_token(
    django_capture_on_commit_callbacks, media
) -> None:  # type: ignore[no-untyped-def]
    licence = issued(django_capture_on_commit_callbacks)
    pdf = (media / licence.pdf.name).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == licence.pdf_sha256
    assert licence_pdf_extract_token(pdf) == licence.token


def test_a_failed_approval_leaves_nothing_behind(monkeypatch, media, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(), "under_examination")
    examiner = official(Role.EXAMINER, SONGJIANG)

    def broken_sign(**kwargs: object) -> str:
        raise RuntimeError("signing service down")

    monkeypatch.setattr("g60.signing.services.document_sign", broken_sign)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.application_approve(acting_user=examiner, application=application)
    assert Application.objects.get(pk=application.pk).state == "under_examination"
    assert not Licence.objects.exists()
    assert not Enterprise.objects.filter(name=application.name).exists()
    assert not (media / "onenetwork" / "licences").exists()
    assert not UsccSequence.objects.filter(next_value__gt=1).exists()


def test_a_lost_pdf_file_is_rendered_again(django_capture_on_commit_callbacks, media) -> None:  # type: ignore[no-untyped-def]
    licence = issued(django_capture_on_commit_callbacks)
    (media / licence.pdf.name).unlink()
    pdf = licensing.licence_pdf_bytes(licence)
    assert licence_pdf_extract_token(pdf) == licence.token
    assert (media / licence.pdf.name).exists()


# --- Verification ------------------------------------------------------------------------------------------


def _retoken(token: str, change) -> str:  # type: ignore[no-untyped-def]
    decoded = token_decode(token)
    header = {"alg": decoded.algorithm, "kid": decoded.kid, "payload": decoded.payload}
    change(header)
    message = signing_input(algorithm=header["alg"], kid=header["kid"], payload=header["payload"])
    return token_encode(signed_bytes=message, signature=decoded.signature)


def test_verification_valid_with_public_facts(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    licence = issued(django_capture_on_commit_callbacks)
    result = licence_verify(token=licence.token)
    assert result.valid and result.reason == "valid" and result.algorithm == "Ed25519"
    assert result.facts is not None
    assert result.facts["uscc"] == licence.uscc and result.facts["name"] == licence.enterprise.name
    assert "legal_representative_id_number" not in result.facts
    # The e-licence record (JSON with the token) is accepted too.
    assert licence_verify(token=json.dumps({"token": licence.token})).valid


def test_verification_altered_unknown_key_malformed_unknown_licence(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    licence = issued(django_capture_on_commit_callbacks)
    altered = _retoken(licence.token, lambda h: h["payload"].update(name="嘉兴冒名顶替有限公司"))
    assert licence_verify(token=altered).reason == "bad_signature"
    unknown_key = _retoken(licence.token, lambda h: h.update(kid="no-such-key"))
    assert licence_verify(token=unknown_key).reason == "unknown_key"
    assert licence_verify(token=licence.token[:-6]).valid is False
    assert licence_verify(token="hello").reason == "malformed"
    # A sound signature over a licence the platform never issued.
    from g60.signing.services import document_sign

    forged = document_sign(
        city=licence.authority,
        payload={"typ": "g60.e-licence", "uscc": "914403001922038216", "no": "x", "name": "x"},
    )
    assert licence_verify(token=forged).reason == "unknown_licence"


def test_revocation(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    licence = issued(django_capture_on_commit_callbacks)
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):  # the window city's examiner is not the registering authority
        licensing.licence_revoke(acting_user=official(Role.EXAMINER, JIAXING), licence=licence, reason="x")
    examiner = official(Role.EXAMINER, SONGJIANG)
    with pytest.raises(ValidationError):
        licensing.licence_revoke(acting_user=examiner, licence=licence, reason=" ")
    licensing.licence_revoke(acting_user=examiner, licence=licence, reason="虚假登记")
    assert Enterprise.objects.get(uscc=licence.uscc).status == "revoked"
    result = licence_verify(token=licence.token)
    assert not result.valid and result.reason == "revoked"
    assert result.facts is not None and result.facts["revoked_on"]


@pytest.mark.django_db(transaction=True)
def test_the_prepared_lookup_sees_revocation_and_survives_a_new_connection(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    # On PostgreSQL the lookup becomes a prepared statement of its connection: it must read current rows (not a
    # cached answer) and be prepared again on a new connection, where the old statement does not exist.
    from django.db import connection

    licence = issued(django_capture_on_commit_callbacks)
    assert all(licence_verify(token=licence.token).valid for _ in range(8))
    licensing.licence_revoke(acting_user=official(Role.EXAMINER, SONGJIANG), licence=licence, reason="虚假登记")
    assert licence_verify(token=licence.token).reason == "revoked"
    connection.close()
    assert licence_verify(token=licence.token).reason == "revoked"
    assert licence_verify(token=licence.token[:-3] + "AAA").valid is False


def test_hand_over_by_the_window_clerk(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    licence = issued(django_capture_on_commit_callbacks, window=JIAXING, domicile=SONGJIANG)
    with pytest.raises(PermissionDenied):
        licensing.licence_hand_over(acting_user=official(Role.CLERK, SONGJIANG), licence=licence)
    clerk = official(Role.CLERK, JIAXING)
    licence = licensing.licence_hand_over(acting_user=clerk, licence=licence)
    assert licence.handed_over_at is not None and licence.handed_over_by == clerk
    assert licence.application.events.filter(step="licence_hand_over").exists()


def test_a_revoked_licence_is_not_handed_over(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    licence = issued(django_capture_on_commit_callbacks)
    licensing.licence_revoke(acting_user=official(Role.EXAMINER, SONGJIANG), licence=licence, reason="x")
    with pytest.raises(TransitionNotAllowed) as error:
        licensing.licence_hand_over(acting_user=official(Role.CLERK, JIAXING), licence=licence)
    assert error.value.code == "licence_revoked"
