"""Writing a file whole or not at all, for the commands that write files (import reports, generated imports)."""

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def text_file_replaced(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file (newline="" for csv) written beside `path` and renamed onto it when the block ends
    without an exception: `path` is then complete, and otherwise as it was (a command stopped halfway, by an
    error or Ctrl-C, leaves no half-written file). Raises OSError on entry when `path` cannot be written (its
    folder missing or read-only, or `path` a folder), before the caller has done any work."""
    if path.is_dir():
        # The rename would fail only at the end, after the work.
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.chmod(tmp, 0o644)  # as open() makes a file under the usual umask (mkstemp makes them 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
