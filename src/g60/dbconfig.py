"""The database settings for a DATABASE_URL: SQLite gets WAL, immediate transactions and a busy timeout."""

from pathlib import Path
from typing import Any

import environ

SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy timeout instead of one failing
    # with "database is locked" halfway through its transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    # WAL lets readers go on while one writer writes; NORMAL sync is safe with WAL.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
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
        if config["NAME"] not in ("", ":memory:"):
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return config
