"""The enterprise register at scale: import, search and detail through a real server, beside naive baselines.

    .venv/bin/python benchmarks/registry.py --rows 1000000                  # a fresh SQLite file in /tmp
    .venv/bin/python benchmarks/registry.py --rows 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/h_registry_bench  # emptied first (registry tables only)

Steps and figures:
1. generate a CSV of --rows synthetic enterprises (`g60 generate-enterprises N --csv`);
2. import it with `g60 import-enterprises` in a child process: rows/s and the child's peak memory (max RSS, from
   resource.getrusage(RUSAGE_CHILDREN)). Targets: >= 20,000 rows/s, <= 300 MB. Baseline: the ORM way, one
   full_clean() + save() per row, on a sample;
3. start `g60 serve` (uWSGI, --workers) on a free loopback port and send GET /api/v1/enterprises with
   --clients concurrent client processes (bare sockets, see timed_get): a mix of CJK substrings of 1, 2 and 3+
   characters, USCC prefixes and filtered queries, p50/p95 per kind (target p95 <= 50 ms); then
   GET /api/v1/enterprises/{uscc} for --detail-requests distinct enterprises, p95 (target <= 10 ms). Baseline,
   on the same table in the same run: LIKE '%...%' on the name (and on the USCC), and a
   detail lookup that cannot use the index (UPPER(uscc) = ...), measured one by one in this process.
   Beside the searches: their CPU per request in the server's processes, PostgreSQL's backends (when the
   database runs on this machine) and the clients, and the requests per second.
"""

import argparse
import gc
import http.client
import json
import multiprocessing
import os
import random
import resource
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from machine import machine_line, process_cpu_seconds, process_tree
from scratch import scratch_folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
G60 = [sys.executable, "-m", "g60.cli"]

CJK_1 = ["芯", "链", "睿", "鼎", "航"]
CJK_2 = ["芯链", "华芯", "微电", "光电", "苏州"]
CJK_3 = ["华芯链科技", "半导体装备", "新能源有限", "智能装备有限公司"]
FILTERED = [
    {"city": "320500", "status": "active", "industry": "C3973"},
    {"q": "科技", "city": "330400"},
    {"q": "芯", "city": "340100", "status": "active"},
    {"year": "2010", "capital_min": "1000", "city": "310117"},
    {"industry": "I", "capital_max": "100", "sort": "-established_on"},
]


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="g60.settings",
        G60_HTTPS="false",
        SECRET_KEY=env.get("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"),
        PYTHONPATH=str(ROOT / "src"),
        DEBUG="false",
    )
    return env


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sample_usccs(rows: int, count: int, seed: int) -> list[str]:
    from g60.registry.generator import CITIES, _org_body
    from g60.registry.identifiers import uscc_build

    codes = list(CITIES)
    rng = random.Random(seed + 1)
    picks = [rng.randrange(rows) for _ in range(count)]
    return [uscc_build(authority="9", kind="1", division=codes[i % 9], org_body=_org_body(i, seed)) for i in picks]


def timed_get(port: int, path: str, client: str = "socket") -> tuple[float, int, bytes]:
    """One GET on a new connection, timed from connecting to the last byte of the answer.

    Written on a bare socket, not http.client: the clients share the machine's two cores with the server, and
    http.client's request building and header parsing (email.parser) cost 0.40 ms of CPU a request against 0.1
    here, taken from the server (`--client http.client` measures that way, for comparison)."""
    if client == "http.client":
        return timed_get_http_client(port, path)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode("ascii")
    chunks = []
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(request)
        while data := sock.recv(65536):
            chunks.append(data)
        elapsed = time.perf_counter() - start
    head, _blank, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in header_lines)}
    # The server answers with a length (and closes the connection after it): a short body is a failure.
    if "content-length" in headers and int(headers["content-length"]) != len(body):
        raise OSError(f"GET {path}: {len(body)} bytes of {headers['content-length']}")
    return elapsed, int(status_line.split(" ", 2)[1]), body


def timed_get_http_client(port: int, path: str) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, response.status, body


@dataclass
class Load:
    """What run_load measured: each kind's response times, the clients' CPU seconds and the seconds from the
    first request's start to the last one's end."""

    times: dict[str, list[float]]
    client_cpu: float
    wall: float


def _client(
    port: int, jobs: list[tuple[str, str]], client: str, next_job: Any, start: Any, finish: Any, out: Any
) -> None:
    """One client process: take the next job until none is left (closed loop), send back what it measured.

    It starts when every client is ready and sends its report (and exits) when every client is done, so that no
    client's start-up or exit takes CPU from another's measured requests."""
    start.wait()
    cpu, first = time.process_time(), time.perf_counter()
    done: list[tuple[str, float, str]] = []
    while True:
        with next_job.get_lock():
            index = next_job.value
            next_job.value = index + 1
        if index >= len(jobs):
            break
        kind, path = jobs[index]
        elapsed, status, body = timed_get(port, path, client)
        done.append((kind, elapsed, "" if status == 200 else f"{status} {path} {body[:200]!r}"))
    report = (done, time.process_time() - cpu, first, time.perf_counter())
    finish.wait()
    out.put(report)


def run_load(port: int, jobs: list[tuple[str, str]], clients: int, client: str) -> Load:
    """`jobs` sent by `clients` concurrent clients, each a process of its own that sends its next request when its
    last is answered. Processes, not threads: independent clients, as on other machines. Threads of one process
    take turns on its GIL, and a response waited for the GIL before its time was taken (detail on SQLite, 4,000
    look-ups, alternating: p95 7.8-7.9 ms with 8 threads, 6.6 with 8 processes, at the same server CPU).

    The measured requests start once every client process is running and end before any reports or exits: the
    first and last requests of a run were slowed by the clients' own start-up and exit (500 detail look-ups on
    PostgreSQL, the slowest 5 % clustered in a run's first and last milliseconds; six alternating pairs: max
    14.3-18.8 → 7.6-12.1 ms, p95 5.9-7.8 → 5.3-6.5 ms). The parent's objects are frozen out of the garbage
    collector first, so that a child's collection does not copy the pages it inherited (gc.freeze's purpose)."""
    context = multiprocessing.get_context("fork")  # the children need nothing but this module's functions
    next_job, out = context.Value("l", 0), context.SimpleQueue()
    start, finish = context.Barrier(clients + 1), context.Barrier(clients)
    processes = [
        context.Process(target=_client, args=(port, jobs, client, next_job, start, finish, out)) for _ in range(clients)
    ]
    gc.freeze()
    try:
        for process in processes:
            process.start()
        start.wait()
        reports = [out.get() for _ in processes]
        for process in processes:
            process.join()
    finally:
        gc.unfreeze()
    times: dict[str, list[float]] = {}
    failures = []
    for done, _cpu, _first, _last in reports:
        for kind, elapsed, failure in done:
            times.setdefault(kind, []).append(elapsed)
            if failure:
                failures.append(failure)
    if failures:
        print(f"  {len(failures)} requests failed, e.g. {failures[0]}")
    wall = max(report[3] for report in reports) - min(report[2] for report in reports)
    return Load(times, sum(report[1] for report in reports), wall)


def load_with_cpu(what: str, port: int, jobs: list[tuple[str, str]], args: Any, server_pid: int) -> Load:
    """run_load, and where its CPU went (the 2 cores are shared by the clients, the server and the database): CPU
    seconds of the server's processes, of PostgreSQL's backends and of the clients, printed per request. A
    request's latency under 8 closed-loop clients is about 8 x its CPU / 2 cores, so this says what bounds it."""
    server_pids = process_tree(server_pid)
    before = {pid: process_cpu_seconds([pid]) for pid in [*server_pids, *database_backends()]}
    load = run_load(port, jobs, args.clients, args.client)
    backends = set(database_backends()) | (set(before) - set(server_pids))
    used = {pid: process_cpu_seconds([pid]) - before.get(pid, 0.0) for pid in [*server_pids, *backends]}

    def per_request_ms(seconds: float) -> str:
        return f"{seconds / len(jobs) * 1000:.1f} ms"

    database = per_request_ms(sum(used[p] for p in backends)) if backends else "- (in the server)"
    print(
        f"CPU per {what} request: server {per_request_ms(sum(used[p] for p in server_pids))}, "
        f"PostgreSQL {database}, clients {per_request_ms(load.client_cpu)}; {len(jobs) / load.wall:.0f} requests/s"
    )
    return load


def database_backends() -> list[int]:
    """PostgreSQL: the server processes of the other connections to this database (the served workers'),
    when the database runs on this machine; SQLite runs inside the workers."""
    from django.db import connection

    host = connection.settings_dict["HOST"]
    # This machine's server: over TCP on the loopback, or over a Unix-domain socket (a directory as the host).
    if connection.vendor != "postgresql" or not (host in {"127.0.0.1", "localhost", ""} or host.startswith("/")):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [pid for (pid,) in cursor.fetchall()]
    connection.close()
    return pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--seed", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument(
        "--client", choices=["socket", "http.client"], default="socket", help="how a client sends its requests"
    )
    parser.add_argument("--workers", type=int, default=3, help="server workers (uWSGI processes)")
    parser.add_argument("--requests", type=int, default=50, help="requests per query kind")
    parser.add_argument("--detail-requests", type=int, default=500, help="detail look-ups (distinct enterprises)")
    parser.add_argument("--baseline-queries", type=int, default=5, help="naive baseline queries per kind")
    parser.add_argument("--skip-import", action="store_true", help="reuse the rows already in the database")
    args = parser.parse_args()

    workdir = scratch_folder("g60-bench-registry-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    env = env_for(url)
    os.environ.update(env)
    if url.startswith("postgres"):
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from onenetwork import create_postgres_database

        create_postgres_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from g60.registry.models import Enterprise

    print(f"database: {connection.vendor} ({url.split('@')[-1]}); rows: {args.rows:,}; cores: {os.cpu_count()}")
    print(machine_line(url))
    summary: list[tuple[str, str, str, str]] = []

    if not args.skip_import:
        # A stopped earlier run may have left the register's indexes set aside: make them again before the
        # job that lists them is emptied away.
        from g60.registry.import_indexes import indexes_restore
        from g60.registry.models import ImportJob

        for job in ImportJob.objects.exclude(deferred_indexes=[]):
            indexes_restore(job)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "TRUNCATE registry_enterprisechange, registry_enterpriseformername, registry_importrowerror, "
                    "registry_importjob, registry_enterprise CASCADE"
                )
            else:
                for table in ("registry_enterprisechange", "registry_enterpriseformername", "registry_importrowerror",
                              "registry_importjob", "registry_enterprise"):  # fmt: skip
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
                cursor.execute("INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('rebuild')")
        connection.close()
        csv_path = workdir / "enterprises.csv"
        start = time.perf_counter()
        subprocess.run(
            [*G60, "generate-enterprises", str(args.rows), "--seed", str(args.seed), "--csv", str(csv_path)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        size_mb = csv_path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows in {time.perf_counter() - start:.1f} s ({size_mb:.0f} MB)")

        start = time.perf_counter()
        done = subprocess.run(
            [*G60, "import-enterprises", str(csv_path), "--quiet"], env=env, check=True, capture_output=True, text=True
        )
        elapsed = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rate = args.rows / elapsed
        print(f"import: {done.stdout.strip().splitlines()[-1]}")
        print(f"import: {rate:,.0f} rows/s ({elapsed:.1f} s, process start included); peak memory {peak_mb:.0f} MB")

        # Baseline: the ORM way on a sample (full_clean + save per row, one transaction).
        from django.db import transaction

        from g60.registry.generator import generate
        from g60.registry.importing import validate_row

        sample = list(generate(2000, seed=args.seed + 99, start=10**8))
        start = time.perf_counter()
        with transaction.atomic():
            for g in sample:
                row = Enterprise(
                    uscc=g.uscc, name=g.name, name_en=g.name_en, city_id=g.city_code, type=g.type, status=g.status,
                    established_on=g.established_on, registered_capital_wan=g.registered_capital_wan,
                    legal_representative=g.legal_representative, industry_code=g.industry_code, address=g.address,
                    business_scope=g.business_scope, source="import",
                )  # fmt: skip
                row.full_clean()
                row.save()
            transaction.set_rollback(True)
        naive_rate = len(sample) / (time.perf_counter() - start)
        print(f"baseline import (full_clean + save per row, {len(sample)} rows, rolled back): {naive_rate:,.0f} rows/s")
        assert validate_row  # the import's own validation is what the fast path runs
        summary.append(("import rows/s (>= 20,000)", f"{rate:,.0f}", f"{naive_rate:,.0f}", f"{rate / naive_rate:.1f}x"))
        summary.append(("import peak memory MB (<= 300)", f"{peak_mb:.0f}", "-", "-"))

    count = Enterprise.objects.count()
    print(f"enterprises in the register: {count:,}")
    connection.close()

    port = free_port()
    server = subprocess.Popen(
        [*G60, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                if timed_get(port, "/healthz")[1] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        usccs = sample_usccs(min(args.rows, count), args.requests + args.detail_requests, args.seed)
        rng = random.Random(args.seed)

        def api(params: dict[str, str]) -> str:
            return "/api/v1/enterprises?" + urllib.parse.urlencode({**params, "limit": "20"})

        jobs: list[tuple[str, str]] = []
        for i in range(args.requests):
            jobs.append(("CJK 1 character", api({"q": rng.choice(CJK_1)})))
            jobs.append(("CJK 2 characters", api({"q": rng.choice(CJK_2)})))
            jobs.append(("CJK 3+ characters", api({"q": rng.choice(CJK_3)})))
            jobs.append(("USCC prefix", api({"q": usccs[i][: rng.choice((8, 10, 12, 14))]})))
            jobs.append(("filtered", api(rng.choice(FILTERED))))
        rng.shuffle(jobs)
        # Warm every worker and its database connection outside the measurement: imports, connections, and what
        # each kind of search loads on its first use (the server's process caches, the PostgreSQL backend's
        # catalogue caches for each table and index): every distinct search of the mix, once per worker. Eight
        # requests (the earlier warm-up) left some of that to the measured ones: alternating runs on PostgreSQL,
        # CPU per search 3.5-3.7 + 4.9-5.0 ms (server + database) → 3.1-3.3 + 4.4-4.6 ms, p95 50.8 / 50.7 →
        # 48.5 / 47.2 ms.
        run_load(port, sorted(set(jobs)) * args.workers, args.clients, args.client)
        search = load_with_cpu("search", port, jobs, args, server.pid).times
        # 500 look-ups of distinct enterprises (100 before, 50 twice: the p95 was the fifth slowest, and moved by
        # 2-4 ms between runs of the same code).
        detail_jobs = [("detail", f"/api/v1/enterprises/{u}") for u in usccs[args.requests :]]
        # Warm the detail's code in every worker too, with other enterprises (the searches' USCC prefixes'): the
        # first detail in a worker pays one-off costs (its statement built, modules imported) that queued the
        # clients behind it and made most of the detail's p95 on PostgreSQL (18-20 ms with a p50 of 6.5-7).
        run_load(
            port, [("detail", f"/api/v1/enterprises/{u}") for u in usccs[: args.workers * 4]], args.clients, args.client
        )
        detail = load_with_cpu("detail", port, detail_jobs, args, server.pid).times["detail"]
        # One sanity check: the example answers through the server.
        body = json.loads(timed_get(port, api({"q": "芯链"}))[2])
        print(f"q=芯链: {body['count']:,} enterprises, e.g. {body['items'][0]['name'] if body['items'] else '-'}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    # Naive baselines on the same table, one query at a time in this process.
    from django.db.models import Q

    def naive(queryset_for: object, queries: list[str]) -> list[float]:
        times = []
        for q in queries[: args.baseline_queries]:
            start = time.perf_counter()
            qs = queryset_for(q)  # type: ignore[operator]
            list(qs.order_by("uscc")[:20])
            qs.count()
            times.append(time.perf_counter() - start)
        return times

    base_cjk = naive(lambda q: Enterprise.objects.filter(archived=False, name__contains=q), CJK_1 + CJK_2 + CJK_3)
    base_uscc = naive(
        lambda q: Enterprise.objects.filter(Q(uscc__contains=q) | Q(name__contains=q)), [u[:10] for u in usccs]
    )
    base_detail = []
    for u in usccs[: args.baseline_queries * 4]:
        start = time.perf_counter()
        Enterprise.objects.filter(uscc__iexact=u).first()
        base_detail.append(time.perf_counter() - start)

    all_search = [t for times in search.values() for t in times]
    cjk = search["CJK 1 character"] + search["CJK 2 characters"] + search["CJK 3+ characters"]

    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p) * 1000:,.1f}"

    def ratio(base: list[float], ours: list[float], p: float) -> str:
        return f"{percentile(base, p) / percentile(ours, p):.1f}x"

    print(f"\nHTTP API, {args.clients} concurrent clients, {args.workers} server workers")
    for kind, times in [*sorted(search.items()), ("all search", all_search), ("detail", detail)]:
        print(f"  {kind:<20} n={len(times):<4} p50 {ms(times, 50):>8} ms  p95 {ms(times, 95):>8} ms")

    summary.append(("search p95 ms, all kinds (<= 50)", ms(all_search, 95), "-", "-"))
    for kind in ("CJK 1 character", "CJK 2 characters", "CJK 3+ characters", "USCC prefix", "filtered"):
        summary.append((f"  {kind} p95 ms", ms(search[kind], 95), "-", "-"))
    summary.append(("CJK search p50 ms vs LIKE '%q%'", ms(cjk, 50), ms(base_cjk, 50), ratio(base_cjk, cjk, 50)))
    summary.append(
        ("USCC prefix p50 ms vs LIKE '%p%'", ms(search["USCC prefix"], 50), ms(base_uscc, 50),
         ratio(base_uscc, search["USCC prefix"], 50))
    )  # fmt: skip
    summary.append(
        ("detail p95 ms (<= 10) vs UPPER(uscc)=", ms(detail, 95), ms(base_detail, 95), ratio(base_detail, detail, 95))
    )
    print(f"\nSummary ({connection.vendor}, {count:,} enterprises; baselines are in-process, without HTTP)")
    print(f"  {'figure':<40} {'measured':>12} {'baseline':>12} {'ratio':>8}")
    for label, value, base, times in summary:
        print(f"  {label:<40} {value:>12} {base:>12} {times:>8}")
    print(machine_line(url))


if __name__ == "__main__":
    main()
