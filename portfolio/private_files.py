"""Files that hold secrets or personal data (backups, the generated secret key): readable by
the service account only (bar R13), whatever the process's umask.

Standard library only: ``incubator/keyfile.py`` uses it before Django is configured.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """``path`` and any missing parents, created 0700; folders that already exist keep their
    mode (a backup written to /tmp leaves /tmp alone)."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=DIR_MODE)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask
    return path


@contextlib.contextmanager
def private_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file written beside ``path`` with mode 0600 from its first byte, moved over
    ``path`` only once complete (a crash leaves the old file, never half a new one)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)  # os.open's mode is masked by the umask too
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


def write_private(path: Path, data: bytes) -> None:
    with private_writer(path) as handle:
        handle.write(data)
