"""Timer lateness: 10,000 timers due within 60 s, fired by the timer service, on SQLite and PostgreSQL.

Each timer is the `hearing_due` intermediate catch of a case of
bench/diagrams/timer_lateness.bpmn (a Modeler diagram; firing it opens a user task with a
boundary timer, so each fire writes state, projections and history). The cases are started
first with their due times spread evenly over a window in the future; the clock is then moved
(time-machine, ticking in real time) to just before the window and a `TimerService` runs as
`licflow serve` runs it. Lateness is `fired_at - due_at` of each timer. Every run starts from a
copy of the same database, and the heap settled as `licflow serve` settles it:

- batched: the service as it ships (batches of `BATCH`, its firing threads);
- baseline: the same service claiming one timer at a time and firing it in its sweep thread,
  the one-transaction-each sweep the batches replace;
- batched, 2 processes: a second serving process (forked) runs its own service on the same
  database, as two hosts on one PostgreSQL would: the claims keep each timer fired once;
- outage: the batched service stops for a while in the middle of the window and starts again,
  in one serving process and in two (both down, both back: on PostgreSQL `licflow serve`
  runs a timer service in each web process); the figure is how long after the restart every
  timer overdue at that moment had fired.

"once / twice / never" count the `timer_fired` events of each case: each timer fires once.
`python -m bench.timer_lateness --quick` (or LICFLOW_BENCH_TIMERS, LICFLOW_BENCH_TIMER_WINDOW,
LICFLOW_BENCH_TIMER_OUTAGE) runs small; `make bench` runs the full size.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import time_machine

from bench.databases import POSTGRES_ADMIN_URL, scratch_databases
from engine import clock
from engine.orchestrator import Orchestrator
from engine.runtime.timers import BATCH, TimerService
from licflow import serving
from store.db import Store
from store.migrate import upgrade
from store.models import HistoryEvent, Timer

DIAGRAM = Path(__file__).resolve().parent / "diagrams" / "timer_lateness.bpmn"
PROCESS = "bench_timer_lateness"
ELEMENT = "hearing_due"
WINDOW_STARTS = datetime(2031, 3, 2, 9, 0, tzinfo=UTC)
LEAD = timedelta(seconds=2)  # the service starts this long before the first timer is due
FULL = {"timers": 10_000, "window": 60.0, "outage": 20.0}
QUICK = {"timers": 600, "window": 10.0, "outage": 4.0}


@dataclass
class Size:
    timers: int
    window: float  # seconds over which the timers come due
    outage: float  # seconds the service is down in the outage run

    @classmethod
    def chosen(cls, argv: list[str]) -> Size:
        base = QUICK if "--quick" in argv else FULL
        return cls(
            int(os.environ.get("LICFLOW_BENCH_TIMERS", base["timers"])),
            float(os.environ.get("LICFLOW_BENCH_TIMER_WINDOW", base["window"])),
            float(os.environ.get("LICFLOW_BENCH_TIMER_OUTAGE", base["outage"])),
        )


@dataclass
class Outcome:
    lateness: list[float]  # seconds, of each fired timer
    once: int
    twice: int
    never: int
    caught_up: float | None = None  # outage: seconds from restart until every overdue timer fired
    overdue: int = 0  # outage: timers overdue at the restart


def create_cases(url: str, size: Size) -> None:
    """Start `size.timers` cases whose timers come due evenly over the window."""
    upgrade(url)
    store = Store(url, pool_size=8)
    orchestrator = Orchestrator(store)
    orchestrator.deploy({DIAGRAM.name: DIAGRAM.read_bytes()})
    step = size.window / size.timers

    def start(number: int) -> str:
        due = WINDOW_STARTS + timedelta(seconds=step * (number + 0.5))
        return orchestrator.start_case(PROCESS, f"hearing-{number}", {"hearing_at": due.isoformat()})

    threads = 4 if store.is_postgresql else 1  # SQLite writes one at a time
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(start, range(size.timers), chunksize=64))
    store.dispose()  # the last SQLite connection to close writes the WAL back into the file


@contextmanager
def copy_of(url: str) -> Iterator[str]:
    """Yield the URL of a copy of the database at `url`, removed afterwards."""
    if url.startswith("sqlite"):
        source = Path(url.split("///", 1)[1])
        target = source.with_name(f"copy-{uuid.uuid4().hex[:8]}.db")
        shutil.copy(source, target)
        if source.with_name(source.name + "-wal").exists():
            raise RuntimeError(f"{source} is still open: its WAL would not be copied")
        try:
            yield f"sqlite:///{target}"
        finally:
            target.unlink(missing_ok=True)
        return
    admin = sa.create_engine(
        POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    source, name = url.rsplit("/", 1)[1], f"licflow_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fired(store: Store) -> int:
    query = sa.select(sa.func.count()).where(Timer.element_id == ELEMENT, Timer.status == "fired")
    with store.reading() as session:
        return session.scalar(query)


def _wait_until_fired(store: Store, size: Size, until_fired: int) -> None:
    deadline = time.monotonic() + size.window + max(300.0, size.timers / 10)  # "never": not fired by then
    while _fired(store) < until_fired and time.monotonic() < deadline:
        time.sleep(0.25)


def _serve_beside(url: str, service_options: dict, done, down, up) -> None:
    """Run another serving process's timer service until `done` is set (a forked child).

    It is down, as the first process, between `down` and `up` (the outage run).
    """
    store = Store(url)
    service = TimerService(store, **service_options)
    service.start()
    while not done.wait(0.05):
        if down.is_set():
            service.stop()
            up.wait()
            service = TimerService(store, **service_options)
            service.start()
            down.clear()
    service.stop()
    store.dispose()
    os._exit(0)


def run(url: str, size: Size, service_options: dict, outage: bool = False, processes: int = 1) -> Outcome:
    """Run the timer service over the window on the database at `url`; measure each timer."""
    store = Store(url)
    restart = None
    serving.settle_heap()  # as `licflow serve` does once started (licflow/serving.py)
    forking = multiprocessing.get_context("fork")
    done, down, up = forking.Event(), forking.Event(), forking.Event()
    with time_machine.travel(WINDOW_STARTS - LEAD, tick=True):
        # forked inside the travel, so every process reads the same clock
        others = [
            forking.Process(target=_serve_beside, args=(url, service_options, done, down, up))
            for _ in range(processes - 1)
        ]
        for other in others:
            other.start()
        service = TimerService(store, **service_options)
        service.start()
        try:
            if outage:
                down_at = WINDOW_STARTS + timedelta(seconds=(size.window - size.outage) / 2)
                time.sleep(max(0.0, (down_at - clock.now()).total_seconds()))
                down.set()  # every process is down
                service.stop()
                time.sleep(size.outage)
                restart = clock.now()
                up.set()
                service = TimerService(store, **service_options)
                service.start()
            _wait_until_fired(store, size, size.timers)
        finally:  # also on Ctrl-C: the services' threads would keep the process alive
            done.set()
            service.stop()
            for other in others:
                other.join()
            serving.unsettle_heap()
    outcome = measure(store, size)
    if restart is not None:
        _measure_catch_up(store, restart, outcome)
    store.dispose()
    return outcome


def measure(store: Store, size: Size) -> Outcome:
    with store.reading() as session:
        rows = session.execute(
            sa.select(Timer.due_at, Timer.fired_at).where(
                Timer.element_id == ELEMENT, Timer.status == "fired"
            )
        ).all()
        fired = Counter(
            session.scalars(
                sa.select(HistoryEvent.case_id).where(
                    HistoryEvent.kind == "timer_fired", HistoryEvent.element_id == ELEMENT
                )
            )
        )
    lateness = [(clock.as_utc(fired_at) - clock.as_utc(due)).total_seconds() for due, fired_at in rows]
    once = sum(1 for n in fired.values() if n == 1)
    twice = sum(1 for n in fired.values() if n > 1)
    return Outcome(lateness, once, twice, size.timers - len(fired))


def _measure_catch_up(store: Store, restart: datetime, outcome: Outcome) -> None:
    with store.reading() as session:
        rows = session.execute(
            sa.select(Timer.due_at, Timer.fired_at).where(
                Timer.element_id == ELEMENT, Timer.status == "fired"
            )
        ).all()
    # overdue at the restart: due before it and not fired before the outage
    fired = [(clock.as_utc(due), clock.as_utc(fired_at)) for due, fired_at in rows]
    overdue = [fired_at for due, fired_at in fired if due < restart <= fired_at]
    outcome.overdue = len(overdue)
    outcome.caught_up = (max(overdue) - restart).total_seconds() if overdue else 0.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.0f}"


def _row(label: str, run_name: str, outcome: Outcome) -> str:
    late = sorted(outcome.lateness) or [float("nan")]
    return (
        f"{label:<11} {run_name:<24} {_ms(statistics.median(late))} {_ms(p99(outcome))} {_ms(late[-1])}"
        f" {outcome.once:>6} {outcome.twice:>5} {outcome.never:>5}"
    )


def p99(outcome: Outcome) -> float:
    late = sorted(outcome.lateness)
    return late[min(len(late) - 1, int(len(late) * 0.99))] if late else float("nan")


def main(argv: list[str] | None = None) -> None:
    size = Size.chosen(sys.argv[1:] if argv is None else argv)
    # a watch or safety-net sweep due while the last one still runs is skipped, with a warning each
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    print(
        f"timer lateness: {size.timers:,} timers due within {size.window:.0f} s"
        f" (fired_at - due_at in ms; once/twice/never: timer_fired events per case;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(
        f"{'database':<11} {'run':<24} {'p50':>9} {'p99':>9} {'max':>9} {'once':>6} {'twice':>5} {'never':>5}"
    )
    runs = {
        f"batched ({BATCH}/claim)": ({}, 1),
        "baseline (1 at a time)": ({"batch": 1, "threads": 1}, 1),
        "batched, 2 processes": ({}, 2),
    }
    for label, url in scratch_databases():
        print(f"  ... {label}: starting {size.timers:,} cases", file=sys.stderr, flush=True)
        create_cases(url, size)
        outcomes = {}
        for run_name, (options, processes) in runs.items():
            print(f"  ... {label}: {run_name}", file=sys.stderr, flush=True)
            with copy_of(url) as copy:
                outcomes[run_name] = run(copy, size, options, processes=processes)
            print(_row(label, run_name, outcomes[run_name]), flush=True)
        batched, baseline, _ = outcomes.values()
        print(f"{label:<11} p99 ratio baseline / batched: {p99(baseline) / max(p99(batched), 1e-9):.1f}x")
        print(f"  ... {label}: outage of {size.outage:.0f} s", file=sys.stderr, flush=True)
        for processes in (1, 2):
            with copy_of(url) as copy:
                outage = run(copy, size, {}, outage=True, processes=processes)
            print(_row(label, f"outage {size.outage:.0f} s, {processes} proc.", outage))
            print(
                f"{label:<11} after the {size.outage:.0f} s outage, {processes} process(es):"
                f" {outage.overdue:,} timers overdue at the restart,"
                f" all fired {outage.caught_up:.1f} s after it"
            )


if __name__ == "__main__":
    from licflow.wiring import install_procedure

    install_procedure()
    main()
