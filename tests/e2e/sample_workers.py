"""Worker module of the end-to-end tests: serves topic "sample.check" of tests/diagrams/core_sample.bpmn.

Load it with `licflow serve --workers tests.e2e.sample_workers` (or a WorkerLoop in-process).

Its outside effect is one line "<idempotency key>\\n" appended to the file named by
LICFLOW_TEST_EFFECTS (when set). The line is written at most once per idempotency key,
so a task delivered again after a crash (same key) does not repeat the effect; the
tests count lines to prove it.

LICFLOW_TEST_WORKER_DELAY (seconds, default 0) stands for the time the outside call
takes after the effect was made and before the worker reports back: a process killed
in that window has made the effect but never completed the task.
"""

from __future__ import annotations

import fcntl
import os
import time

from engine.worker import TaskContext, WorkerRegistry

registry = WorkerRegistry()


def record_effect(key: str) -> bool:
    """Append `key` to the effects file unless it is there already; return True if appended."""
    path = os.environ.get("LICFLOW_TEST_EFFECTS")
    if not path:
        return False
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        with open(path, encoding="utf-8") as existing:
            if key in existing.read().splitlines():
                return False
        os.write(descriptor, f"{key}\n".encode())
        os.fsync(descriptor)
        return True
    finally:
        os.close(descriptor)  # also releases the lock


@registry.topic("sample.check")
def check(skip_review, context: TaskContext) -> dict:
    """Pass the check, recording the outside effect once per idempotency key."""
    record_effect(context.idempotency_key)
    delay = float(os.environ.get("LICFLOW_TEST_WORKER_DELAY", "0") or 0)
    if delay > 0:
        time.sleep(delay)  # the outside call is still answering
    return {"skip_review": bool(skip_review), "checked_by": context.idempotency_key}
