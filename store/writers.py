"""Writers to one SQLite database take turns in a queue, not in SQLite's busy loop.

SQLite lets one writer in at a time; a writer that finds the lock taken sleeps in SQLite's
busy handler, 1, 2, 5, 10 ms and longer between looks, so under load each command loses
milliseconds waiting for a lock that was free long before. Here a writer first waits its
turn on a lock that hands over at once: a thread lock among the threads of the process,
and an advisory file lock (`flock`) beside the database among its processes. Both are only
a queue in front of SQLite's own lock, which stays what keeps writers apart: a turn not
had within the wait (a writer stuck elsewhere) lets the writer go on to SQLite's lock and
its busy timeout, as before.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FIRST_LOOK_SECONDS = 0.0001  # between looks at the file lock, doubling up to the next
LONGEST_LOOK_SECONDS = 0.002


class WriterTurns:
    """The queue of the writers of one SQLite database file (`path`; None: an in-memory one)."""

    def __init__(self, path: Path | None, wait_seconds: float) -> None:
        self.path = path
        self.wait_seconds = wait_seconds
        self._after_fork()
        _LIVE.add(self)

    def _after_fork(self) -> None:
        # a fork copies the lock as the forking thread saw it: the child starts with its own,
        # and its own open file (closing the copy leaves the parent's file lock as it is)
        if getattr(self, "_file", None) is not None:
            os.close(self._file)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._file: int | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this writer's turn (a nested turn of the same thread has it already), then hold it."""
        deadline = time.monotonic() + self.wait_seconds
        depth = getattr(self._local, "depth", 0)
        has_thread_turn = self._lock.acquire(timeout=self.wait_seconds)
        has_file_turn = has_thread_turn and depth == 0 and self._take_file_turn(deadline)
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth
            if has_file_turn:
                fcntl.flock(self._file, fcntl.LOCK_UN)
            if has_thread_turn:
                self._lock.release()

    def _take_file_turn(self, deadline: float) -> bool:
        if self.path is None:
            return False
        if self._file is None:
            self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        pause = FIRST_LOOK_SECONDS
        while True:
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_LOOK_SECONDS)


def lock_file_of(database: str) -> Path | None:
    """Return the file the writers of SQLite file `database` queue on, or None for an in-memory database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + "-writers")


_LIVE: weakref.WeakSet[WriterTurns] = weakref.WeakSet()


def _reset_in_child() -> None:
    for turns in list(_LIVE):
        turns._after_fork()


os.register_at_fork(after_in_child=_reset_in_child)
