"""A value read from the database and kept in this process for a while.

The hot paths read a few things that change rarely or only matter as a hint: the nine cities (reference data),
the register's first id and each city's share of it (which plan a search takes). Reading them on every request
cost a query each; a copy per process, read again once it is older than `seconds`, costs one a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ProcessCopy(Generic[T]):
    """`read()`'s value, kept for `seconds`. A value `usable` refuses (an empty register's missing first id, no
    cities yet) is read again at the next call instead of being kept. `forget()` drops the copy (a signal on a
    change, a test); `put()` sets it as if just read (a test)."""

    def __init__(self, read: Callable[[], T], *, seconds: float = 60.0, usable: Callable[[T], bool] | None = None):
        self._read = read
        self._seconds = seconds
        self._usable = usable
        self._copy: tuple[float, T] | None = None

    def get(self) -> T:
        now = time.monotonic()
        if self._copy is not None and now - self._copy[0] <= self._seconds:
            return self._copy[1]
        value = self._read()
        if self._usable is None or self._usable(value):
            self._copy = (now, value)
        return value

    def put(self, value: T) -> None:
        self._copy = (time.monotonic(), value)

    def forget(self) -> None:
        self._copy = None
