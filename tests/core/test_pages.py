import pytest
from django.db import connection
from django.test import Client

from g60.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_load

pytestmark = pytest.mark.django_db


def test_home_in_chinese_by_default() -> None:
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "G60 科创走廊" in html or "九个城市" in html
    assert "嘉兴市" in html


def test_home_in_english() -> None:
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "One network for the nine cities of the G60 corridor" in html
    assert "Jiaxing" in html


def test_language_switch_sets_the_language() -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cities/"})
    assert response.status_code == 302 and response["Location"] == "/cities/"
    html = client.get("/cities/").content.decode()
    assert '<html lang="en">' in html and "Songjiang District (Shanghai)" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/cities/"})
    assert "松江区" in client.get("/cities/").content.decode()


def test_demo_user_can_log_in() -> None:
    demo_accounts_load()
    client = Client()
    response = client.post("/accounts/login/", {"username": "clerk.jiaxing", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/workspace/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Acceptance window" in page and "Jiaxing" in page


def test_wrong_password_is_refused_with_a_message() -> None:
    demo_accounts_load()
    response = Client().post(
        "/accounts/login/", {"username": "clerk.jiaxing", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_demo_load_is_idempotent() -> None:
    demo_accounts_load()
    from g60.accounts.models import Membership, User

    users, memberships = User.objects.count(), Membership.objects.count()
    demo_accounts_load()
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert users == len(DEMO_ACCOUNTS)
    roles = {m.role for m in Membership.objects.all()}
    assert roles == {"applicant", "clerk", "examiner", "ip_officer", "analyst", "admin"}


def test_navigation_shows_each_role_its_own_work() -> None:
    demo_accounts_load()
    admin, clerk = Client(), Client()
    admin.login(username="admin", password=DEMO_PASSWORD)
    clerk.login(username="clerk.jiaxing", password=DEMO_PASSWORD)
    assert 'href="/audit/"' in admin.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/audit/"' not in clerk.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_request_id_is_echoed() -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="abcdef123456")
    assert response["X-Request-ID"] == "abcdef123456"
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"] != "bad id!"


def test_health_reports_the_database() -> None:
    assert Client().get("/healthz").json() == {"status": "ok", "database": connection.vendor}


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The embedded database's settings, checked on a real SQLite file whatever database this run uses."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from g60.dbconfig import database_config

    config = database_config(f"sqlite:///{tmp_path / 'g60.sqlite3'}")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and config["OPTIONS"]["timeout"] >= 5
    wrapper = DatabaseWrapper(
        {
            **config,
            "TIME_ZONE": None,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TEST": {},
        },
        alias="wal-check",
    )
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20000
        # Django issues BEGIN IMMEDIATE for this connection's transactions.
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_a_postgresql_socket_directory_in_the_url_is_decoded() -> None:
    from g60.dbconfig import database_config

    socket = database_config("postgres://postgres@%2Fvar%2Frun%2Fpostgresql/g60")
    assert (socket["HOST"], socket["NAME"], socket["USER"]) == ("/var/run/postgresql", "g60", "postgres")
    tcp = database_config("postgres://postgres@127.0.0.1:5432/g60")
    assert (tcp["HOST"], tcp["PORT"]) == ("127.0.0.1", 5432)
