"""Killing the server while submissions are in flight loses no acknowledged application and duplicates none.

Runs benchmarks/onenetwork_crash.py at a small size against a real server (`g60 serve`) and a scratch database of
the same kind as this run's (SQLite file, or a scratch PostgreSQL database).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_killing_the_server_loses_and_duplicates_nothing() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [
            sys.executable,
            str(ROOT / "benchmarks" / "onenetwork_crash.py"),
            "--cases",
            "16",
            "--clients",
            "4",
            "--kills",
            "1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "server kills      1" in report
    assert "lost              0" in report and "duplicated        0" in report
    assert "acknowledged      16 created, 16 submitted" in report
