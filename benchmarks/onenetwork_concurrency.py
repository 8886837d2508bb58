"""Parallel approvals: N applications of one registration authority (Songjiang) approved at the same time by
W worker processes, each an examiner on its own PostgreSQL connection. Reports approvals per second and the
number of duplicate Unified Social Credit Codes, which must be 0 (row-locked per-authority sequence, unique
constraint on the register as the last guard).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_onenet_conc \
        .venv/bin/python benchmarks/onenetwork_concurrency.py

The database is created if missing. Preparing the applications (create → submit → accept → start examination,
through the services) is not timed. Baseline for the figure: the same approvals by one worker.
"""

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from scratch import scratch_folder

from onenetwork import PDF, create_postgres_database, resident_id, trade_name


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g60.settings")
    os.environ.setdefault("G60_HTTPS", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if "MEDIA_ROOT" not in os.environ:
        os.environ["MEDIA_ROOT"] = str(scratch_folder("g60-bench-media-"))
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_onenet_conc")
    os.environ["DATABASE_URL"] = url
    if not url.startswith("postgres"):
        sys.exit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://...)")
    create_postgres_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def user(name: str, role: str, city: str | None) -> Any:
    from g60.accounts.models import Membership, User

    u, _ = User.objects.get_or_create(username=f"bench-{name}", defaults={"email": f"{name}@bench.example.cn"})
    Membership.objects.get_or_create(user=u, role=role, city_id=city)
    return u


def prepare(n: int) -> list[int]:
    """N applications under examination in Songjiang (window Jiaxing), through the services."""
    from g60.onenetwork import services
    from g60.onenetwork.models import Application

    applicant = user("applicant", "applicant", None)
    clerk = user("clerk", "clerk", "330400")
    examiner = user("examiner", "examiner", "310117")
    rid = resident_id()
    offset = Application.objects.count() + 50_000
    ids = []
    for i in range(n):
        a = services.application_create(
            acting_user=applicant,
            values={
                "name": f"上海{trade_name(offset + i)}信息技术有限公司",
                "domicile_city": "310117",
                "window_city": "330400",
                "form": "company",
                "registered_capital_wan": "100",
                "legal_representative": "张明",
                "legal_representative_id_number": rid,
                "address": "上海市松江区",
                "industry_code": "I6513",
                "business_scope": "软件开发",
            },
            shareholders=[{"name": "张明", "kind": "person", "id_number": rid, "share_percent": "100"}],
        )
        services.document_add(
            acting_user=applicant,
            application=a,
            kind="articles",
            filename="a.pdf",
            content=PDF,
            content_type="application/pdf",
        )
        a = services.application_submit(acting_user=applicant, application=a)
        a = services.application_accept(acting_user=clerk, application=a)
        a = services.application_start_examination(acting_user=examiner, application=a)
        ids.append(a.pk)
    return ids


def approve_chunk(args: tuple[int, list[int], Any]) -> tuple[list[str], float, float]:
    """One worker process: one examiner approving its share of the applications. Returns the codes and the
    start and end of the timed part (after the process's one-off warm-up: font file, key decryption)."""
    worker, ids, barrier = args
    from django.db import connection

    from g60.onenetwork import services
    from g60.onenetwork.models import Application
    from g60.regions.models import City
    from g60.signing.licence_pdf import cjk_font
    from g60.signing.services import document_sign

    connection.close()  # a fresh connection of this process, never the parent's
    examiner = user(f"examiner-{worker}", "examiner", "310117")
    cjk_font()
    document_sign(city=City.objects.get(code="310117"), payload={"warm": True})
    barrier.wait()  # every worker starts approving at the same moment
    start = time.time()
    codes = []
    for pk in ids:
        application = services.application_approve(acting_user=examiner, application=Application.objects.get(pk=pk))
        codes.append(application.licence.uscc)
    end = time.time()
    connection.close()
    return codes, start, end


def run(ids: list[int], workers: int) -> tuple[list[str], float]:
    from django.db import connections

    connections.close_all()  # forked children must not share the parent's socket
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(workers)
    chunks = [(w, ids[w::workers], barrier) for w in range(workers)]
    with context.Pool(workers) as pool:
        results = pool.map(approve_chunk, chunks)
    start = min(r[1] for r in results)
    end = max(r[2] for r in results)
    return [code for r in results for code in r[0]], end - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1000, help="approvals in the parallel run")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--baseline", type=int, default=100, help="approvals by one worker, for comparison")
    args = parser.parse_args()
    setup()
    from g60.registry.identifiers import is_valid_uscc
    from g60.registry.models import Enterprise

    print(f"Preparing {args.baseline + args.n} applications under examination (not timed) ...", flush=True)
    t0 = time.perf_counter()
    baseline_ids = prepare(args.baseline)
    ids = prepare(args.n)
    print(f"  prepared in {time.perf_counter() - t0:.1f} s")

    base_codes, base_elapsed = run(baseline_ids, 1)
    codes, elapsed = run(ids, args.workers)
    every = base_codes + codes
    duplicates = len(every) - len(set(every))
    invalid = sum(not is_valid_uscc(c) for c in every)
    in_register = Enterprise.objects.filter(uscc__in=every).count()
    print(f"  baseline: {len(base_codes)} approvals by 1 worker      {len(base_codes) / base_elapsed:>7.1f} /s")
    print(f"  parallel: {len(codes)} approvals by {args.workers} workers    {len(codes) / elapsed:>7.1f} /s")
    print(f"  duplicate codes: {duplicates}   invalid codes: {invalid}   in the register: {in_register}/{len(every)}")
    from g60.audit.verify import audit_verify

    chain = audit_verify()
    print(f"  audit chain after the parallel approvals: {'intact' if chain.ok else 'BROKEN'}")
    if duplicates or invalid or in_register != len(every) or not chain.ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
