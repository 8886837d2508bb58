"""QR codes for licence tokens, with the standard's mask selection made fast.

The QR standard (ISO/IEC 18004 §7.8.3) has the encoder try all eight mask patterns and keep the one with the
lowest penalty. The `qrcode` library does that by laying the data out eight times and scoring each matrix
module by module in Python, which is most of the time a licence PDF takes to render (≈30 ms of ≈70 ms for a
500-character token). Here the data are laid out once; the seven other masks are derived by flipping whole
rows as integers (the flip pattern depends only on the QR version, so it is computed once per version), and
the four penalty rules are scored with regular expressions on row and column strings and bit operations on
row integers. The scores equal the library's own (tests/signing/test_qr.py), so the same mask is chosen.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

import qrcode
import qrcode.constants
from qrcode import util

_RUNS = re.compile(r"0{5,}|1{5,}")
# The finder-like 1:1:3:1:1 pattern with four light modules on one side; the lookahead counts overlaps.
_FINDERS = re.compile(r"(?=10111010000|00001011101)")


def _row_bits(row: list[Any]) -> int:
    return int("".join("1" if module else "0" for module in row), 2)


def penalty(rows: list[int], size: int) -> int:
    """The four penalty rules of the QR standard for a matrix given as row integers (leftmost module = top bit)."""
    lines = [format(row, f"0{size}b") for row in rows]
    columns = ["".join(column) for column in zip(*lines, strict=True)]
    # All rows and columns in one string, separated by a character no pattern contains, so each rule is one
    # regular-expression pass in C rather than one per line.
    text = " ".join(lines + columns)
    # Rule 1: a run of five or more modules of one colour costs 3, plus 1 per module beyond five.
    score = sum(len(run) - 2 for run in _RUNS.findall(text))
    # Rule 3: each finder-like pattern costs 40.
    score += 40 * len(_FINDERS.findall(text))
    # Rule 2: each 2×2 block of one colour costs 3 (blocks overlap). Bit j of `vertical` says rows a and b
    # agree in column j; of `horizontal`, that columns j and j+1 of row a agree.
    inner = (1 << (size - 1)) - 1
    for a, b in pairwise(rows):
        vertical = ~(a ^ b)
        horizontal = ~(a ^ (a >> 1))
        score += 3 * (vertical & (vertical >> 1) & horizontal & inner).bit_count()
    # Rule 4: 10 for every full 5 % the dark share departs from 50 %.
    dark = sum(line.count("1") for line in lines)
    score += 10 * int(abs(dark * 100 / size**2 - 50) / 5)
    return score


# The flip rows depend only on the symbol's size (its version): function patterns and format areas are fixed.
_FLIPS: dict[int, tuple[tuple[int, ...], ...]] = {}


def _mask_flips(size: int, cells: tuple[tuple[int, int], ...]) -> tuple[tuple[int, ...], ...]:
    """For each mask k, the row integers that turn a mask-0 layout into a mask-k one (data modules only)."""
    functions = [util.mask_func(k) for k in range(8)]
    flips = []
    for mask in functions:
        rows = [0] * size
        for r, c in cells:
            if functions[0](r, c) != mask(r, c):
                rows[r] |= 1 << (size - 1 - c)
        flips.append(tuple(rows))
    return tuple(flips)


class FastMaskQRCode(qrcode.QRCode):
    """`qrcode.QRCode` with the same mask choice, computed from one data layout instead of eight."""

    _data_cells: tuple[tuple[int, int], ...] | None = None
    _capture = False

    def map_data(self, data: Any, mask_pattern: int) -> None:
        if self._capture and len(self.modules) not in _FLIPS:
            # The modules still empty when the data are placed are the data modules.
            self._data_cells = tuple(
                (r, c) for r, row in enumerate(self.modules) for c, module in enumerate(row) if module is None
            )
        super().map_data(data, mask_pattern)

    def best_mask_pattern(self) -> int:
        self._capture = True
        try:
            self.makeImpl(True, 0)
        finally:
            self._capture = False
        size = len(self.modules)
        if size not in _FLIPS:
            assert self._data_cells is not None  # noqa: S101 - set by map_data above
            _FLIPS[size] = _mask_flips(size, self._data_cells)
        base = [_row_bits(row) for row in self.modules]
        scores = [penalty([row ^ flip for row, flip in zip(base, flips, strict=True)], size) for flips in _FLIPS[size]]
        return scores.index(min(scores))


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code (level M, byte mode, smallest version that fits), without the quiet zone."""
    code = FastMaskQRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]
