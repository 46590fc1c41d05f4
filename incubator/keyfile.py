"""``python -m incubator.keyfile PATH``: the local secret key file of ``make serve``.

Creates ``PATH`` with a new random key when it is missing or empty, mode 0600 whatever the
umask, and narrows an existing key file to 0600 (an older ``make serve`` wrote it 0644).
In production the key comes from the environment (``SECRET_KEY``), not from this file.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from portfolio.private_files import FILE_MODE, write_private


def ensure_key_file(path: Path) -> Path:
    path = Path(path)
    if path.is_file() and path.stat().st_size > 0:
        os.chmod(path, FILE_MODE)
    else:
        write_private(path, (secrets.token_urlsafe(50) + "\n").encode())
    return path


if __name__ == "__main__":
    ensure_key_file(Path(sys.argv[1] if len(sys.argv) > 1 else ".secret-key"))
