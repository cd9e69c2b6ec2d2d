"""A progress line on standard error, for long runs in a terminal."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Shows how far a run has got, once it has taken longer than ``delay`` seconds.

    Short runs never show it; it redraws at most every ``interval`` seconds, and
    is cleared before anything else is written to the terminal.
    """

    def __init__(self, stream: TextIO, *, delay: float = 1.0, interval: float = 0.25) -> None:
        """Write to ``stream`` (a terminal)."""
        self.stream = stream
        self.delay = delay
        self.interval = interval
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, source: str, records: int, done: int | None, total: int | None) -> None:
        """Redraw the line: the file, the records checked and, if known, the share read."""
        now = time.monotonic()
        if now - self.start < self.delay or now - self.last < self.interval:
            return
        self.last = now
        share = f" ({100 * done // total}% of the file)" if done is not None and total else ""
        self.stream.write(f"\r\x1b[Kchecking {source}: {records:,} records{share}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the line, if it is shown."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
