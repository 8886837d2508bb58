"""Kill the server while submissions are in flight: no acknowledged application is lost, none is duplicated.

    .venv/bin/python benchmarks/onenetwork_crash.py [--cases 120] [--clients 6] [--kills 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/onenetwork_crash.py

A real server (`g60 serve`) serves a database of its own (a temporary SQLite file, or a scratch PostgreSQL database
created next to the one DATABASE_URL names). Client threads each run cases through the API as a city system
would: create the application (Idempotency-Key), upload a PDF, submit (Idempotency-Key), retrying every step on
a dropped connection or a 5xx with the SAME key until it is acknowledged. Meanwhile the whole server process group
is killed with SIGKILL several times and restarted. At the end the database is read directly and the run fails
(exit 1) unless, for every case:
  - exactly one application carries its name (no duplicate from a retried create),
  - every acknowledged create is there with the id the client was given, and
  - every acknowledged submit left the application submitted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from scratch import scratch_folder

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Two-character trade names, distinct per case (an identical trade name at the same authority is refused).
TRADE_CHARS = "星云脑芯链合创智联达睿博腾昊瑞恒嘉华盛源锐卓宏远弘毅启航"


def _id_number(first17: str) -> str:
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


LEGAL_REP_ID = _id_number("31011719850312001")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scratch_database(base_url: str | None) -> tuple[str, object]:
    """A database for this run only, and a function that removes it."""
    if not base_url or base_url.startswith("sqlite"):
        return f"sqlite:///{scratch_folder('g60-crash-')}/crash.sqlite3", lambda: None
    import psycopg

    name = f"g60_crash_{os.getpid()}"
    parts = urlsplit(base_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


class Server:
    """`g60 serve` in its own process group, so that a kill takes the master and every worker at once."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(VENV_BIN / "g60"), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "3"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@dataclass
class Case:
    number: int
    name: str
    create_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    submit_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    application_id: str | None = None
    submitted: bool = False
    retries: int = 0


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token

    def call(self, case: Case, method: str, path: str, body: bytes, headers: dict[str, str]) -> dict[str, object]:
        """Send until the server answers with a success; a dropped connection or a 5xx is retried as is."""
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request(method, path, body=body, headers={"Authorization": f"Bearer {self.token}", **headers})
                response = conn.getresponse()
                payload = response.read()
                if response.status in (200, 201):
                    return dict(json.loads(payload))
                if response.status < 500:
                    raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
            except (OSError, http.client.HTTPException):
                pass  # the server is down or went down mid-request: try again
            case.retries += 1
            time.sleep(0.05)

    def run_case(self, case: Case) -> None:
        body = {
            "name": case.name,
            "domicile_city": "310117",
            "window_city": "330400",
            "form": "company",
            "registered_capital_wan": "500",
            "legal_representative": "张明",
            "legal_representative_id_number": LEGAL_REP_ID,
            "address": "上海市松江区广富林路 658 号",
            "industry_code": "I6513",
            "business_scope": "软件开发；技术服务",
            "shareholders": [{"name": "张明", "kind": "person", "id_number": LEGAL_REP_ID, "share_percent": "100"}],
        }
        created = self.call(
            case,
            "POST",
            "/api/v1/applications",
            json.dumps(body).encode(),
            {"Content-Type": "application/json", "Idempotency-Key": case.create_key},
        )
        case.application_id = str(created["id"])
        boundary = uuid.uuid4().hex
        form = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\narticles\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="articles.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + PDF
            + f"\r\n--{boundary}--\r\n".encode()
        )
        self.call(
            case,
            "POST",
            f"/api/v1/applications/{case.application_id}/documents",
            form,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        submitted = self.call(
            case,
            "POST",
            f"/api/v1/applications/{case.application_id}/submit",
            b"",
            {"Idempotency-Key": case.submit_key},
        )
        case.submitted = submitted.get("state") == "submitted"


def usable_names(client: Client, count: int) -> list[str]:
    """Distinct company names that pass the name rules against this database (the demo register may already
    hold some trade names), checked before the first kill."""
    names: list[str] = []
    for first in TRADE_CHARS:
        for second in TRADE_CHARS:
            if len(names) == count:
                return names
            name = f"上海{first}{second}科技有限公司"
            probe = Case(number=-1, name=name)
            check = client.call(
                probe,
                "POST",
                "/api/v1/applications/name-check",
                json.dumps({"name": name, "domicile_city": "310117", "industry_code": "I6513"}).encode(),
                {"Content-Type": "application/json"},
            )
            if check.get("ok"):
                names.append(name)
    raise RuntimeError(f"only {len(names)} usable names")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=120)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()
    if args.cases > len(TRADE_CHARS) ** 2 // 2:
        parser.error(f"at most {len(TRADE_CHARS) ** 2 // 2} cases")

    database_url, drop_database = scratch_database(os.environ.get("DATABASE_URL"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "G60_HTTPS": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", uuid.uuid4().hex * 2),
        "LOG_LEVEL": "WARNING",
    }
    g60 = str(VENV_BIN / "g60")
    subprocess.run([g60, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([g60, "load-demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    token = subprocess.run(
        [g60, "token", "applicant2"], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()

    port = free_port()
    server = Server(env, port)
    server.start()
    client = Client(port, token)
    cases = [Case(number=i, name=name) for i, name in enumerate(usable_names(client, args.cases))]
    queue = list(reversed(cases))
    lock = threading.Lock()
    failures: list[str] = []

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                case = queue.pop()
            try:
                client.run_case(case)
            except Exception as exc:  # reported below; the run fails
                failures.append(f"case {case.number}: {exc}")

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    # Kill while cases are in flight: spread the kills over the run, restarting right after each.
    for _ in range(args.kills):
        while True:
            with lock:
                remaining = len(queue)
            done = args.cases - remaining
            if done >= (server.kills + 1) * args.cases // (args.kills + 1) or remaining == 0:
                break
            time.sleep(0.02)
        server.kill()
        time.sleep(0.3)
        server.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server.stop()

    # Read the outcome straight from the database the server wrote.
    os.environ.update({"DATABASE_URL": database_url, "SECRET_KEY": env["SECRET_KEY"], "G60_HTTPS": "false"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g60.settings")
    import django

    django.setup()
    from g60.onenetwork.models import Application

    rows: dict[str, list[tuple[str, str]]] = {}
    for name, public_id, state in Application.objects.filter(name__in=[c.name for c in cases]).values_list(
        "name", "public_id", "state"
    ):
        rows.setdefault(name, []).append((str(public_id), state))
    lost = [
        c.number for c in cases if c.application_id and c.application_id not in {r[0] for r in rows.get(c.name, [])}
    ]
    duplicated = [c.number for c in cases if len(rows.get(c.name, [])) > 1]
    unsubmitted = [c.number for c in cases if c.submitted and any(s != "submitted" for _, s in rows.get(c.name, []))]
    acknowledged = sum(1 for c in cases if c.application_id)
    retries = sum(c.retries for c in cases)
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    drop_database()  # type: ignore[operator]

    print(f"database          {vendor}")
    print(f"cases             {args.cases} from {args.clients} clients in {elapsed:.1f} s")
    print(f"server kills      {server.kills} (SIGKILL to the whole server process group, then restart)")
    print(f"retried requests  {retries}")
    print(f"acknowledged      {acknowledged} created, {sum(1 for c in cases if c.submitted)} submitted")
    print(f"lost              {len(lost)}")
    print(f"duplicated        {len(duplicated)}")
    print(f"not submitted     {len(unsubmitted)}")
    for failure in failures:
        print("failure:", failure)
    ok = not (lost or duplicated or unsubmitted or failures) and acknowledged == args.cases and server.kills > 0
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
