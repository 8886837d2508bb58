"""core.process_copy: a value kept per process for a while, read again when stale or refused."""

from g60.core.process_copy import ProcessCopy


def test_a_copy_is_kept_until_stale_forgotten_or_refused() -> None:
    reads: list[int] = []

    def read() -> int:
        reads.append(len(reads))
        return reads[-1]

    kept = ProcessCopy(read, seconds=60.0)
    assert (kept.get(), kept.get()) == (0, 0) and len(reads) == 1  # kept
    kept.forget()
    assert kept.get() == 1
    stale = ProcessCopy(read, seconds=-1.0)  # always older than its lifetime
    assert (stale.get(), stale.get()) == (2, 3)
    refused = ProcessCopy(read, usable=lambda value: value % 2 == 1)
    assert refused.get() == 4 and refused.get() == 5 and refused.get() == 5  # 4 refused, 5 kept
    refused.put(40)
    assert refused.get() == 40
