"""Writing files the user owns: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile


def write_text(path: str, text: str) -> None:
    """Atomically: a reader sees the old file or the new one, never half of one. The file's
    mode is kept when it exists."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".ecs-advisor-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
