"""`g60 verify-licence FILE [--keys KEYS.json]`: the verdict and the facts, exit 0 valid and 1 invalid."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from g60.accounts.models import Role
from g60.regions.models import City
from g60.signing.licence_pdf import licence_pdf_render
from g60.signing.models import SigningKey
from g60.signing.services import document_sign
from tests.signing.factories import LicenceFactsFactory, licence_payload
from tests.signing.helpers import token_parts, token_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(city_songjiang: City) -> str:
    return document_sign(city=city_songjiang, payload=licence_payload())


def _verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_licence", *args, stdout=out)
    return out.getvalue()


def test_valid_pdf(token: str, tmp_path: Path) -> None:
    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(licence_pdf_render(facts=LicenceFactsFactory(), token=token))
    out = _verify(str(pdf))
    assert out.startswith("VALID")
    assert "310117-1 (Ed25519) of city 310117" in out
    assert "uscc: 91310117MA1J3XYZ4K" in out and "name: 上海松江星链卫星科技有限公司" in out
    assert "POST /api/v1/licences/verify" in out


def test_token_text_file(token: str, tmp_path: Path) -> None:
    path = tmp_path / "token.txt"
    path.write_text(token + "\n")
    assert _verify(str(path)).startswith("VALID")


def test_tampered_token_exits_1_with_the_reason(token: str, tmp_path: Path) -> None:
    header, signature = token_parts(token)
    header["payload"]["name"] = "别的公司"
    path = tmp_path / "token.txt"
    path.write_text(token_rebuild(header, signature))
    with pytest.raises(CommandError, match="bad_signature") as caught:
        _verify(str(path))
    assert caught.value.returncode == 1


def test_unreadable_file_exits_1(tmp_path: Path) -> None:
    for path, data in ((tmp_path / "x.pdf", b"%PDF-1.4 nothing"), (tmp_path / "x.bin", b"\xff\xfe\x00")):
        path.write_bytes(data)
        with pytest.raises(CommandError) as caught:
            _verify(str(path))
        assert caught.value.returncode == 1
    with pytest.raises(CommandError, match="Cannot read"):
        _verify(str(tmp_path / "missing.pdf"))


def test_bad_keys_file(token: str, tmp_path: Path) -> None:
    licence, keys = tmp_path / "token.txt", tmp_path / "keys.json"
    licence.write_text(token)
    keys.write_text('{"not": "a list"}')
    with pytest.raises(CommandError, match="not a keys file"):
        _verify(str(licence), "--keys", str(keys))


def test_offline_with_a_saved_keys_file_in_a_process_without_the_database(token: str, tmp_path: Path) -> None:
    """The real `g60` command, in a child process whose database is an empty file: it can only succeed
    offline, from the saved GET /api/v1/keys answer."""
    keys = tmp_path / "keys.json"
    keys.write_bytes(Client().get("/api/v1/keys").content)
    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(licence_pdf_render(facts=LicenceFactsFactory(), token=token))
    header, signature = token_parts(token)
    header["payload"]["cap"] = "999999"
    tampered = tmp_path / "tampered.txt"
    tampered.write_text(token_rebuild(header, signature))

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "G60_HTTPS": "false"}
    env.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["LANGUAGE"] = "en"
    g60 = str(Path(sys.executable).with_name("g60"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([g60, "verify-licence", *args], env=env, capture_output=True, text=True, timeout=60)  # noqa: S603

    valid = run(str(pdf), "--keys", str(keys))
    assert valid.returncode == 0, valid.stderr
    assert "91310117MA1J3XYZ4K" in valid.stdout and "310117-1" in valid.stdout
    invalid = run(str(tampered), "--keys", str(keys))
    assert invalid.returncode == 1 and "bad_signature" in invalid.stderr
    unknown = run(str(pdf), "--keys", str(tmp_path / "none.json"))
    assert unknown.returncode == 1
    (tmp_path / "other.json").write_text(json.dumps([]))
    assert "unknown_key" in run(str(pdf), "--keys", str(tmp_path / "other.json")).stderr
    # Without --keys the local database is asked, and this one has no tables: a clear error, not a traceback.
    no_keys = run(str(pdf))
    assert no_keys.returncode == 1 and "--keys" in no_keys.stderr and "Traceback" not in no_keys.stderr


def test_rotate_signing_key_command(make_user, token: str) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN, "310117")
    out = StringIO()
    call_command("rotate_signing_key", "310117", "--user", admin.username, stdout=out)
    assert "310117-2" in out.getvalue()
    assert SigningKey.objects.get(kid="310117-1").retired_on is not None
    assert _verify_token(token).startswith("VALID")

    examiner = make_user(Role.EXAMINER, "310117")
    with pytest.raises(CommandError, match="administrators of that city only"):
        call_command("rotate_signing_key", "310117", "--user", examiner.username)
    with pytest.raises(CommandError, match="division code"):
        call_command("rotate_signing_key", "999999", "--user", admin.username)
    with pytest.raises(CommandError, match="No user"):
        call_command("rotate_signing_key", "310117", "--user", "nobody")
    assert SigningKey.objects.filter(city_id="310117").count() == 2


def _verify_token(token: str) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(token)
    try:
        return _verify(handle.name)
    finally:
        Path(handle.name).unlink()
