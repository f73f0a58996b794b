"""Worker processes that run JavaScript, started on demand and reused; one script at a time each.

A worker is a child Python process running `engine/dialect/scripts/js_worker.py` with an empty
environment, `/` as its directory and `-I` (no user site, no PYTHON* variables). Every script
gets a fresh QuickJS runtime inside it, so nothing a script leaves behind reaches the next
case; the process itself is reused while it answers in time and killed when it does not.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

WORKER_PROGRAM = Path(__file__).with_name("js_worker.py")
STARTUP_SECONDS = 10.0
_MAX_IDLE = 4


class WorkerTimedOut(Exception):
    """The worker did not answer before the deadline; it has been killed."""


class WorkerBroke(Exception):
    """The worker exited, or said something that is not a message; it has been killed."""


class Worker:
    """One worker process and the line-framed JSON channel to it."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-X", "utf8", str(WORKER_PROGRAM)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd="/",
            env={},
            close_fds=True,
        )
        self.broken = False
        self.busy = False  # a request was sent and its final answer not yet read
        self._released = False
        self._pending = bytearray()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.process.stdout, selectors.EVENT_READ)
        try:
            ready = self.receive(time.monotonic() + STARTUP_SECONDS, 1024)
        except (WorkerBroke, WorkerTimedOut):
            ready = None
        if ready != {"ready": True}:
            self.kill()
            raise WorkerBroke("the JavaScript worker did not start (is the quickjs-ng package installed?)")

    def send(self, message: dict[str, Any]) -> None:
        """Write one message; a worker that cannot take it is killed."""
        self.busy = True
        try:
            self.process.stdin.write(json.dumps(message).encode() + b"\n")
            self.process.stdin.flush()
        except OSError as error:
            self.kill()
            raise WorkerBroke("the JavaScript worker stopped") from error

    def receive(self, deadline: float, max_bytes: int) -> dict[str, Any]:
        """Return the next message; kill the worker past `deadline` or `max_bytes`."""
        end = self._pending.find(b"\n")
        while end < 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(remaining):
                self.kill()
                raise WorkerTimedOut
            chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            if not chunk:
                self.kill()
                raise WorkerBroke("the JavaScript worker stopped (it ran out of memory or crashed)")
            found = chunk.find(b"\n")
            end = -1 if found < 0 else len(self._pending) + found
            self._pending += chunk
            if len(self._pending) > max_bytes:
                self.kill()
                raise WorkerBroke(f"the JavaScript worker sent more than {max_bytes} bytes")
        line = bytes(self._pending[:end])
        del self._pending[: end + 1]
        try:
            message = json.loads(line)
        except ValueError as error:
            self.kill()
            raise WorkerBroke("the JavaScript worker sent a garbled message") from error
        self.busy = "call" in message  # every answer but a function call ends the exchange
        return message

    def kill(self) -> None:
        """Stop the process now and mark the worker unusable."""
        if not self._release():
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()

    def close(self) -> None:
        """Let the worker finish by closing its input."""
        if not self._release():
            return
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    def _release(self) -> bool:
        """Mark the worker unusable and close its input; return False if that was done before."""
        if self._released:
            return False
        self._released = self.broken = True
        self._selector.close()
        with suppress(OSError):  # it may have died with unread input
            self.process.stdin.close()
        return True


class WorkerPool:
    """Idle workers handed out one script at a time, and started when none is idle."""

    def __init__(self) -> None:
        self._idle: list[Worker] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    @contextmanager
    def worker(self) -> Iterator[Worker]:
        """Lend a worker; it comes back to the pool unless it broke or was killed."""
        worker = self._take() or Worker()
        try:
            yield worker
        finally:
            if worker.broken:
                pass
            elif worker.busy or worker.process.poll() is not None:
                worker.kill()  # an exchange left half-way would confuse the next script
            else:
                self._give_back(worker)

    def prestart(self) -> None:
        """Start a worker now, so that the first script does not wait for one."""
        with self.worker():
            pass

    def close(self) -> None:
        """Stop the idle workers."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()

    def _take(self) -> Worker | None:
        with self._lock:
            if self._pid != os.getpid():  # a forked child must not share its parent's workers
                self._idle, self._pid = [], os.getpid()
            return self._idle.pop() if self._idle else None

    def _give_back(self, worker: Worker) -> None:
        with self._lock:
            if len(self._idle) < _MAX_IDLE and self._pid == os.getpid():
                self._idle.append(worker)
                return
        worker.close()


POOL = WorkerPool()
atexit.register(POOL.close)
