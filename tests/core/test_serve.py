"""`g60 serve`: gunicorn with the project's settings module (g60/gunicorn_conf.py), whose worker hook loads the
URL configuration and freezes what is alive, so full garbage collections skip the application's objects."""

import gc
import sys

import pytest
from django.core.management import call_command

from g60 import gunicorn_conf


def test_serve_runs_gunicorn_with_the_projects_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    def execv(path: str, argv: list[str]) -> None:  # the process would become gunicorn here
        started.append(argv)

    monkeypatch.setattr("os.execv", execv)
    call_command("serve", bind="127.0.0.1:8123", workers=2)
    (argv,) = started
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "g60.wsgi:application"]
    assert argv[argv.index("--config") + 1] == "python:g60.gunicorn_conf"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "2"


def test_a_ready_worker_has_its_objects_frozen() -> None:
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=object())
        # Everything alive is frozen: the URL configuration (imported by the hook) included.
        assert gc.get_freeze_count() > 10_000
        assert "g60.registry.api" in sys.modules
    finally:
        gc.unfreeze()


def test_every_name_in_the_settings_module_is_a_gunicorn_setting() -> None:
    """gunicorn reads the module's names (vars(module)) and skips one it does not know without a word: a
    misspelt hook would never run."""
    from gunicorn.config import Config

    names = {name for name in vars(gunicorn_conf) if not name.startswith("_") and name not in {"gc", "Any"}}
    assert names == {"post_worker_init"}
    assert names <= set(Config().settings)
