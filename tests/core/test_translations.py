"""Every label is translated: each catalogue of the platform holds every message the code marks, and only those,
and is complete, not fuzzy, and keeps placeholders."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "g60"
CATALOGUES = sorted(SRC.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def test_there_is_a_chinese_catalogue() -> None:
    assert CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_catalogue_is_complete(path: Path) -> None:
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
    for entry in po.translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(text)), entry.msgid


def _messages(po: polib.POFile) -> set[tuple[str | None, str, str]]:
    return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in po if not entry.obsolete}


def test_catalogues_hold_what_makemessages_finds_in_the_code(tmp_path: Path) -> None:
    """A label marked in the code but missing from the catalogues would be shown in English to a Chinese reader
    (unless another app's catalogue happened to hold it); one in a catalogue but no longer in the code is dead
    weight. `makemessages` (README, Development) is run on a copy of the code, and each catalogue it makes must
    hold the same messages as the committed one; the completeness test above then covers their translations."""
    copy = tmp_path / "g60"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    committed = {path: path.read_bytes() for path in CATALOGUES}
    # Each file goes to the catalogue of the nearest folder holding one (the app's, else the copy's src/g60/locale:
    # the settings' LOCALE_PATHS are matched by folder, and the copy is outside them).
    made = subprocess.run(
        [sys.executable, "-m", "g60.cli", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # the suite's settings module, tests.settings
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    assert {path: path.read_bytes() for path in CATALOGUES} == committed  # the copy's catalogues were written
    for path in CATALOGUES:
        relative = path.relative_to(SRC)
        in_code = _messages(polib.pofile(str(copy / relative)))
        in_catalogue = _messages(polib.pofile(str(path)))
        assert sorted(in_code - in_catalogue, key=str) == [], f"{relative}: marked in the code, not in the catalogue"
        assert sorted(in_catalogue - in_code, key=str) == [], f"{relative}: in the catalogue, no longer in the code"
