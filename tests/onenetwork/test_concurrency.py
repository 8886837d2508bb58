"""Approvals at the same moment get distinct codes: 24 applications approved by 8 threads, each on its own
database connection, give 24 valid, distinct USCCs with consecutive serials.

PostgreSQL: threads against the test database (row lock on the authority's sequence). SQLite: the test database
is a shared-cache in-memory database that fails concurrent writers instead of queueing them, so the same script
runs in a child `g60` process against a migrated SQLite file, as in production (IMMEDIATE transactions).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

PARALLEL_APPROVE = """
from concurrent.futures import ThreadPoolExecutor
from django.db import connection
from g60.accounts.models import Membership, User
from g60.onenetwork import services
from g60.onenetwork.models import Application
from g60.registry.identifiers import is_valid_uscc

N = 24
W = [pow(2, 17 - i, 11) for i in range(17)]
first17 = "33040219850312001"
rid = first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, W)) % 11]
PDF = b"%PDF-1.4\\n%%EOF\\n"
applicant = User.objects.create(username="conc-applicant", email="a@example.cn")
Membership.objects.create(user=applicant, role="applicant")
clerk = User.objects.create(username="conc-clerk")
Membership.objects.create(user=clerk, role="clerk", city_id="330400")
examiner = User.objects.create(username="conc-examiner")
Membership.objects.create(user=examiner, role="examiner", city_id="310117")
SYL = "明华德星远航天瑞宏泰丰盛嘉信诚晟源"
ids = []
for n in range(N):
    trade = SYL[n % 17] + SYL[(n // 17) % 17] + "达"
    a = services.application_create(acting_user=applicant, values={
        "name": "上海" + trade + "信息技术有限公司", "domicile_city": "310117", "window_city": "330400",
        "form": "company", "registered_capital_wan": "10", "legal_representative": "张明",
        "legal_representative_id_number": rid, "address": "松江", "industry_code": "I6513",
        "business_scope": "软件"}, shareholders=[{"name": "张明", "kind": "person", "id_number": rid,
        "share_percent": "100"}])
    services.document_add(acting_user=applicant, application=a, kind="articles", filename="a.pdf",
                          content=PDF, content_type="application/pdf")
    a = services.application_submit(acting_user=applicant, application=a)
    a = services.application_accept(acting_user=clerk, application=a)
    a = services.application_start_examination(acting_user=examiner, application=a)
    ids.append(a.pk)

def approve(pk):
    try:
        a = services.application_approve(acting_user=examiner, application=Application.objects.get(pk=pk))
        return a.licence.uscc
    finally:
        connection.close()

with ThreadPoolExecutor(max_workers=8) as pool:
    codes = list(pool.map(approve, ids))
print(len(codes), len(set(codes)), all(is_valid_uscc(c) for c in codes), sorted(c[10:16] for c in codes)[-1])
"""
EXPECTED = "24 24 True 00000Q"  # 24 codes, all distinct and valid, serials 1..24 (24 = "Q" in base 31)


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_get_distinct_codes(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    if connection.vendor != "sqlite":
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(PARALLEL_APPROVE, {})  # noqa: S102 - the same script as the SQLite child process runs
        assert out.getvalue().strip().splitlines()[-1] == EXPECTED
        return
    g60 = str(Path(sys.executable).with_name("g60"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g60.sqlite3'}",
        "G60_HTTPS": "false",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([g60, "migrate", "-v0"], env=env, check=True, timeout=180)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [g60, "shell", "-c", PARALLEL_APPROVE], env=env, check=True, timeout=180, capture_output=True, text=True
    )
    assert out.stdout.strip().splitlines()[-1] == EXPECTED


PARALLEL_IDEMPOTENT = """
import threading
from concurrent.futures import ThreadPoolExecutor
from django.db import connection
from g60.accounts.models import Membership, User
from g60.onenetwork import services
from g60.onenetwork.idempotency import idempotent_call
from g60.onenetwork.models import Application

applicant = User.objects.create(username="idem-applicant", email="i@example.cn")
Membership.objects.create(user=applicant, role="applicant")
barrier = threading.Barrier(8)

def create(_):
    try:
        barrier.wait()
        def run():
            a = services.application_create(acting_user=applicant, values={"name_en": "Retried"})
            return 201, {"id": str(a.public_id)}
        return idempotent_call(user=applicant, key="retry-1", operation="application.create",
                               payload={"name_en": "Retried"}, run=run)[1]["id"]
    finally:
        connection.close()

with ThreadPoolExecutor(max_workers=8) as pool:
    ids = list(pool.map(create, range(8)))
print(len(ids), len(set(ids)), Application.objects.filter(applicant=applicant).count())
"""


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_with_one_key_make_one_application(tmp_path: Path) -> None:
    expected = "8 1 1"  # eight answers, all the same application, one row
    if connection.vendor != "sqlite":
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(PARALLEL_IDEMPOTENT, {})  # noqa: S102 - the same script as the SQLite child process runs
        assert out.getvalue().strip().splitlines()[-1] == expected
        return
    g60 = str(Path(sys.executable).with_name("g60"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'g60.sqlite3'}", "G60_HTTPS": "false"}
    env.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([g60, "migrate", "-v0"], env=env, check=True, timeout=180)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [g60, "shell", "-c", PARALLEL_IDEMPOTENT], env=env, check=True, timeout=180, capture_output=True, text=True
    )
    assert out.stdout.strip().splitlines()[-1] == expected
