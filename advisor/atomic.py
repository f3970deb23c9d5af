"""Writing files the user owns: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile


def check_writable(path: str) -> None:
    """Fail before a long run, not after it: the folder must exist."""
    from advisor.config import ConfigError

    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ConfigError(f"{path}: no such folder {folder}")


def write_text(path: str, text: str, encoding: str = "utf-8") -> None:
    """Atomically: a reader sees the old file or the new one, never half of one. The file's
    mode is kept when it exists; a link is followed (the link stays a link); a device or pipe
    (/dev/stdout) is written to, not replaced."""
    check_writable(path)
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "w", encoding=encoding) as stream:
            stream.write(text)
        return
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".ecs-advisor-")
    try:
        with os.fdopen(handle, "w", encoding=encoding) as stream:
            stream.write(text)
        mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
