"""Fire due timers from the database, in batches, once each, and wake up when the next one is due.

Due times live in the `timers` table: timer events of cases, and timer start events of
definitions, which start a case when they fire. A sweep claims due timers in batches, one
transaction each: it picks up to `BATCH` timers that wait, are due and are not held by
another claim (or by one whose lease lapsed) and marks them with its own claim and a
lease. On PostgreSQL a claimer skips the rows another claimer is marking at that moment,
so sweeps of several threads, processes and hosts take disjoint batches; SQLite takes one
writer at a time. Each claimed timer then fires in a transaction of its own (state,
projections and history together), on a small thread pool on PostgreSQL, in the sweep's
thread on SQLite (one writer at a time). The fire reads the
timer only while the claim on it is still its own and clears the claim, which moves the
timer's version: a second transaction firing the same timer at the same moment fails on
that version, and on the case's revision, so no timer fires twice. A process that dies
between claim and fire leaves claims that lapse after `LEASE`; the next sweep anywhere
takes those timers again, so none is lost.

Nothing ends a sweep early: a timer whose transaction meets a busy database or a case
changed at the same moment is tried again after a short pause, a timer that still cannot
fire is released at the end of the sweep for the next one, and the sweep goes on with the
other due timers. Whatever happened, the service wakes up next just after the next due time,
or when another's claim lapses; timers missed while down fire at the first sweep.
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.errors import Conflict, InvalidCommand, ProcessError
from engine.runtime import commands
from engine.runtime.events import start_events
from store import returned
from store.db import Store
from store.models import Incident, Timer
from store.returned import every_column

log = logging.getLogger(__name__)
SWEEP_INTERVAL = timedelta(seconds=30)  # a safety net: the service wakes at each due time
WATCH_INTERVAL = timedelta(seconds=0.2)  # how often the service looks for a timer armed elsewhere
TRIES = 5  # tries of one timer in one sweep while the database is busy or its case changes
FIRST_PAUSE = 0.05  # seconds before the second try, doubling
RETRY_SOON = timedelta(seconds=1)  # the next sweep after one that left due timers, doubling
BATCH = 100  # due timers claimed at once
LEASE = timedelta(seconds=30)  # how long a claim holds; far longer than firing a batch takes
POOL_THREADS = 4  # firing threads on PostgreSQL
# a busy or unreachable database, a case changed by another command at the same moment
TRANSIENT = (DBAPIError, StaleDataError, Conflict)
_HOST = socket.gethostname()
NOT_TRIED = object()  # what a claimed timer's fire gives when the service stops first


@dataclass
class Sweep:
    """What one sweep did: how many timers fired, which due ones it had to leave."""

    fired: int = 0
    left: set[str] = field(default_factory=set)
    exhausted: bool = False  # it stopped at its limit with timers perhaps still due


def fire_due_timers(store: Store, actor: str = "timer", limit: int = 1000) -> int:
    """Fire every timer due by now, one transaction each; return how many fired."""
    return sweep_due_timers(store, actor, limit).fired


def sweep_due_timers(
    store: Store,
    actor: str = "timer",
    limit: int = 1000,
    pause: Callable[[float], None] = time.sleep,
    pool: Executor | None = None,
    batch: int = BATCH,
    stopping: Callable[[], bool] = lambda: False,
) -> Sweep:
    """Claim the timers due by now in batches and fire them; one that cannot fire is left, the others fire."""
    sweep = Sweep()
    claim = f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    tried = 0
    # a timer due again after it fired or failed in this sweep (a job's next try, a cycle) is the next sweep's
    started = clock.now()
    not_tried: set[str] = set()  # claimed when the service was asked to stop: given back
    try:
        while not stopping():
            if tried >= limit:
                sweep.exhausted = True
                break
            claimed = _retrying(partial(claim_due, store, claim, min(batch, limit - tried), started), pause)
            if not claimed:
                break
            tried += len(claimed)
            fire = partial(_fire_claimed, store, claim=claim, actor=actor, pause=pause, stopping=stopping)
            for timer_id, fired in zip(claimed, _run_all(fire, claimed, pool), strict=True):
                if fired is None:
                    sweep.left.add(timer_id)
                elif fired is NOT_TRIED:
                    not_tried.add(timer_id)
                sweep.fired += fired is True
    finally:
        if sweep.left or not_tried:
            _release_leaving_the_lease(store, claim, sweep.left | not_tried)
    return sweep


def _run_all(fire: Callable[[str], bool | None], timer_ids: list[str], pool: Executor | None) -> list:
    if pool is None:
        return [fire(timer_id) for timer_id in timer_ids]
    futures = [pool.submit(contextvars.copy_context().run, fire, timer_id) for timer_id in timer_ids]
    return [future.result() for future in futures]


def claim_due(store: Store, claim: str, size: int, due_before: datetime | None = None) -> list[str]:
    """Claim up to `size` timers due by `due_before` (now) that nobody holds, for `claim`, under a lease.

    Return their ids by due time.
    """
    now = clock.now()
    claimable = and_(
        Timer.status == "waiting",
        Timer.due_at < min(now, due_before or now),
        or_(Timer.claimed_until.is_(None), Timer.claimed_until < now),
    )
    due = select(Timer.id).where(claimable).order_by(Timer.due_at, Timer.id).limit(size)
    if store.is_postgresql:  # rows another claimer is marking now are its own: take the next ones
        due = due.with_for_update(skip_locked=True)
    with store.unit_of_work() as session:
        # the ids first, then the claim: as one UPDATE ... IN (SELECT ... LIMIT), PostgreSQL may
        # run the locking subquery more than once and claim more than `size`
        timer_ids = list(session.scalars(due))
        if not timer_ids:
            return []
        rows = session.execute(
            update(Timer)
            .where(Timer.id.in_(timer_ids), claimable)
            .values(claimed_by=claim, claimed_until=now + LEASE)
            .returning(Timer.id, Timer.due_at)
            .execution_options(synchronize_session=False)
        ).all()
    return [timer_id for timer_id, _ in sorted(rows, key=lambda row: (clock.as_utc(row[1]), row[0]))]


def _release_leaving_the_lease(store: Store, claim: str, timer_ids: set[str]) -> None:
    """Give back timers that could not fire so the next sweep tries them; if this fails, the lease lapses."""
    try:
        with store.unit_of_work() as session:
            session.execute(
                update(Timer)
                .where(Timer.id.in_(timer_ids), Timer.claimed_by == claim)
                .values(claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )
    except Exception:
        log.warning("timers left by a sweep could not be released; their lease lapses", exc_info=True)


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


def _fire_claimed(store: Store, timer_id: str, claim: str, actor: str, pause, stopping) -> object:
    """Fire a claimed timer: True if it fired, False if it no longer needs to, None if it could not."""
    if stopping():
        return NOT_TRIED  # a stopping service ends soon; the next sweep anywhere fires it
    try:
        try:
            return _retrying(partial(_fire, store, timer_id, claim, actor), pause)
        except ProcessError as error:  # the diagram's fault: an incident, and the timer is done
            return _retrying(partial(_raise_incident, store, timer_id, claim, error), pause)
    except Exception:  # one timer never ends the sweep
        log.exception("timer %s could not fire; the next sweep tries again", timer_id)
        return None


def _claimed(session: Session, timer_id: str, claim: str) -> Timer | None:
    """Read timer `timer_id` if it still waits under `claim`, and clear the claim (moving its version)."""
    return returned.first_claimed(session, Timer, _TAKE_CLAIMED, {"timer_id": timer_id, "claim": claim})


# read and unclaim in one statement, built once and run as Core (store/returned.py): every fire runs it
_TIMER = Timer.__table__.c
_TAKE_CLAIMED = (
    update(Timer.__table__)
    .where(_TIMER.id == bindparam("timer_id"), _TIMER.claimed_by == bindparam("claim"))
    .where(_TIMER.status == "waiting")
    .values(claimed_by=None, claimed_until=None, version=_TIMER.version + 1)
    .returning(*every_column(Timer))
)


def _fire(store: Store, timer_id: str, claim: str, actor: str) -> bool:
    """Fire timer `timer_id` in one transaction while `claim` holds it; False if it no longer waits."""
    with store.unit_of_work() as session:
        timer = _claimed(session, timer_id, claim)
        if timer is None:
            return False  # cancelled, or taken by another after this claim lapsed
        if clock.as_utc(timer.due_at) >= clock.now():
            return False  # its case moved the due time since the claim: released, it fires when due
        if timer.case_id is None:  # a timer start event of a definition
            _start_case(session, timer, actor)
        else:
            commands.fire_timer(session, timer, actor)
        return True


def _raise_incident(store: Store, timer_id: str, claim: str, error: ProcessError) -> bool:
    with store.unit_of_work() as session:
        timer = _claimed(session, timer_id, claim)
        if timer is None:
            return False
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
        return True


def _start_case(session, timer: Timer, actor: str) -> None:
    """Fire a timer start event: a new case; a start that fails is logged and the cycle goes on."""
    try:
        with session.begin_nested():
            start_events.fire(session, timer, actor)
    except (ProcessError, InvalidCommand) as error:
        log.error("timer start %s of definition %s failed: %s", timer.element_id, timer.definition_id, error)
        start_events.settle(session, timer, "failed")


def next_due_at(store: Store, after: datetime | None = None) -> datetime | None:
    """Return when a waiting timer (after `after`) can next be claimed: when due, or when its claim lapses."""
    free = select(func.min(Timer.due_at)).where(
        Timer.status == "waiting", or_(Timer.claimed_until.is_(None), Timer.claimed_until <= Timer.due_at)
    )
    held = select(func.min(Timer.claimed_until)).where(
        Timer.status == "waiting", Timer.claimed_until > Timer.due_at
    )
    if after is not None:
        free, held = free.where(Timer.due_at > after), held.where(Timer.claimed_until > after)
    with store.reading() as session:
        times = [clock.as_utc(t) for t in (session.scalar(free), session.scalar(held)) if t is not None]
    return min(times, default=None)


def _wake_time(due: datetime) -> datetime:
    return max(due, clock.now()) + timedelta(milliseconds=5)


class TimerService:
    """Runs the timer sweep in the serving process with APScheduler: at each due time, and as a safety net."""

    def __init__(
        self,
        store: Store,
        sweep_interval: timedelta = SWEEP_INTERVAL,
        threads: int | None = None,
        batch: int = BATCH,
    ) -> None:
        self.store = store
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self.sweep_interval = sweep_interval
        # SQLite takes one writer at a time: more firing threads would only queue for its lock
        self.threads = threads if threads is not None else (POOL_THREADS if store.is_postgresql else 1)
        self.batch = batch
        self._pool: ThreadPoolExecutor | None = None
        self._stopping = threading.Event()
        self._swept_at = clock.now()
        self._sweeps_leaving_timers = 0
        self._sweeping = 0  # sweeps running now; each sets the next wake-up when it ends
        self._counting = threading.Condition()

    def start(self) -> None:
        """Fire what was missed while down, then sweep at each due time, and periodically as a safety net."""
        if self.threads > 1:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="timer-fire")
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
        with self._counting:
            self._sweeping += 1
        try:
            result = sweep_due_timers(
                self.store, pool=self._pool, batch=self.batch, stopping=self._stopping.is_set
            )
        except Exception:  # the service must keep waking up
            log.exception("the timer sweep failed; it runs again shortly")
        finally:
            with self._counting:
                self._sweeping -= 1
                self._counting.notify_all()
            self._swept_at = started
            if not self._stopping.is_set():
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
        if self._sweeping:
            return  # the running sweep sets the wake-up when it ends
        try:
            due = next_due_at(self.store, after=self._swept_at)
        except Exception:  # the next look comes shortly
            log.warning("the timer watch could not read the next due time", exc_info=True)
            return
        wake = self.scheduler.get_job("wake")
        if due is not None and (wake is None or _wake_time(due) < wake.next_run_time):
            self.wake_at(due)

    def wake_at(self, due: datetime | None) -> None:
        """Schedule a sweep just after `due` (timers fire strictly after their due time)."""
        if due is None or self._stopping.is_set():
            return
        self.scheduler.add_job(
            self.sweep,
            "date",
            run_date=_wake_time(due),
            id="wake",
            replace_existing=True,
            # the sweep that set this wake-up may still count as running when it comes due
            max_instances=2,
            coalesce=True,
        )

    def stop(self) -> None:
        """Stop claiming and firing, give back what the running sweep claimed, and stop the scheduler."""
        self._stopping.set()
        if self.scheduler.running:
            # not wait=True: APScheduler waits holding the lock a finishing sweep needs to set its wake-up
            self.scheduler.shutdown(wait=False)
        with self._counting:
            self._counting.wait_for(lambda: self._sweeping == 0)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
