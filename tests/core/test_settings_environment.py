"""Settings from the environment: a value that is no number or no yes/no stops the start-up with a message naming
the variable and what it accepts (django-environ alone gave ValueError naming neither, or read DEBUG=ture as
false); good values are read as written, and a variable left out keeps its default."""

import os
import subprocess
import sys

import pytest

# Variables these tests set, removed from the child's environment first so that this machine's own stay out.
_OURS = (
    *("DEBUG", "G60_HTTPS", "BEHIND_PROXY", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_AGE", "CONN_MAX_AGE"),
    *("AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES"),
)
_SHOWN = (
    "s.DEBUG, s.HTTPS, s.BEHIND_PROXY, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_AGE, "
    "s.DATABASES['default']['CONN_MAX_AGE'], s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds()"
)


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    """g60.settings loaded in a new process with `env`; its stdout: the values of _SHOWN."""
    # (The checkout's .env, which scripts/setup writes with SECRET_KEY alone, is read too; what is set here wins.)
    environment = {k: v for k, v in os.environ.items() if k not in _OURS}
    environment.update({"SECRET_KEY": "x" * 50, **env})
    return subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", f"from g60 import settings as s; print({_SHOWN})"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_good_values_are_read_and_missing_ones_keep_their_defaults() -> None:
    defaults = _settings(G60_HTTPS="true")
    assert defaults.stdout.split() == ["False", "True", "False", "31536000", "28800", "60", "5", "900.0"], defaults
    done = _settings(
        DEBUG="yes",
        G60_HTTPS="off",
        SECURE_HSTS_SECONDS=" 60 ",
        CONN_MAX_AGE="0",
        AXES_FAILURE_LIMIT="7",
        AXES_COOLOFF_MINUTES="30",
    )
    assert done.stdout.split() == ["True", "False", "False", "60", "28800", "0", "7", "1800.0"], done.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "ture", "DEBUG must be true or false (1/0, yes/no, on/off), not 'ture'"),
        ("G60_HTTPS", "maybe", "G60_HTTPS must be true or false (1/0, yes/no, on/off), not 'maybe'"),
        ("BEHIND_PROXY", "2", "BEHIND_PROXY must be true or false (1/0, yes/no, on/off), not '2'"),
        ("SECURE_HSTS_SECONDS", "one year", "SECURE_HSTS_SECONDS must be a whole number of at least 0, not 'one year'"),
        ("SESSION_COOKIE_AGE", "0", "SESSION_COOKIE_AGE must be a whole number of at least 1, not '0'"),
        ("CONN_MAX_AGE", "-5", "CONN_MAX_AGE must be a whole number of at least 0, not '-5'"),
        ("AXES_FAILURE_LIMIT", "0", "AXES_FAILURE_LIMIT must be a whole number of at least 1, not '0'"),
        ("AXES_COOLOFF_MINUTES", "15.5", "AXES_COOLOFF_MINUTES must be a whole number of at least 1, not '15.5'"),
    ],
)
def test_a_bad_value_stops_the_start_up_naming_the_variable_and_the_rule(name: str, value: str, message: str) -> None:
    done = _settings(**{name: value})
    assert done.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in done.stderr
    assert "ValueError" not in done.stderr
