"""What workers reported for their tasks, so that a report sent again gets the same answer.

A remote worker whose report got no answer (the server died, the connection broke, a
timeout) sends it again. If the first one was applied, the task is no longer locked by
that worker: it completed, failed or threw its BPMN error. Each report applied is kept
here with its task, worker, lock and a digest of its content, and the same report from
the same worker for the same lock is answered as the first one was, not refused.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from store.db import upsert
from store.models import ExternalTask, ExternalTaskReport


def digest_of(kind: str, content: dict[str, Any]) -> str:
    """Return the SHA-256 of a report's kind and content, independent of key order."""
    document = json.dumps({"kind": kind, **content}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(document.encode()).hexdigest()


def record(
    session: Session, task: ExternalTask, worker_id: str, kind: str, digest: str, now: datetime
) -> None:
    """Keep the report just applied to `task` (the last one of the task replaces any earlier)."""
    values = {
        "task_id": task.id,
        "case_id": task.case_id,
        "worker_id": worker_id,
        "lock_number": task.attempts,
        "kind": kind,
        "digest": digest,
        "reported_at": now,
    }
    upsert(session, ExternalTaskReport, values, key=("task_id",))


def answered_before(
    session: Session, task_id: str, worker_id: str, kind: str, digest: str
) -> ExternalTaskReport | None:
    """Return the earlier application of this very report under the worker's last lock, or None."""
    report = session.get(ExternalTaskReport, task_id, populate_existing=True)
    if report is None or (report.worker_id, report.kind, report.digest) != (worker_id, kind, digest):
        return None
    task = session.get(ExternalTask, task_id, populate_existing=True)
    if task is not None and (task.status == "locked" or task.attempts != report.lock_number):
        return None  # the task was locked again since: the report belongs to an older lock
    return report
