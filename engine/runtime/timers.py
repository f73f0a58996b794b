"""Fire due timers from the database, once each, and wake up when the next one is due.

Due times live in the `timers` table: timer events of cases, and timer start events of
definitions, which start a case when they fire. A sweep claims one due timer at a time
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several serving processes never fire
the same timer), fires it through the engine and commits. Timers missed while the
process was down are simply due, and fire at the first sweep after start-up.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.errors import Conflict, InvalidCommand, ProcessError
from engine.runtime import commands
from engine.runtime.events import start_events
from store.db import Store
from store.models import Incident, Timer

log = logging.getLogger(__name__)
SWEEP_INTERVAL = timedelta(seconds=30)


def fire_due_timers(store: Store, actor: str = "timer", limit: int = 1000) -> int:
    """Fire every timer due by now, one transaction each; return how many fired."""
    fired = 0
    for _ in range(limit):
        try:
            timer_id = _fire_next(store, actor)
        except (StaleDataError, Conflict):
            log.info("a timer's case changed while firing; the next sweep tries again")
            break
        if timer_id is None:
            break
        fired += 1
    return fired


def _fire_next(store: Store, actor: str) -> str | None:
    """Claim and fire the earliest due timer; return its id, or None when nothing is due."""
    with store.unit_of_work() as session:
        timer = session.scalars(
            select(Timer)
            .where(Timer.status == "waiting", Timer.due_at < clock.now())
            .order_by(Timer.due_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if timer is None:
            return None
        timer_id, case_id, element_id = timer.id, timer.case_id, timer.element_id
        if case_id is None:
            _start_case(session, timer, actor)
            return timer_id
        try:
            with session.begin_nested():
                commands.fire_timer(session, timer, actor)
        except ProcessError as error:
            log.error("timer %s of case %s failed: %s", element_id, case_id, error)
            timer.status = "incident"
            session.add(
                Incident(
                    case_id=case_id,
                    element_id=element_id,
                    kind="failedTimer",
                    message=str(error),
                    created_at=clock.now(),
                )
            )
        return timer_id


def _start_case(session, timer: Timer, actor: str) -> None:
    """Fire a timer start event: a new case; a start that fails is logged and the cycle goes on."""
    try:
        with session.begin_nested():
            start_events.fire(session, timer, actor)
    except (ProcessError, InvalidCommand) as error:
        log.error("timer start %s of definition %s failed: %s", timer.element_id, timer.definition_id, error)
        start_events.settle(session, timer, "failed")


def next_due_at(store: Store) -> datetime | None:
    """Return when the earliest waiting timer is due, or None."""
    with store.unit_of_work() as session:
        due = session.scalar(select(func.min(Timer.due_at)).where(Timer.status == "waiting"))
    return clock.as_utc(due) if due is not None else None


class TimerService:
    """Runs the timer sweep in the serving process with APScheduler."""

    def __init__(self, store: Store, sweep_interval: timedelta = SWEEP_INTERVAL) -> None:
        self.store = store
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self.sweep_interval = sweep_interval

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

    def sweep(self) -> None:
        """Fire due timers, then set the wake-up for the next one."""
        fire_due_timers(self.store)
        self.wake_at(next_due_at(self.store))

    def wake_at(self, due: datetime | None) -> None:
        """Schedule a sweep just after `due` (timers fire strictly after their due time)."""
        if due is None:
            return
        when = max(due, clock.now()) + timedelta(milliseconds=5)
        self.scheduler.add_job(
            self.sweep,
            "date",
            run_date=when,
            id="wake",
            replace_existing=True,
            max_instances=1,
            coalesce=True,
        )

    def stop(self) -> None:
        """Stop the scheduler, waiting for a running sweep to finish."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
