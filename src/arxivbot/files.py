"""Writing a file so that readers never see half of it: the one atomic write.

The bytes go to a temporary file in the same folder, which is then renamed over the target:
a crash or a kill leaves either the old file or the new one, never a mix. Every module that
writes a file another run (or a person) reads goes through ``write_atomic``: the model and its
card, the arXiv cache and the listings archive, the local publisher's PR files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, *, mode: int = 0o644) -> None:
    """``path`` holds ``data`` whole (text as UTF-8 with ``\\n`` newlines), or is as it was."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        Path(temporary).chmod(mode)  # mkstemp makes 0600; these files are for every reader
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
