"""Keep recently saved cases deserialized, so the next command on a case skips reading its state.

An entry is the workflow a command saved, keyed by case id and valid for exactly the revision
that command committed. A command takes the entry out (no two commands ever share a workflow)
and puts the workflow back only after its transaction committed; a rollback leaves nothing, so
the next command reads the state from the store. Optimistic locking stays the guard: a case
another process changed has a newer revision, which no entry matches.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import event
from sqlalchemy.orm import Session

CAPACITY = 512  # cases; a workflow of the license procedure holds ~100 tasks


class CaseCache:
    """A bounded, thread-safe map of (case id, revision) to a deserialized workflow."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[int, BpmnWorkflow, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, case_id: str, revision: int) -> tuple[BpmnWorkflow, Any] | None:
        """Remove and return (workflow, what was kept with it) of `case_id` at `revision`, or None."""
        with self._lock:
            entry = self._entries.pop(case_id, None)
        if entry is None or entry[0] != revision:
            return None
        return entry[1], entry[2]

    def knows(self, case_id: str) -> bool:
        """Tell whether an entry of `case_id` is kept, at whatever revision (a hint: it may go at once)."""
        return case_id in self._entries

    def put_after_commit(
        self, session: Session, case_id: str, workflow: BpmnWorkflow, revision: int, kept: Any = None
    ) -> None:
        """Keep `workflow` at `revision`, and `kept` with it, once `session` commits; a rollback forgets."""
        _pending(session).append((self._keep, (case_id, revision, workflow, kept)))

    def give_back_after_commit(
        self, session: Session, case_id: str, workflow: BpmnWorkflow, revision: int, kept: Any = None
    ) -> Callable[[], None]:
        """Return a workflow that was only read once `session` commits, unless the case has an entry by then.

        A command that saved the case meanwhile put its own, newer entry, which stays. Call
        the function returned when a command takes the workflow over: it is then not given back.
        """
        taken_over: list[bool] = []
        _pending(session).append((self._give_back, (case_id, revision, workflow, kept, taken_over)))
        return lambda: taken_over.append(True)

    def _keep(self, case_id: str, revision: int, workflow: BpmnWorkflow, kept: Any) -> None:
        with self._lock:
            self._entries[case_id] = (revision, workflow, kept)
            self._entries.move_to_end(case_id)
            self._trim()

    def _give_back(self, case_id: str, revision: int, workflow: BpmnWorkflow, kept: Any, taken_over) -> None:
        with self._lock:
            if not taken_over and case_id not in self._entries:
                self._entries[case_id] = (revision, workflow, kept)
                self._trim()

    def _trim(self) -> None:
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


CASES = CaseCache()
PENDING = "licflow_case_cache"  # session.info: what the caches keep once the transaction commits


def _pending(session: Session) -> list:
    return session.info.setdefault(PENDING, [])


# one listener for every session, registered once: a listener per command costs it more than its lookups
@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for keep, entry in session.info.pop(PENDING, ()):
        keep(*entry)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous) -> None:
    session.info.pop(PENDING, None)  # a savepoint or the whole transaction: the saved state may be gone
