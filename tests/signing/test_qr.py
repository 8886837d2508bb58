"""The QR codes of licence tokens: an independent decoder (zbarimg) reads back exactly the text, and a G60L2
token's digits are packed in numeric mode (a much smaller symbol than the same length of base64url)."""

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from g60.signing.qr import qr_matrix, qr_runs

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _texts() -> list[str]:
    rng = random.Random(60)  # fixed seed: the same cases every run
    digits = ["G60L2." + "".join(rng.choice("0123456789") for _ in range(rng.randint(10, 900))) for _ in range(5)]
    legacy = ["G60L1." + "".join(rng.choice(B64URL) for _ in range(rng.randint(10, 700))) for _ in range(3)]
    return digits + legacy


def _png(matrix: list[list[bool]], path: Path, scale: int = 4, quiet: int = 4) -> None:
    size = len(matrix) + 2 * quiet
    image = Image.new("L", (size, size), 255)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                image.putpixel((c + quiet, r + quiet), 0)
    image.resize((size * scale, size * scale), Image.Resampling.NEAREST).save(path)


@pytest.mark.parametrize("text", _texts())
def test_zbarimg_reads_back_the_text(text: str, tmp_path: Path) -> None:
    assert shutil.which("zbarimg"), "install zbar-tools (scripts/setup --test)"
    _png(qr_matrix(text), tmp_path / "qr.png")
    decoded = subprocess.run(  # noqa: S603
        ["zbarimg", "--quiet", "--raw", "-Sbinary", str(tmp_path / "qr.png")],  # noqa: S607
        capture_output=True,
        check=True,
    )
    assert decoded.stdout.decode().strip() == text


def test_runs_are_the_dark_modules() -> None:
    text = "G60L2." + "0123456789" * 30
    matrix = qr_matrix(text)
    size, runs = qr_runs(text)
    assert size == len(matrix) and (size - 17) % 4 == 0
    from_runs = [[False] * size for _ in range(size)]
    for row, col, length in runs:
        assert length > 0 and not (col > 0 and matrix[row][col - 1])  # maximal runs
        for c in range(col, col + length):
            from_runs[row][c] = True
    assert from_runs == matrix
    # The finder pattern's top row: seven dark modules, a light separator.
    assert matrix[0][:8] == [True] * 7 + [False]


def test_digits_are_packed_in_numeric_mode() -> None:
    # 486 characters: as digits a version-10 symbol (57 modules) at level M; as base64url text (byte mode)
    # the same length needs version 17 (85 modules).
    digits = "G60L2." + "7" * 480
    letters = "G60L1." + "x" * 480
    assert len(qr_matrix(digits)) <= 57
    assert len(qr_matrix(letters)) >= 85
