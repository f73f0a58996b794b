"""Time the officers' task list with many cases in the store, on SQLite and PostgreSQL.

Cases, their labels and one open officer task each are inserted directly in bulk; then
the task-list page and the tasks JSON API are requested through Flask's test client as a
signed-in officer. The baseline is the same requests with BASELINE cases, measured in
the same run: the ratio says how the list grows with the store.

LICFLOW_BENCH_TASK_CASES (100000) sets the large size, LICFLOW_BENCH_REQUESTS (40) how
often each page is asked for.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.databases import DATABASE_KINDS, scratch_database
from engine.orchestrator import Orchestrator
from engine.runtime.definitions import read_documents
from store.db import Store
from store.migrate import upgrade
from store.models import Case, CaseLabel, UserTask
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("LICFLOW_BENCH_TASK_CASES", "100000"))
BASELINE = 1000
REQUESTS = int(os.environ.get("LICFLOW_BENCH_REQUESTS", "40"))
BATCH = 5000
P95_LIMIT_MS = 50  # the bound on the task list at 100,000 cases
KINDS = ("one_time", "general", "exclusive")
PAGES = {
    "task list page": "/tasks",
    "page, kind filter": "/tasks?kind=exclusive",
    "page, key filter": "/tasks?business_key=APP-0000777",
    "tasks JSON API": "/api/tasks",
}


def fill(store: Store, definition_id: int, count: int) -> None:
    """Insert `count` running cases, each with a label and an open officer task."""
    start = datetime(2026, 1, 5, 4, 0, tzinfo=UTC)
    with store.engine.begin() as connection:
        for first in range(0, count, BATCH):
            cases, labels, tasks = [], [], []
            for number in range(first, min(first + BATCH, count)):
                case_id = str(uuid.uuid4())
                at = start + timedelta(minutes=number)
                cases.append(
                    dict(
                        id=case_id,
                        business_key=f"APP-{number:07d}",
                        definition_id=definition_id,
                        status="running",
                        state="",
                        started_at=at,
                        updated_at=at,
                        ended_at=None,
                        revision=1,
                    )
                )
                labels.append(
                    dict(
                        case_id=case_id,
                        kind=KINDS[number % 3],
                        direction="export",
                        list_section="2.16",
                        applicant_name=f"Applicant {number}",
                    )
                )
                tasks.append(
                    dict(
                        id=str(uuid.uuid4()),
                        case_id=case_id,
                        element_id="officer_review",
                        name="Review the application",
                        status="open",
                        candidate_groups=",officers,",
                        candidate_users=None,
                        assignee=None,
                        form_key="officer_review",
                        due_at=at + timedelta(days=5),
                        created_at=at,
                        completed_at=None,
                        completed_by=None,
                    )
                )
            connection.execute(sa.insert(Case), cases)
            connection.execute(sa.insert(CaseLabel), labels)
            connection.execute(sa.insert(UserTask), tasks)


def measure(url: str, count: int) -> dict[str, list[float]]:
    """Fill a fresh database at `url` with `count` cases and time each page."""
    upgrade(url)
    store = Store(url)
    orchestrator = Orchestrator(store)
    (deployed, *_) = orchestrator.deploy(read_documents([ROOT / "bpmn"]), actor="bench")
    fill(store, deployed.definition_id, count)
    with orchestrator.transaction() as db:
        from engine.people.users import add_user

        add_user(db, "officer", "bench-password", ["officers"])
    if store.is_postgresql:
        with store.engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
    client = create_app(orchestrator, {"SECRET_KEY": "bench"}).test_client()
    with client.session_transaction() as session:
        session["username"] = "officer"
    times: dict[str, list[float]] = {}
    for label, path in PAGES.items():
        assert client.get(path).status_code == 200, path  # warm up
        samples = times.setdefault(label, [])
        for _ in range(REQUESTS):
            started = time.perf_counter()
            answer = client.get(path)
            samples.append(time.perf_counter() - started)
            assert answer.status_code == 200
    store.dispose()
    return times


def _stats(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    print(f"task list, {CASES} cases vs {BASELINE} (ms per request, {REQUESTS} requests each)")
    print(f"ratio = median with many cases / median with the baseline; p95 ok = p95 <= {P95_LIMIT_MS} ms")
    header = (
        f"{'database':<11} {'page':<19} {'base med':>9} {'median':>8} {'p95':>8} {'ratio':>7} {'p95 ok':>7}"
    )
    print(header)
    for label in DATABASE_KINDS:
        results = {}
        for count in (BASELINE, CASES):
            with scratch_database(label) as url:
                if url is None:
                    break
                print(f"  ... {label}: {count} cases", file=sys.stderr, flush=True)
                results[count] = measure(url, count)
        if len(results) < 2:
            continue
        for page in PAGES:
            base, _ = _stats(results[BASELINE][page])
            median, p95 = _stats(results[CASES][page])
            within = "yes" if p95 * 1000 <= P95_LIMIT_MS else "NO"
            figures = (
                f"{base * 1000:9.2f} {median * 1000:8.2f} {p95 * 1000:8.2f} {median / base:7.2f} {within:>7}"
            )
            print(f"{label:<11} {page:<19} {figures}")


if __name__ == "__main__":
    main()
