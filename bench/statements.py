"""One prebuilt statement, three ways: through Core, run directly (store/direct.py), and on the bare driver.

Each is the claim of a timer (UPDATE ... RETURNING, with a datetime parameter) and the read of
a case's head (a SELECT), run `ROUNDS` times in one transaction on a scratch database of each
kind. The figure is µs a statement; the ratios are against Core in the same run.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update

from bench.databases import scratch_databases
from store import direct
from store.db import Store
from store.migrate import upgrade
from store.models import Case, Timer

ROUNDS = int(os.environ.get("LICFLOW_BENCH_STATEMENT_ROUNDS", "5000"))
_TIMERS, _CASES = Timer.__table__, Case.__table__
CLAIM = (
    update(_TIMERS)
    .where(_TIMERS.c.id == bindparam("timer_id"), _TIMERS.c.status == "waiting")
    .values(claimed_until=bindparam("until"))
    .returning(_TIMERS.c.id, _TIMERS.c.due_at)
)
READ = select(_CASES.c.id, _CASES.c.revision, _CASES.c.updated_at).where(_CASES.c.id == bindparam("case_id"))
UNTIL = datetime(2031, 3, 2, 9, 0, tzinfo=UTC)


def _per_statement(run) -> float:
    started = time.perf_counter()
    for _ in range(ROUNDS):
        run()
    return (time.perf_counter() - started) / ROUNDS * 1e6


def measure(store: Store) -> dict[str, float]:
    """Return µs a statement for Core, direct and the bare driver."""
    claim, read = {"timer_id": "t-none", "until": UNTIL}, {"case_id": "c-none"}
    with store.unit_of_work() as session:
        connection = session.connection()
        cursor = connection.connection.dbapi_connection.cursor()
        bare = {
            name: str(s.compile(dialect=store.engine.dialect))
            for name, s in (("claim", CLAIM), ("read", READ))
        }
        positional = store.engine.dialect.paramstyle == "qmark"
        bare_claim = (
            (UNTIL.isoformat(" "), "t-none", "waiting") if positional else {**claim, "status_1": "waiting"}
        )
        bare_read = ("c-none",) if positional else read

        def on_driver():
            cursor.execute(bare["claim"], bare_claim)
            cursor.fetchall()
            cursor.execute(bare["read"], bare_read)
            cursor.fetchall()

        figures = {
            "Core": _per_statement(
                lambda: (connection.execute(CLAIM, claim).all(), connection.execute(READ, read).all())
            ),
            "direct": _per_statement(
                lambda: (
                    direct.execute(session, CLAIM, claim).all(),
                    direct.execute(session, READ, read).all(),
                )
            ),
            "driver": _per_statement(on_driver),
        }
    return {name: figure / 2 for name, figure in figures.items()}


def main() -> None:
    print(f"one statement, {ROUNDS:,} rounds of a claim and a read (µs a statement; ratio against Core)")
    print(f"{'database':<11} {'Core':>8} {'direct':>8} {'driver':>8} {'direct/Core':>12}")
    for label, url in scratch_databases():
        upgrade(url)
        store = Store(url)
        figures = measure(store)
        store.dispose()
        print(
            f"{label:<11} {figures['Core']:8.1f} {figures['direct']:8.1f} {figures['driver']:8.1f}"
            f" {figures['direct'] / figures['Core']:12.2f}"
        )


if __name__ == "__main__":
    main()
