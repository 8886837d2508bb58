"""The `g60` commands where they meet their surroundings: a database never migrated (one line naming
`g60 migrate`, a non-zero exit status, no traceback), a reader that goes away before the output ends (a quiet
exit, as a Unix tool ended by SIGPIPE), and the platform's language in every message.

The commands speak the platform's language, settings.LANGUAGE_CODE: zh-hans unless G60_LANGUAGE=en. `g60 serve` and
`g60 compile-translations` read no table (serve hands over to uWSGI, which reads the database per request),
so they are not among the commands run on an empty database."""

import json
import os
import subprocess
import sys
import unicodedata
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, ProgrammingError
from django.utils import translation

from g60.core.commands import ProjectCommand, column, database_missing_table
from g60.signing.algorithms import ED25519, scheme_get
from g60.signing.tokens import b64url_encode, signing_input, token_encode
from tests.accounts.factories import UserFactory
from tests.core.test_command_errors import _fails
from tests.registry.test_import import GOOD, write_csv
from tests.signing.factories import licence_payload

G60 = str(Path(sys.executable).with_name("g60"))
SECRET = "test-only-secret-key-not-for-production-use-0123456789"


def _env(database_url: str, *, language: str = "zh-hans") -> dict[str, str]:
    """The environment of a `g60` child process on `database_url`, speaking `language` (G60_LANGUAGE)."""
    env = {**os.environ, "DATABASE_URL": database_url, "G60_HTTPS": "false", "G60_LANGUAGE": language}
    env.setdefault("SECRET_KEY", SECRET)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _token(*, private_key: bytes | None = None, kid: str = "310117-1") -> str:
    """A well-formed licence token naming `kid`, signed with `private_key` (or with a signature of zeros)."""
    signed = signing_input(algorithm=ED25519, kid=kid, payload=licence_payload())
    scheme = scheme_get(ED25519)
    assert scheme is not None
    signature = scheme.sign(private_key, signed) if private_key is not None else bytes(64)
    return token_encode(signed_bytes=signed, signature=signature)


@pytest.fixture(scope="module")
def empty_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database that was never migrated, of the kind the tests run on: an empty SQLite file, or on PostgreSQL
    an empty database made for these tests and dropped after them."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path_factory.mktemp('unmigrated') / 'empty.sqlite3'}"
        return
    import psycopg

    name = f"g60_unmigrated_{os.getpid()}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Each project command that reads the database, with arguments that get it that far, and the table it misses
# first. The arguments name files made in the test's folder: {csv} an import file, {token} a licence token.
UNMIGRATED = {
    "grant": (["grant", "someone", "applicant"], "accounts_user"),
    "token": (["token", "someone"], "accounts_user"),
    "audit-verify": (["audit-verify"], "audit_auditevent"),
    "load-demo": (["load-demo"], "accounts_user"),
    "generate-enterprises": (["generate-enterprises", "3"], "registry_enterprise"),
    "import-enterprises": (["import-enterprises", "{csv}", "--quiet"], "registry_importjob"),
    "import-enterprises --resume": (["import-enterprises", "--resume", str(uuid.uuid4())], "registry_importjob"),
    "import-enterprises --user": (["import-enterprises", "{csv}", "--user", "someone"], "accounts_user"),
    "rotate-signing-key": (["rotate-signing-key", "310117", "--user", "someone"], "regions_city"),
    "verify-licence": (["verify-licence", "{token}"], "signing_signingkey"),
}
NOT_SET_UP = {
    "zh-hans": "数据库尚未初始化（缺少数据表 {table}）：请先运行 g60 migrate",
    "en": "The database is not set up (no table {table}): run g60 migrate first",
}
CASES = [(name, "zh-hans") for name in UNMIGRATED] + [
    (name, "en") for name in ("grant", "audit-verify", "verify-licence")
]


@pytest.mark.parametrize(("name", "language"), CASES)
def test_a_command_on_a_database_never_migrated_says_so_in_one_line(
    name: str, language: str, empty_database_url: str, tmp_path: Path
) -> None:
    args, table = UNMIGRATED[name]
    files = {"csv": str(write_csv(tmp_path / "a.csv", [GOOD])), "token": str(tmp_path / "token.txt")}
    (tmp_path / "token.txt").write_text(_token())
    env = _env(empty_database_url, language=language)
    done = subprocess.run(  # noqa: S603
        [G60, *(arg.format(**files) for arg in args)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("CommandError: ")
    assert NOT_SET_UP[language].format(table=table) in line
    if name == "verify-licence":  # the other way, without a database
        assert "--keys KEYS.json" in line


def test_the_missing_table_is_read_from_sqlite_and_postgresql_errors() -> None:
    import psycopg.errors

    assert database_missing_table(OperationalError("no such table: accounts_user")) == "accounts_user"
    wrapped = ProgrammingError('relation "accounts_user" does not exist\nLINE 1: SELECT ...')
    wrapped.__cause__ = psycopg.errors.UndefinedTable('relation "accounts_user" does not exist\nLINE 1: SELECT ...')
    assert database_missing_table(wrapped) == "accounts_user"
    assert database_missing_table(OperationalError("database is locked")) is None
    assert database_missing_table(IntegrityError("UNIQUE constraint failed: accounts_user.username")) is None


def test_other_database_errors_are_not_hidden() -> None:
    class Command(ProjectCommand):
        def handle(self, *args: object, **options: object) -> None:
            raise IntegrityError("UNIQUE constraint failed: accounts_user.username")

    with pytest.raises(IntegrityError):
        call_command(Command(), stdout=StringIO(), stderr=StringIO())


# A reader that goes away: `g60 … | head -1`.


def _keys_and_token(tmp_path: Path) -> tuple[Path, str]:
    scheme = scheme_get(ED25519)
    assert scheme is not None
    pair = scheme.generate()
    keys = tmp_path / "keys.json"
    keys.write_text(
        json.dumps([{"kid": "310117-1", "algorithm": ED25519, "public_key": b64url_encode(pair.public_raw)}])
    )
    return keys, _token(private_key=pair.private_raw)


def test_output_to_a_reader_gone_before_it_is_written_ends_quietly(tmp_path: Path) -> None:
    """verify-licence reads the token from stdin and only then writes: the reader has closed its end by then."""
    keys, token = _keys_and_token(tmp_path)
    env = _env(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    child = subprocess.Popen(  # noqa: S603
        [G60, "verify-licence", "-", "--keys", str(keys)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin and child.stdout and child.stderr
    child.stdout.close()
    child.stdin.write(token.encode())
    child.stdin.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141, stderr  # 128 + SIGPIPE, as a shell reports `yes | head -1`
    assert "Traceback" not in stderr
    assert stderr == ""


# The child writes a line, waits for its stdin to close, then writes more than a pipe holds.
LONG_OUTPUT = "import sys; print('first', flush=True); sys.stdin.read(); print(('x' * 80 + '\\n') * 5000)"


def test_output_to_a_reader_that_closes_after_one_line_ends_quietly(tmp_path: Path) -> None:
    env = _env(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    child = subprocess.Popen(  # noqa: S603
        [G60, "shell", "--no-imports", "-c", LONG_OUTPUT],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert child.stdin and child.stdout and child.stderr
    assert child.stdout.readline() == b"first\n"
    child.stdout.close()
    child.stdin.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141, stderr
    assert "Traceback" not in stderr
    assert stderr == ""


def test_a_command_that_succeeds_still_exits_0_with_its_whole_output(tmp_path: Path) -> None:
    keys, token = _keys_and_token(tmp_path)
    env = _env(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    done = subprocess.run(  # noqa: S603
        [G60, "verify-licence", "-", "--keys", str(keys)],
        env=env,
        input=token,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("有效：") and "吊销" in done.stdout.splitlines()[-1]


# Messages that were English only, now in the platform's language.


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_column_pads_to_the_width_a_terminal_shows() -> None:
    assert column("全走廊", 9) == "全走廊   "
    assert column("330400", 9) == "330400   "
    assert column("太长的一段文字", 9) == "太长的一段文字"  # wider than the column: left as it is


def _out(*args: str, **options: object) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["grant", "nobody", "applicant"], "没有名为 nobody 的用户。", "No user is named nobody."),
        (["token", "nobody"], "没有名为 nobody 的有效用户。", "There is no active user named nobody."),
        (["generate_enterprises", "-1"], "N 不能为负数。", "N must not be negative."),
        (
            ["generate_enterprises", "1", "--city", "110000"],
            "--city 110000 不是九座城市之一：",
            "--city 110000 is not one of the nine cities: ",
        ),
        (["import_enterprises", "--quiet"], "请指定要导入的 FILE（或 --resume JOB）。", "Name the FILE to import"),
        (
            ["import_enterprises", "--resume", "2b0f5c3e-8d6a-4f51-9c39-1d3f6f1e2a10", "--quiet"],
            "--resume：没有导入任务 2b0f5c3e-8d6a-4f51-9c39-1d3f6f1e2a10。",
            "--resume: there is no import job 2b0f5c3e-8d6a-4f51-9c39-1d3f6f1e2a10.",
        ),
        (["import_enterprises", "a.csv", "--user", "nobody"], "--user：没有名为 nobody 的用户。", "--user: no user"),
    ],
)
def test_refusals_that_were_english_only_read_in_chinese(args: list[str], zh: str, en: str) -> None:
    with translation.override("zh-hans"):
        _fails(*args, match=zh)
    _fails(*args, match=en)


@pytest.mark.django_db
def test_grant_names_an_unknown_city_in_chinese() -> None:
    user = UserFactory()
    with translation.override("zh-hans"):
        _fails("grant", user.username, "clerk", "999999", match="走廊内没有行政区划代码为 999999 的城市。")


@pytest.mark.django_db
def test_reports_that_were_english_only_read_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    monkeypatch.setattr("os.execv", lambda path, argv: None)
    bad = {**GOOD, "uscc": "X"}
    with translation.override("zh-hans"):
        assert _out("generate_enterprises", "2") == "已生成 2 家企业（已有的统一社会信用代码保持不变）。\n"
        target = tmp_path / "out.csv"
        assert _out("generate_enterprises", "2", "--csv", str(target)) == f"已将 2 家企业写入 {target}。\n"
        imported = _out("import_enterprises", str(write_csv(tmp_path / "a.csv", [GOOD, bad])), "--quiet")
        assert imported.startswith("导入任务 ") and "  第 3 行，uscc：" in imported
        report = tmp_path / "errors.csv"
        imported = _out("import_enterprises", str(tmp_path / "a.csv"), "--quiet", "--errors", str(report))
        assert f"错误报告：{report}" in imported
        assert _out("audit_verify").startswith("审计链完整：已核验 ")
        assert _out("serve", bind="127.0.0.1:8123", workers=1).startswith("正在 http://127.0.0.1:8123/ 上提供服务")
        demo = _out("load_demo").splitlines()
        assert demo[0] == "演示账户（密码均为 G60-demo-2026）"
        assert any("全走廊" in line for line in demo)
        # The accounts' table lines up in a terminal, where a Chinese character takes two columns.
        accounts = [line for line in demo if line.startswith("  ") and "·" in line]
        assert len(accounts) >= 10
        assert len({_columns(line[: line.index("·")].rstrip().rsplit(" ", 1)[0]) for line in accounts}) == 1
        assert any(line.startswith("企业名录：") for line in demo) and "一网通办演示申请（新增的）：" in demo
    assert _out("audit_verify").startswith("Audit chain intact: ")


def test_a_language_the_platform_does_not_speak_stops_the_start_up_naming_the_setting(tmp_path: Path) -> None:
    env = {**_env(f"sqlite:///{tmp_path / 'unused.sqlite3'}"), "G60_LANGUAGE": "fr"}
    done = subprocess.run([G60, "check"], env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603 - our own command
    assert done.returncode != 0
    assert "G60_LANGUAGE must be one of zh-hans, en, not 'fr'" in done.stderr
