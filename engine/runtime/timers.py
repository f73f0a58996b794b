"""Fire due timers from the database, once each, and wake up when the next one is due.

Due times live in the `timers` table: timer events of cases, and timer start events of
definitions, which start a case when they fire. A sweep reads the due timers and fires each in
a transaction of its own, after claiming it with a conditional UPDATE (still waiting,
still due) checked by its row count, so several serving processes never fire the same
timer, on any database. Nothing ends a sweep early: a timer whose transaction meets a
busy database or a case changed at the same moment is tried again after a short
pause, a timer that still cannot fire is left for the next sweep, and the sweep goes
on with the other due timers. Whatever happened, the service sets its next wake-up.
Timers missed while the process was down are simply due, and fire at the first sweep
after start-up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.errors import Conflict, InvalidCommand, ProcessError
from engine.runtime import commands
from engine.runtime.events import start_events
from store.db import Store
from store.models import Incident, Timer

log = logging.getLogger(__name__)
SWEEP_INTERVAL = timedelta(seconds=30)
WATCH_INTERVAL = timedelta(seconds=1)  # how often the service looks for a timer armed since its sweep
TRIES = 5  # tries of one timer in one sweep while the database is busy or its case changes
FIRST_PAUSE = 0.05  # seconds before the second try, doubling
RETRY_SOON = timedelta(seconds=1)  # the next sweep after one that left due timers, doubling
BATCH = 200  # due timers read at once
# a busy or unreachable database, a case changed by another command at the same moment
TRANSIENT = (DBAPIError, StaleDataError, Conflict)


@dataclass
class Sweep:
    """What one sweep did: how many timers fired, which due ones it had to leave."""

    fired: int = 0
    left: set[str] = field(default_factory=set)
    exhausted: bool = False  # it stopped at its limit with timers still due


def fire_due_timers(store: Store, actor: str = "timer", limit: int = 1000) -> int:
    """Fire every timer due by now, one transaction each; return how many fired."""
    return sweep_due_timers(store, actor, limit).fired


def sweep_due_timers(
    store: Store, actor: str = "timer", limit: int = 1000, pause: Callable[[float], None] = time.sleep
) -> Sweep:
    """Fire the timers due by now; one that cannot fire is left, and the others still fire."""
    sweep = Sweep()
    tried: set[str] = set()
    while due := _retrying(lambda: _due_timer_ids(store, tried), pause):
        for timer_id in due:
            if len(tried) >= limit:
                sweep.exhausted = True
                return sweep
            tried.add(timer_id)
            try:
                sweep.fired += _retrying(lambda timer_id=timer_id: _fire(store, timer_id, actor), pause)
            except Exception:  # one timer never ends the sweep
                log.exception("timer %s could not fire; the next sweep tries again", timer_id)
                sweep.left.add(timer_id)
    return sweep


def _retrying(attempt: Callable, pause: Callable[[float], None]):
    """Run `attempt`, again after a growing pause while the failure is transient."""
    for number in range(1, TRIES + 1):
        try:
            return attempt()
        except TRANSIENT as error:
            if number == TRIES:
                raise
            log.info("timer sweep: %s; trying again", type(error).__name__)
            pause(FIRST_PAUSE * 2 ** (number - 1))
    raise AssertionError("unreachable")


def _due_timer_ids(store: Store, tried: set[str]) -> list[str]:
    with store.reading() as session:
        query = (
            select(Timer.id)
            .where(Timer.status == "waiting", Timer.due_at < clock.now(), Timer.id.not_in(tried))
            .order_by(Timer.due_at, Timer.id)
            .limit(BATCH)
        )
        return list(session.scalars(query))


def _fire(store: Store, timer_id: str, actor: str) -> bool:
    """Claim timer `timer_id` while it waits and is due, and fire it; False if it no longer does."""
    with store.unit_of_work() as session:
        claimed = session.execute(
            update(Timer)
            .where(Timer.id == timer_id, Timer.status == "waiting", Timer.due_at < clock.now())
            .values(version=Timer.version + 1)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            return False  # fired by another sweep, or cancelled, at this very moment
        timer = session.get(Timer, timer_id, populate_existing=True)
        if timer.case_id is None:  # a timer start event of a definition
            _start_case(session, timer, actor)
            return True
        try:
            with session.begin_nested():
                commands.fire_timer(session, timer, actor)
        except ProcessError as error:
            _raise_incident(session, timer, error)
        return True


def _raise_incident(session, timer: Timer, error: ProcessError) -> None:
    log.error("timer %s of case %s failed: %s", timer.element_id, timer.case_id, error)
    timer.status = "incident"
    session.add(
        Incident(
            case_id=timer.case_id,
            element_id=timer.element_id,
            kind="failedTimer",
            message=str(error),
            created_at=clock.now(),
        )
    )


def _start_case(session, timer: Timer, actor: str) -> None:
    """Fire a timer start event: a new case; a start that fails is logged and the cycle goes on."""
    try:
        with session.begin_nested():
            start_events.fire(session, timer, actor)
    except (ProcessError, InvalidCommand) as error:
        log.error("timer start %s of definition %s failed: %s", timer.element_id, timer.definition_id, error)
        start_events.settle(session, timer, "failed")


def next_due_at(store: Store, after: datetime | None = None) -> datetime | None:
    """Return when the earliest waiting timer (due after `after`, if given) is due, or None."""
    query = select(func.min(Timer.due_at)).where(Timer.status == "waiting")
    if after is not None:
        query = query.where(Timer.due_at > after)
    with store.reading() as session:
        due = session.scalar(query)
    return clock.as_utc(due) if due is not None else None


def _wake_time(due: datetime) -> datetime:
    return max(due, clock.now()) + timedelta(milliseconds=5)


class TimerService:
    """Runs the timer sweep in the serving process with APScheduler."""

    def __init__(self, store: Store, sweep_interval: timedelta = SWEEP_INTERVAL) -> None:
        self.store = store
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self.sweep_interval = sweep_interval
        self._swept_at = clock.now()
        self._sweeps_leaving_timers = 0

    def start(self) -> None:
        """Fire what was missed while down, then sweep periodically and at each due time."""
        self.scheduler.start()
        self.scheduler.add_job(
            self.sweep,
            "interval",
            seconds=self.sweep_interval.total_seconds(),
            id="sweep",
            next_run_time=clock.now(),
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.add_job(
            self.watch,
            "interval",
            seconds=WATCH_INTERVAL.total_seconds(),
            id="watch",
            max_instances=1,
            coalesce=True,
        )

    def sweep(self) -> None:
        """Fire due timers, then set the wake-up for the next one, whatever happened."""
        started = clock.now()
        result = None
        try:
            result = sweep_due_timers(self.store)
        except Exception:  # the service must keep waking up
            log.exception("the timer sweep failed; it runs again shortly")
        finally:
            self._swept_at = started
            self._rearm(result, started)

    def _rearm(self, result: Sweep | None, started: datetime) -> None:
        try:
            upcoming = next_due_at(self.store, after=started)
        except Exception:  # the wake-up is set below all the same
            log.exception("the next due time could not be read; the sweep runs again shortly")
            result, upcoming = None, None
        if result is not None and result.exhausted and not result.left:
            self.wake_at(clock.now())  # more is due than one sweep fires: carry on at once
            return
        if result is None or result.left:
            self._sweeps_leaving_timers += 1
            pause = min(RETRY_SOON * 2 ** (self._sweeps_leaving_timers - 1), self.sweep_interval)
            soon = clock.now() + pause
            upcoming = min(upcoming, soon) if upcoming is not None else soon
        else:
            self._sweeps_leaving_timers = 0
        self.wake_at(upcoming)

    def watch(self) -> None:
        """Wake up earlier for a timer armed since the last sweep that is due before the planned wake-up."""
        try:
            due = next_due_at(self.store, after=self._swept_at)
        except Exception:  # the next look comes in a second
            log.warning("the timer watch could not read the next due time", exc_info=True)
            return
        wake = self.scheduler.get_job("wake")
        if due is not None and (wake is None or _wake_time(due) < wake.next_run_time):
            self.wake_at(due)

    def wake_at(self, due: datetime | None) -> None:
        """Schedule a sweep just after `due` (timers fire strictly after their due time)."""
        if due is None:
            return
        self.scheduler.add_job(
            self.sweep,
            "date",
            run_date=_wake_time(due),
            id="wake",
            replace_existing=True,
            max_instances=1,
            coalesce=True,
        )

    def stop(self) -> None:
        """Stop the scheduler, waiting for a running sweep to finish."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
