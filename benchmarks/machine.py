"""How fast this machine is right now, printed by the benchmarks before and after their figures.

The 2-core machine is a virtual one whose speed changes from one session to the next and within one: on
2026-12-01 the same code ran 52.7-54.8 one-network cases/s on PostgreSQL at 13:20 UTC and 34.8-41.9 at 13:30,
while a pure-Python loop got faster, not slower. What moved was the cost of waking another process (a pipe round
trip 30-54 µs, a PostgreSQL `SELECT 1` 70-144 µs), which a workload of many short statements pays on every one. So
a run prints three probes beside its figures:

- the CPU: 10 million additions in a Python loop, one process (seconds);
- waking another process: a one-byte pipe round trip between two processes (µs, median of 2,000);
- the database round trip: `SELECT 1` on a new psycopg connection (µs, median of 2,000), PostgreSQL only.

    .venv/bin/python benchmarks/machine.py [--database-url postgres://postgres@127.0.0.1:5432/test]
"""

import argparse
import os
import statistics
import time
from pathlib import Path


def cpu_loop_seconds() -> float:
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def pipe_round_trip_us(rounds: int = 2000) -> float:
    """The median time for a byte to go to a child process and back (both wake-ups included)."""
    to_child, from_parent = os.pipe()
    from_child, to_parent = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            for _ in range(rounds):
                os.read(to_child, 1)
                os.write(to_parent, b"x")
        finally:
            os._exit(0)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        os.write(from_parent, b"x")
        os.read(from_child, 1)
        times.append(time.perf_counter() - start)
    os.waitpid(pid, 0)
    for fd in (to_child, from_parent, from_child, to_parent):
        os.close(fd)
    return statistics.median(times) * 1e6


def postgres_round_trip_us(url: str, rounds: int = 2000) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(100):
            conn.execute("SELECT 1")
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def _stat_fields(path: Path) -> list[str] | None:
    """A /proc/PID/stat line's fields after "pid (comm)": state is [0], the parent's pid [1], utime [11], stime
    [12]. None when the process is gone."""
    try:
        return path.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used so far (Linux /proc; a process gone counts 0)."""
    ticks = 0
    for pid in pids:
        if (fields := _stat_fields(Path(f"/proc/{pid}/stat"))) is not None:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """`root` and its children (a server's master and its workers), from /proc."""
    children = [
        int(stat.parent.name)
        for stat in Path("/proc").glob("[0-9]*/stat")
        if (fields := _stat_fields(stat)) is not None and int(fields[1]) == root
    ]
    return [root, *children]


def machine_line(database_url: str = "") -> str:
    """One line describing the machine now (see the module's docstring)."""
    parts = [f"CPU loop {cpu_loop_seconds():.2f} s", f"pipe round trip {pipe_round_trip_us():.0f} µs"]
    if database_url.startswith("postgres"):
        parts.append(f"PostgreSQL SELECT 1 {postgres_round_trip_us(database_url):.0f} µs")
    return "machine now: " + ", ".join(parts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    print(machine_line(parser.parse_args().database_url))
