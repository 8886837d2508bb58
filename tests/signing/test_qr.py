"""The fast mask selection scores and chooses exactly as the qrcode library's own (slower) one."""

import random

import pytest
import qrcode
import qrcode.constants
from qrcode import util

from g60.signing.qr import FastMaskQRCode, _row_bits, penalty, qr_matrix

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _texts() -> list[str]:
    rng = random.Random(60)  # fixed seed: the same cases every run
    return ["G60L1." + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(10, 700))) for _ in range(12)]


@pytest.mark.parametrize("text", _texts())
def test_penalty_and_choice_equal_the_librarys(text: str) -> None:
    reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    reference.add_data(text.encode())
    reference.make(fit=True)
    for mask in range(8):
        reference.makeImpl(True, mask)
        rows = [_row_bits(row) for row in reference.modules]
        assert penalty(rows, len(rows)) == util.lost_point(reference.modules), mask
    reference.makeImpl(False, reference.best_mask_pattern())

    fast = FastMaskQRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    fast.add_data(text.encode())
    fast.make(fit=True)
    assert fast.get_matrix() == reference.get_matrix()
    assert qr_matrix(text) == [[bool(m) for m in row] for row in reference.get_matrix()]
