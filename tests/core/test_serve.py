"""`g60 serve`: uWSGI with the project's options; its master loads g60.serving (the URL configuration loaded, no
connection open, what is alive frozen, so full garbage collections skip the application's objects) and forks the
workers from it."""

import gc
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from g60.core.management.commands.serve import uwsgi_argv

ROOT = Path(__file__).resolve().parents[2]


def _started(monkeypatch: pytest.MonkeyPatch, **options: object) -> list[str]:
    started: list[list[str]] = []
    monkeypatch.setattr("os.execv", lambda path, argv: started.append([path, *argv]))
    call_command("serve", **options)
    ((path, *argv),) = started
    assert path == argv[0]
    return argv


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_serve_runs_uwsgi_with_the_projects_application(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = _started(monkeypatch, bind="127.0.0.1:8123", workers=2)
    assert argv[0] == str(Path(sys.executable).with_name("uwsgi")) and Path(argv[0]).exists()
    assert _option(argv, "--module") == "g60.serving:application"
    assert _option(argv, "--http-socket") == "127.0.0.1:8123"
    assert _option(argv, "--processes") == "2"
    # The master loads the application and forks the workers from it; they may run threads (the import page's).
    assert {"--strict", "--master", "--enable-threads", "--need-app"} <= set(argv)
    assert "--lazy-apps" not in argv


def test_a_unix_socket_is_given_to_uwsgi_as_its_path() -> None:
    assert _option(uwsgi_argv("unix:/run/g60/g60.sock", 3), "--http-socket") == "/run/g60/g60.sock"


@pytest.mark.django_db(transaction=True)  # outside a test's transaction, where close() would wait for its end
def test_a_ready_application_has_its_objects_frozen_and_no_connection_open() -> None:
    assert gc.get_freeze_count() == 0
    try:
        from django.db import connection

        from g60 import serving  # importing it readies this process as uWSGI's master

        connection.ensure_connection()
        serving.load_and_freeze()
        # (On PostgreSQL; Django never closes an in-memory SQLite database, which lives only in its connection.)
        assert connection.connection is None or connection.is_in_memory_db()
        # Everything alive is frozen: the URL configuration (imported by load_and_freeze) included.
        assert gc.get_freeze_count() > 10_000
        assert "g60.registry.api" in sys.modules
        assert callable(serving.application)
    finally:
        gc.unfreeze()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_server_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    """The real server with the real options (`--strict` refuses one uWSGI does not know): it serves the health
    check, and SIGTERM (what a service manager sends) stops the master and its workers."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g60.sqlite3'}",
        "SECRET_KEY": "serve-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789",
        "G60_HTTPS": "false",
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "g60.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "g60.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    status = response.status
                    break
            except OSError:
                time.sleep(0.2)
        assert status == 200, server.stdout.read().decode() if server.poll() is not None and server.stdout else ""
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise AssertionError(server.stdout.read().decode() if server.stdout else "") from None
        assert server.returncode == 0
        output = server.stdout.read().decode() if server.stdout else ""
        assert f"127.0.0.1:{port}" in output and "graceful shutdown" in output
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
