"""Shared fixtures. Tests run against the real database (SQLite by default, PostgreSQL with DATABASE_URL)."""

import pytest
from django.test import Client

from g60.accounts.models import Role, User
from g60.regions.models import City
from tests.accounts.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def english_messages():  # type: ignore[no-untyped-def]
    """Messages outside a request are checked in English; requests pick their language themselves."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    marked = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return marked or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def process_copies_forgotten() -> None:
    """The process's copies (g60.core.process_copy) are read again in each test: a test may change a city with a
    bulk update (no signal) inside its transaction, rolled back after it, and each test has its own register (the
    search's first id and shares). A copy kept from an earlier test could also expire in the middle of a test,
    adding a query to one request of two that a test compares (test_api's page of twenty, once, on PostgreSQL)."""
    from g60.regions.selectors import cities_forget
    from g60.registry import selectors

    cities_forget()
    selectors.FIRST_ID.forget()
    selectors.CITY_SHARES.forget()
    selectors.LEXEME_SHARES.forget()


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (live server, autocommit) flush every table after they run, the migrated reference
    data included; load the nine cities again for them, from the same data file the migration reads."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from dataclasses import asdict

    from g60.regions.reference import city_rows

    for row in city_rows():
        values = asdict(row)
        City.objects.update_or_create(code=values.pop("code"), defaults=values)


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded documents and licence PDFs written to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def city_jiaxing(db: None) -> City:
    return City.objects.get(code="330400")


@pytest.fixture
def city_songjiang(db: None) -> City:
    return City.objects.get(code="310117")


@pytest.fixture
def make_user(db: None):  # type: ignore[no-untyped-def]
    """make_user(role, city_code=None) → a user holding that one membership."""

    def make(role: Role | None = None, city_code: str | None = None, **kwargs: object) -> User:
        user = UserFactory(**kwargs)
        if role is not None:
            city = City.objects.get(code=city_code) if city_code else None
            MembershipFactory(user=user, role=role, city=city)
        return user

    return make


@pytest.fixture
def client_for(db: None):  # type: ignore[no-untyped-def]
    """client_for(user) → a test client logged in as that user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
