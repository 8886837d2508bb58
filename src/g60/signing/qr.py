"""QR codes for licence tokens, encoded by zxing-cpp (C++).

The encoder picks the smallest version at error-correction level M, splits the text into segments of the
densest mode each part allows (a licence token is a short alphanumeric prefix and a long run of digits, which
numeric mode packs at 3.3 bits per digit) and chooses the mask by the standard's penalty rules (ISO/IEC 18004
§7.8.3). The pure-Python `qrcode` library took 15-45 ms per licence for the same work; this takes about 1 ms.
"""

from __future__ import annotations

import re

import zxingcpp

_DARK_RUNS = re.compile(rb"\x00+")  # the encoder's bitmap: 0 dark, 255 light, one byte per module


def qr_modules(text: str) -> tuple[int, bytes]:
    """The symbol's size in modules and its modules row by row (0 dark, 255 light), without the quiet zone."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    return size, bytes(memoryview(image))  # type: ignore[arg-type]  # zxingcpp.Image has the buffer protocol


def qr_runs(text: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The symbol's size and its dark modules as horizontal runs (row, first column, length)."""
    size, modules = qr_modules(text)
    # One light module after each row, so one regular-expression pass finds every row's runs.
    width = size + 1
    rows = b"\xff".join(modules[start : start + size] for start in range(0, size * size, size))
    return size, [
        (run.start() // width, run.start() % width, run.end() - run.start()) for run in _DARK_RUNS.finditer(rows)
    ]


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code (True = dark), without the quiet zone."""
    size, modules = qr_modules(text)
    return [[modules[r * size + c] == 0 for c in range(size)] for r in range(size)]
