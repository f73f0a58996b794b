"""Verify and replay throughput over many recorded cases, in events per second.

A few cases of the core sample diagram are recorded through the real engine, then
copied under new case ids with their hash chains recomputed, up to
LICFLOW_BENCH_AUDIT_CASES (10 000 by default). The baseline is reading every
history row without checking anything, in the same run on the same database.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import timedelta

from sqlalchemy import insert, select

from bench.databases import scratch_databases
from bench.engine_commands import DIAGRAM, VARIABLES
from engine.history.chain_check import case_ids, check_cases
from engine.history.replay import replay_events
from engine.orchestrator import Orchestrator
from engine.people.queries import open_user_tasks
from engine.runtime.definitions import specs_of
from engine.runtime.history import GENESIS, event_hash
from store.db import Store
from store.migrate import upgrade
from store.models import Case, HistoryEvent, ProcessDefinition

CASES = int(os.environ.get("LICFLOW_BENCH_AUDIT_CASES", "10000"))
TEMPLATES = 4
COPY_BATCH = 500


def record_templates(orchestrator: Orchestrator) -> list[str]:
    """Record a few complete core sample cases: started, checked, reviewed, answered."""
    orchestrator.deploy({DIAGRAM.name: DIAGRAM.read_bytes()})
    recorded = []
    for number in range(TEMPLATES):
        key = f"template-{number}"
        case_id = orchestrator.start_case("core_sample", key, VARIABLES)
        (task,) = orchestrator.fetch_and_lock("bench", ["sample.check"], timedelta(minutes=5))
        orchestrator.complete_external_task(task.id, "bench", {"skip_review": False})
        with orchestrator.transaction() as session:
            review = next(t for t in open_user_tasks(session, "officers", limit=100) if t.case_id == case_id)
        orchestrator.complete_user_task(review.id, {"approved": number % 2 == 0}, "bench")
        orchestrator.correlate_message("answer", {"verdict": "yes"}, key)
        recorded.append(case_id)
    return recorded


def copy_cases(store: Store, templates: list[str], total: int) -> None:
    """Copy the template cases under new ids until there are `total`, chains recomputed."""
    with store.unit_of_work() as session:
        sources = [(session.get(Case, c), _events(session, c)) for c in templates]
    for start in range(len(templates), total, COPY_BATCH):
        cases, events = [], []
        for number in range(start, min(start + COPY_BATCH, total)):
            row, history = sources[number % len(sources)]
            new_id = str(uuid.uuid4())
            cases.append(_case_copy(row, new_id, number))
            events.extend(_chained_copy(history, new_id))
        with store.unit_of_work() as session:
            session.execute(insert(Case), cases)
            session.execute(insert(HistoryEvent), events)


def _events(session, case_id: str) -> list[HistoryEvent]:
    query = select(HistoryEvent).where(HistoryEvent.case_id == case_id).order_by(HistoryEvent.seq)
    return list(session.scalars(query))


def _case_copy(row: Case, new_id: str, number: int) -> dict:
    columns = ("definition_id", "status", "state", "started_at", "updated_at", "ended_at", "revision")
    return {"id": new_id, "business_key": f"copy-{number}"} | {c: getattr(row, c) for c in columns}


def _chained_copy(history: list[HistoryEvent], case_id: str) -> list[dict]:
    rows, previous = [], GENESIS
    for event in history:
        copy = HistoryEvent(
            case_id=case_id, seq=event.seq, at=event.at, actor=event.actor, kind=event.kind,
            element_id=event.element_id, data=event.data, prev_hash=previous,
        )  # fmt: skip
        copy.hash = previous = event_hash(copy)
        rows.append({c: getattr(copy, c) for c in ("case_id", "seq", "at", "actor", "kind", "element_id",
                                                   "data", "prev_hash", "hash")})  # fmt: skip
    return rows


def read_all(session, ids: list[str]) -> int:
    """Read every history row of the cases, checking nothing (the baseline)."""
    count = 0
    for start in range(0, len(ids), 500):
        query = select(HistoryEvent).where(HistoryEvent.case_id.in_(ids[start : start + 500]))
        count += len(list(session.scalars(query)))
        session.expunge_all()
    return count


def verify_all(session, ids: list[str]) -> int:
    """Re-compute every chain; return the number of events checked."""
    checks = list(check_cases(session, ids))
    assert all(check.intact for check in checks), "a copied chain does not verify"
    return sum(check.events for check in checks)


def replay_all(session, ids: list[str]) -> int:
    """Replay every case against its pinned definition; return the number of events replayed."""
    definition = session.scalars(select(ProcessDefinition)).one()
    specs = specs_of(definition)
    count = 0
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        by_case: dict[str, list] = {c: [] for c in batch}
        query = select(HistoryEvent).where(HistoryEvent.case_id.in_(batch)).order_by(HistoryEvent.seq)
        for event in session.scalars(query):
            by_case[event.case_id].append(event)
        for case_id, events in by_case.items():
            result = replay_events(case_id, events, *specs)
            assert result.reproduced, f"{case_id} did not replay: {result.divergence}"
            count += result.events
        session.expunge_all()
    return count


def main() -> None:
    print(f"audit over {CASES} recorded cases (events per second; ratio = rate / baseline rate)")
    print(f"{'database':<11} {'operation':<22} {'events':>9} {'seconds':>8} {'events/s':>10} {'ratio':>7}")
    for label, url in scratch_databases():
        upgrade(url)
        store = Store(url)
        print(f"  ... {label}: recording and copying {CASES} cases", file=sys.stderr, flush=True)
        copy_cases(store, record_templates(Orchestrator(store)), CASES)
        with store.unit_of_work() as session:
            ids = case_ids(session)
        base = None
        for name, operation in (
            ("read (baseline)", read_all),
            ("verify", verify_all),
            ("replay", replay_all),
        ):
            with store.unit_of_work() as session:
                started = time.perf_counter()
                events = operation(session, ids)
                seconds = time.perf_counter() - started
            rate = events / seconds
            base = base or rate
            print(f"{label:<11} {name:<22} {events:>9} {seconds:8.2f} {rate:10.0f} {rate / base:7.3f}")
        store.dispose()


if __name__ == "__main__":
    main()
