"""The database settings for a DATABASE_URL: SQLite gets WAL, immediate transactions and a busy timeout."""

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import environ

SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy timeout instead of one failing
    # with "database is locked" halfway through its transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    # WAL lets readers go on while one writer writes; NORMAL sync is safe with WAL. A page cache of up to 32 MiB
    # per connection (SQLite's default is 2 MiB; pages are allocated as they are read): connections persist
    # (CONN_MAX_AGE), and a search reading a few thousand rows of a million-row register then finds most of its
    # pages in the cache instead of asking the operating system for each (1,001 rows counted through an index:
    # 5.9 → 1.8 ms).
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768;"
    ),
}

POSTGRES_OPTIONS = {
    # Planning a query costs PostgreSQL more than running it for the short indexed lookups this platform makes
    # (≈ 0.2 ms against 0.05 ms for the licence lookup). Django binds parameters on the client by default, which
    # rules out prepared statements; with server-side binding, psycopg prepares a statement after its fifth
    # execution on a connection (at most 100 per connection, least recently used dropped), and the server plans
    # it once. PostgreSQL still plans the first five executions for their values and keeps a generic plan only
    # when it is not dearer than those (plan_cache_mode = auto).
    "server_side_binding": True,
    "prepare_threshold": 5,
    # No parallel workers for one query: the platform's queries are short and many run side by side, so a
    # query's workers take the cores other requests need, and starting them costs more than they save (a
    # register search's first page on a million rows: 7.8 ms with two workers, 0.9 ms without).
    "options": "-c max_parallel_workers_per_gather=0",
}


def database_config(url: str, *, conn_max_age: int = 60) -> dict[str, Any]:
    config: dict[str, Any] = environ.Env.db_url_config(url)
    # Persistent connections (checked before reuse): opening one per request costs a TCP handshake and
    # authentication on PostgreSQL, and on SQLite reopening the file, reading its schema and the PRAGMAs above,
    # several milliseconds that a register lookup (well under one) should not pay.
    config["CONN_MAX_AGE"] = conn_max_age
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
        # Django's backend with write transactions queued on a file lock (g60/sqlite_backend/base.py).
        config["ENGINE"] = "g60.sqlite_backend"
        if config["NAME"] not in ("", ":memory:"):
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)
        # A Unix-domain socket is given as a percent-encoded directory (postgres://user@%2Fvar%2Frun%2Fpostgresql/db),
        # which django-environ passes on still encoded.
        config["HOST"] = unquote(config.get("HOST") or "")
        # Django's backend with a health check that sends nothing (g60/postgresql_backend/base.py).
        config["ENGINE"] = "g60.postgresql_backend"
    return config
