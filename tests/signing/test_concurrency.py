"""Parallel first uses of a city's key make exactly one key, each caller on its own database connection.

PostgreSQL: threads against the test database. SQLite: the test database is a shared-cache in-memory database,
which fails concurrent writers at once instead of queueing them, so the same threads run in a child `g60`
process against a migrated SQLite file, as in production (WAL, IMMEDIATE transactions, busy timeout).
"""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from g60.regions.models import City
from g60.signing.models import SigningKey
from g60.signing.services import signing_key_ensure

PARALLEL_ENSURE = """
from concurrent.futures import ThreadPoolExecutor
from django.db import connection
from g60.regions.models import City
from g60.signing.models import SigningKey
from g60.signing.services import signing_key_ensure

def ensure(_):
    try:
        return signing_key_ensure(city=City.objects.get(code="340100")).kid
    finally:
        connection.close()

with ThreadPoolExecutor(max_workers=8) as pool:
    kids = set(pool.map(ensure, range(16)))
print(sorted(kids), SigningKey.objects.filter(city_id="340100").count())
"""


@pytest.mark.django_db(transaction=True)
def test_parallel_ensure_makes_one_key(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":

        def ensure(_: int) -> str:
            try:
                return signing_key_ensure(city=City.objects.get(code="340100")).kid
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=8) as pool:
            kids = set(pool.map(ensure, range(16)))
        assert kids == {"340100-1"}
        assert SigningKey.objects.filter(city_id="340100").count() == 1
        return

    g60 = str(Path(sys.executable).with_name("g60"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'g60.sqlite3'}", "G60_HTTPS": "false"}
    env.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([g60, "migrate", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [g60, "shell", "-c", PARALLEL_ENSURE], env=env, check=True, timeout=120, capture_output=True, text=True
    )
    assert out.stdout.strip().splitlines()[-1] == "['340100-1'] 1"
