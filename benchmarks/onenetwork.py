"""Complete one-network cases through the services, draft → licence issued (USCC, enterprise registered, signed
e-licence, PDF rendered and written), and licence verification, each beside its target/baseline.

    .venv/bin/python benchmarks/onenetwork.py                 # a fresh SQLite file in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_onenet .venv/bin/python benchmarks/onenetwork.py

The PostgreSQL database is created if missing and must be empty or hold an earlier run of this script
(it is migrated, and the benchmark's users are reused). Figures:
- complete cases per second (one process, or --workers processes side by side) against the target of 50 cases/s,
  and the p50/p95 of each step (create with shareholders and name check, PDF upload, submit, accept, start
  examination, approve = licence issue with USCC allocation, registration, signature, PDF render and file write);
- on SQLite, the time per case inside the writer lock, and the ceiling it sets on cases per second;
- verifications per second of `licence_verify` (signature + licence record + revocation) against the
  signature-only `token_verify` baseline and the target of 2,000/s.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from machine import machine_line
from scratch import scratch_folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
# Characters common in trade names, none of them part of a word the name rules forbid (names_data.FORBIDDEN_WORDS,
# NATIONAL_PREFIXES). 210 of them, as a city's names are written with hundreds of characters: with the 17 this
# benchmark once used, every name in the register held the same few characters, so the name check's look-up
# (names at the authority holding the trade name) read every name in the city on each check, and each run
# was slower than the one before on the same database.
SYLLABLES = (
    "明华德星远航天瑞宏泰丰盛嘉信诚晟源安邦博创达鼎东方飞凤富港汉和恒弘鸿辉汇吉佳建江锦景久俊凯康坤蓝乐力联良林"
    "隆茂美敏南宁鹏平奇启千强青庆荣润森山尚深胜时世舒顺腾通同万旺威维伟文祥翔鑫兴雄旭亚扬耀亿益银英永优宇裕元云"
    "泽展正致智众卓宝北昌辰成驰川春纯聪丹迪都帆峰福甘高格广海行浩禾虹环惠基坚捷晶精巨君开楷朗雷立利亮灵路伦迈铭"
    "诺欧培浦齐祺谦桥清秋全仁日容锐赛升圣实水思松索唐特铁拓闻希欣新轩雅炎阳业逸盈友于玉悦越韵哲振知志洲竹子"
)
TARGET_CASES = 50.0
TARGET_VERIFY = 2000.0


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g60.settings")
    os.environ.setdefault("G60_HTTPS", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if "MEDIA_ROOT" not in os.environ:
        os.environ["MEDIA_ROOT"] = str(scratch_folder("g60-bench-media-"))
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch_folder('g60-bench-onenetwork-')}/bench.sqlite3"
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        create_postgres_database(os.environ["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if os.environ["DATABASE_URL"].startswith("postgres") and not os.environ.get("G60_BENCH_NO_VACUUM"):
        # What autovacuum does on a server with its default settings (this machine's PostgreSQL runs without
        # it): the previous runs' rows leave the GIN index a pending list to read through on every name check,
        # and the planner without statistics, so each run on the same database would start slower.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def create_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def trade_name(index: int) -> str:
    """Distinct three-or-more-character trade names (the index in base len(SYLLABLES), plus a fixed last
    character)."""
    chars = []
    for _ in range(3):
        index, digit = divmod(index, len(SYLLABLES))
        chars.append(SYLLABLES[digit])
    while index:
        index, digit = divmod(index, len(SYLLABLES))
        chars.append(SYLLABLES[digit])
    return "".join(chars) + "科"


NAME_PREFIX, NAME_SUFFIX = "上海", "科信息技术有限公司"


def trade_index(name: str) -> int | None:
    """The index `trade_name` made the name of a benchmark application from, or None for another name."""
    if not (name.startswith(NAME_PREFIX) and name.endswith(NAME_SUFFIX)):
        return None
    index = 0
    for position, char in enumerate(name[len(NAME_PREFIX) : -len(NAME_SUFFIX)]):
        digit = SYLLABLES.find(char)
        if digit < 0:
            return None
        index += digit * len(SYLLABLES) ** position
    return index


def first_unused_index() -> int:
    """Fresh trade names on a reused database: one past the highest index any earlier run used (a run that
    failed half-way included), read back from the applications' names."""
    from g60.onenetwork.models import Application

    names = Application.objects.filter(name__startswith=NAME_PREFIX, name__endswith=NAME_SUFFIX)
    used = [i for i in map(trade_index, names.values_list("name", flat=True).iterator()) if i is not None]
    return max(used, default=-1) + 1


def actors(run_tag: str) -> tuple[Any, Any, Any]:
    from g60.accounts.models import Membership, User

    def user(name: str, role: str, city: str | None) -> Any:
        u, _ = User.objects.get_or_create(username=f"bench-{name}", defaults={"email": f"{name}@bench.example.cn"})
        Membership.objects.get_or_create(user=u, role=role, city_id=city)
        return u

    return (
        user("applicant", "applicant", None),
        user("clerk", "clerk", "330400"),
        user("examiner", "examiner", "310117"),
    )


def resident_id() -> str:
    first17 = "33040219850312001"
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STEPS = ["create", "upload", "submit", "accept", "start_examination", "approve_and_issue"]


def one_case(index: int, applicant: Any, clerk: Any, examiner: Any, timings: dict[str, list[float]]) -> str:
    from g60.onenetwork import services

    rid = resident_id()

    def timed(step: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = fn()
        timings[step].append(time.perf_counter() - start)
        return result

    values = {
        "name": f"{NAME_PREFIX}{trade_name(index)}{NAME_SUFFIX[1:]}",
        "domicile_city": "310117",
        "window_city": "330400",
        "form": "company",
        "registered_capital_wan": "100",
        "legal_representative": "张明",
        "legal_representative_id_number": rid,
        "address": "上海市松江区广富林路 1 号",
        "industry_code": "I6513",
        "business_scope": "软件开发",
    }
    holders = [
        {"name": "张明", "kind": "person", "id_number": rid, "share_percent": "60"},
        {"name": "华为技术有限公司", "kind": "legal_entity", "id_number": "914403001922038216", "share_percent": "40"},
    ]
    a = timed("create", lambda: services.application_create(acting_user=applicant, values=values, shareholders=holders))
    timed(
        "upload",
        lambda: services.document_add(
            acting_user=applicant,
            application=a,
            kind="articles",
            filename="a.pdf",
            content=PDF,
            content_type="application/pdf",
        ),
    )
    a = timed("submit", lambda: services.application_submit(acting_user=applicant, application=a))
    a = timed("accept", lambda: services.application_accept(acting_user=clerk, application=a))
    a = timed("start_examination", lambda: services.application_start_examination(acting_user=examiner, application=a))
    a = timed("approve_and_issue", lambda: services.application_approve(acting_user=examiner, application=a))
    return a.licence.token  # type: ignore[no-any-return]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


Result = tuple[dict[str, list[float]], list[str], float, float, float]


def locked_time_counter() -> list[float]:
    """On SQLite, a one-element list that adds up the seconds this process holds the writer lock (the queue in
    g60/sqlite_backend, taken for every write transaction): only one case at a time can be inside it, so
    1 / (locked seconds per case) is the most cases per second any number of processes can run."""
    held = [0.0]
    from django.db import connection

    if connection.vendor != "sqlite":
        return held
    from g60.sqlite_backend.base import DatabaseWrapper

    take, release = DatabaseWrapper._take_writer_lock, DatabaseWrapper._release_writer_lock
    since: dict[int, float] = {}

    def timed_take(self: Any) -> None:
        holding = self._writer_lock is not None
        take(self)
        if not holding:
            since[id(self)] = time.perf_counter()

    def timed_release(self: Any) -> None:
        if self._writer_lock is not None and id(self) in since:
            held[0] += time.perf_counter() - since.pop(id(self))
        release(self)

    DatabaseWrapper._take_writer_lock = timed_take  # type: ignore[method-assign]
    DatabaseWrapper._release_writer_lock = timed_release  # type: ignore[method-assign]
    return held


def worker(args: tuple[int, int, int, Any]) -> Result:
    """One process running `count` complete cases after a warm-up; returns its timings, tokens, time span and
    seconds inside the SQLite writer lock."""
    try:
        return _worker(args)
    except Exception as exc:
        barrier = args[3]
        if barrier is not None:
            # The other processes wait at the barrier for this one: break it, or the run would wait forever.
            barrier.abort()
        # As plain text: a Django ValidationError does not survive the trip back through the pool's pipe, and
        # the pool would then wait forever instead of reporting it.
        raise RuntimeError(f"worker {args[0]}: {exc!r}") from None


def _worker(args: tuple[int, int, int, Any]) -> Result:
    _index, first, count, barrier = args
    from django.db import connection

    connection.close()  # never share the parent's connection
    held = locked_time_counter()
    applicant, clerk, examiner = actors("")
    warm: dict[str, list[float]] = {s: [] for s in STEPS}
    for i in range(2):
        one_case(first + i, applicant, clerk, examiner, warm)
    timings: dict[str, list[float]] = {s: [] for s in STEPS}
    tokens = []
    if barrier is not None:
        barrier.wait()
    held[0] = 0.0
    start = time.time()
    for i in range(count):
        tokens.append(one_case(first + 2 + i, applicant, clerk, examiner, timings))
    end = time.time()
    locked = held[0]
    connection.close()
    return timings, tokens, start, end, locked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="complete cases")
    parser.add_argument("--workers", type=int, default=1, help="processes running cases side by side")
    parser.add_argument("--verifications", type=int, default=5000)
    args = parser.parse_args()
    setup()
    from django.db import connection, connections

    from g60.onenetwork.verification import licence_verify
    from g60.signing.verify import token_verify

    actors("")
    offset = first_unused_index()
    where = os.environ["DATABASE_URL"].split("@")[-1]
    print(f"One network on {connection.vendor} ({where}), {args.n} cases, {args.workers} process(es)")
    print(machine_line(os.environ["DATABASE_URL"]))
    share = args.n // args.workers
    if args.workers == 1:
        results = [worker((0, offset, args.n, None))]
    else:
        import multiprocessing

        connections.close_all()
        context = multiprocessing.get_context("fork")
        barrier = context.Manager().Barrier(args.workers)
        jobs = [(w, offset + w * (share + 2), share, barrier) for w in range(args.workers)]
        with context.Pool(args.workers) as pool:
            results = pool.map(worker, jobs)
    timings: dict[str, list[float]] = {s: [] for s in STEPS}
    tokens: list[str] = []
    for part, part_tokens, _start, _end, _locked in results:
        for step in STEPS:
            timings[step] += part[step]
        tokens += part_tokens
    elapsed = max(r[3] for r in results) - min(r[2] for r in results)
    per_second = len(tokens) / elapsed
    verdict = "OK" if per_second >= TARGET_CASES else "BELOW TARGET"
    print(
        f"  complete cases (draft → licence issued)      {per_second:>8.1f} /s   target {TARGET_CASES:.0f} /s   "
        f"({len(tokens)} in {elapsed:.2f} s) {verdict}"
    )
    locked = sum(r[4] for r in results)
    if locked:
        per_case = locked / len(tokens)
        print(
            f"  inside the SQLite writer lock                {per_case * 1000:>8.2f} ms a case "
            f"(one case at a time: at most {1 / per_case:,.0f} cases/s)"
        )
    print(f"  {'step':<28} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for step in STEPS:
        values = timings[step]
        print(
            f"  {step:<28} {pct(values, 0.5) * 1000:>8.2f} {pct(values, 0.95) * 1000:>8.2f} "
            f"{statistics.mean(values) * 1000:>8.2f}"
        )

    def verify_rate(label: str, fn: Callable[[str], Any]) -> float:
        fn(tokens[0])
        n = args.verifications
        t0 = time.perf_counter()
        for i in range(n):
            fn(tokens[i % len(tokens)])
        rate = n / (time.perf_counter() - t0)
        print(f"  {label:<44} {rate:>8,.0f} /s")
        return rate

    baseline = verify_rate("verification baseline: token_verify only", lambda t: token_verify(t))
    full = verify_rate("licence_verify (signature + record + revoked)", lambda t: licence_verify(token=t))
    assert all(licence_verify(token=t).valid for t in tokens[:20])
    print(
        f"  verification target {TARGET_VERIFY:,.0f} /s: {'OK' if full >= TARGET_VERIFY else 'BELOW TARGET'}"
        f" (the record lookup costs {100 * (1 - full / baseline):.0f} % of the signature-only rate)"
    )
    print(machine_line(os.environ["DATABASE_URL"]))


if __name__ == "__main__":
    main()
