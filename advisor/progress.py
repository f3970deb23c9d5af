"""Progress of a long read (``history``, ``audit``) on standard error: one line, rewritten.

Only for a person at a terminal: nothing when standard error is not a terminal, in CI (``CI``
set), with ``--quiet``, or when ``--format json`` goes to a pipe (a program is reading). At most
about five updates a second, so printing never slows the reading. ``lint`` never imports this.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

INTERVAL = 0.2  # seconds between two updates of the line: at most five a second


def _tty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def wanted(stream: Any, quiet: bool, fmt: str, output: str | None, stdout: Any) -> bool:
    """Whether to show progress on ``stream`` for a run with these options."""
    if quiet or os.environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    if not _tty(stream):
        return False
    return not (fmt == "json" and output is None and not _tty(stdout))


class Progress:
    """Files, megabytes and records read so far, as one line on ``stream`` rewritten with CR.

    Safe to update from the audit's reader threads."""

    def __init__(
        self,
        stream: TextIO,
        label: str,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.label = label
        self.interval = interval
        self.clock = clock
        self.files = 0
        self.bytes = 0
        self.records = 0
        self._drawn_at: float | None = None
        self._width = 0
        self._lock = threading.Lock()

    def add(self, files: int = 0, size: int = 0, records: int = 0) -> None:
        with self._lock:
            self.files += files
            self.bytes += size
            self.records += records
            self._maybe_draw()

    def stage(self, label: str) -> None:
        """What is being read now (the audit: an account and region)."""
        with self._lock:
            self.label = label
            self._maybe_draw()

    def line(self) -> str:
        files = "file" if self.files == 1 else "files"
        return (
            f"{self.label}: {self.files} {files}, {self.bytes / 1_000_000:.1f} MB, "
            f"{self.records:,} records"
        )

    def _maybe_draw(self) -> None:
        now = self.clock()
        if self._drawn_at is not None and now - self._drawn_at < self.interval:
            return
        self._drawn_at = now
        text = self.line()
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(text))

    def close(self) -> None:
        """Clear the line, so that what is printed next starts on a clean one."""
        with self._lock:
            if self._drawn_at is not None:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
                self._drawn_at = None


def start(label: str, quiet: bool, fmt: str, output: str | None) -> Progress | None:
    """A Progress on standard error when one is wanted, else None."""
    import sys

    if not wanted(sys.stderr, quiet, fmt, output, sys.stdout):
        return None
    return Progress(sys.stderr, label)
