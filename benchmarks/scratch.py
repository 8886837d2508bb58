"""Scratch folders for one benchmark run, removed when the run ends.

A one-network run writes its licence PDFs (≈ 20 MB for 300 cases), a register run a 250 MB CSV and a 700 MB
SQLite database: left in /tmp, a day of benchmarking filled gigabytes. Set G60_BENCH_KEEP=1 to keep them (the
folder is printed), e.g. to run `benchmarks/registry.py --skip-import --database-url sqlite:///…` on the same
rows again.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def scratch_folder(prefix: str) -> Path:
    """A new folder under the system's temporary directory, removed at the end of this process unless
    G60_BENCH_KEEP is set. Processes forked from this one leave it alone (they end with os._exit)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.environ.get("G60_BENCH_KEEP"):
        print(f"scratch folder kept: {folder}")
    else:
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
