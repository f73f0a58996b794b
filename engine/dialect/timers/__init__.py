"""Timer definitions read as Camunda 7 reads them, once any `${...}` has been evaluated.

    schedule = schedule_for("timeCycle", "R3/PT10M", zone=ALMATY)
    first = schedule.first_due(now)                 # now + 10 minutes
    second = schedule.next_due(first, fired_count=1)
    schedule.next_due(third, fired_count=3)         # None: the cycle is exhausted

- `timeDate`: an ISO 8601 date-time (`2025-03-26T18:30:00+05:00`, `2025-03-26T18:30`, or a date),
  or a `datetime`/`date`; without an offset it is in the engine's `zone`. It is due then, even
  if that has passed (the timer fires at once, as in Camunda).
- `timeDuration`: an ISO 8601 duration (`PT10M`, `P1DT2H`, `P2W`, `PT1.5S`) or a `timedelta`,
  counted from `now`; negative durations are refused.
- `timeCycle`, ISO 8601 repeating intervals: `R/PT1H` (forever) and `R3/PT1H` (3 times) count
  from `now`; `R3/<start>/PT1H` fires at the start and then every hour (occurrences before
  `now` are skipped but count towards the 3); `R3/PT1H/<end>` counts from `now` and stops at
  the end. Or a Quartz cron expression with 6 or 7 fields, seconds first (`0 0 9 * * ?` is
  every day at 09:00 in the engine's zone), as Camunda reads any cycle not starting with R.

`first_due(now)` and `next_due(previous_due, fired_count)` take and return aware datetimes in
the engine's zone; `fired_count` counts the firings so far, the previous one included. Either
returns None when the timer will not fire (again). Durations' calendar parts (days, months)
keep the wall-clock time in the zone; hours, minutes and seconds are elapsed time. A bad
definition raises `TimerDefinitionError`, naming the text and the forms accepted.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal

from engine.dialect.timers.iso_times import IsoDuration, parse_date_time, parse_duration, require_aware
from engine.dialect.timers.quartz_cron import QuartzCron, parse_quartz

TimerKind = Literal["timeDate", "timeDuration", "timeCycle"]

ACCEPTED_FORMS = {
    "timeDate": "an ISO 8601 date-time such as 2025-03-26T18:30:00+05:00 (without an offset it is in {zone})",
    "timeDuration": "an ISO 8601 duration such as PT10M, P1DT2H or P2W",
    "timeCycle": (
        "R/<duration>, Rn/<duration>, Rn/<start>/<duration> or Rn/<duration>/<end> (ISO 8601, "
        "e.g. R3/PT10M), or a Quartz cron expression with 6 or 7 fields, seconds first (e.g. 0 0 9 * * ?)"
    ),
}
# A start-anchored cycle finds its place by estimate; this many steps of correction are plenty.
_MAX_CORRECTIONS = 1000
_REPEAT = re.compile(r"R(?P<times>\d{0,9})")


class TimerDefinitionError(ValueError):
    """A timer definition is not one of the forms Camunda 7 reads."""

    def __init__(self, kind: str, definition: Any, problem: str, accepted: str) -> None:
        super().__init__(f"Invalid {kind} {str(definition)!r}: {problem}. A {kind} is {accepted}.")
        self.kind = kind
        self.definition = definition
        self.problem = problem


class TimerSchedule(ABC):
    """When a timer is due: first from `now`, then after each firing."""

    definition: str

    @abstractmethod
    def first_due(self, now: datetime) -> datetime | None:
        """Return when the timer is first due, counted from `now` (None: never)."""

    def next_due(self, previous_due: datetime, fired_count: int) -> datetime | None:
        """Return when the timer is due again after firing at `previous_due`, or None when it is done."""
        return None


@dataclass(frozen=True)
class DueAt(TimerSchedule):
    """A timeDate: due once, at a fixed moment."""

    definition: str
    due: datetime

    def first_due(self, now: datetime) -> datetime:
        """Return the fixed moment, even when it has passed."""
        require_aware(now, "now")
        return self.due


@dataclass(frozen=True)
class DueAfter(TimerSchedule):
    """A timeDuration: due once, a duration after the timer starts."""

    definition: str
    duration: IsoDuration
    zone: tzinfo

    def first_due(self, now: datetime) -> datetime:
        """Return `now` plus the duration."""
        require_aware(now, "now")
        return _checked(self, lambda: self.duration.after(now, self.zone))


@dataclass(frozen=True)
class RepeatingInterval(TimerSchedule):
    """An ISO 8601 timeCycle: a period repeated `repetitions` times (None: forever)."""

    definition: str
    period: IsoDuration
    repetitions: int | None
    zone: tzinfo
    start: datetime | None = None
    end: datetime | None = None

    def first_due(self, now: datetime) -> datetime | None:
        """Return the first occurrence: now plus the period, or the start's first one not before now."""
        require_aware(now, "now")
        if self.start is None:
            return self._within_end(_checked(self, lambda: self.period.after(now, self.zone)))
        return self._anchored(self.start, now, strictly_after=False)

    def next_due(self, previous_due: datetime, fired_count: int) -> datetime | None:
        """Return the occurrence after `previous_due`, or None when the repetitions or the end are reached."""
        require_aware(previous_due, "previous_due")
        if self.repetitions is not None and fired_count >= self.repetitions:
            return None
        if self.start is None:
            return self._within_end(_checked(self, lambda: self.period.after(previous_due, self.zone)))
        return self._anchored(self.start, previous_due, strictly_after=True)

    def _within_end(self, due: datetime) -> datetime | None:
        return None if self.end is not None and _instant(due) > _instant(self.end) else due

    def _anchored(self, start: datetime, moment: datetime, *, strictly_after: bool) -> datetime | None:
        """Return the first `start + k * period` at (or after) `moment` with k below the repetitions."""

        def occurrence(index: int) -> datetime:
            return _checked(self, lambda: self.period.after(start, self.zone, index))

        def early(due: datetime) -> bool:
            return _instant(due) <= _instant(moment) if strictly_after else _instant(due) < _instant(moment)

        elapsed = (_instant(moment) - _instant(start)).total_seconds()
        index = max(0, math.floor(elapsed / self.period.approximate_seconds))
        for _ in range(_MAX_CORRECTIONS):
            if index > 0 and not early(occurrence(index - 1)):
                index -= 1
            elif early(occurrence(index)):
                index += 1
            else:
                break
        else:
            problem = "its occurrences cannot be counted from the start"
            raise TimerDefinitionError("timeCycle", self.definition, problem, ACCEPTED_FORMS["timeCycle"])
        if self.repetitions is not None and index >= self.repetitions:
            return None
        return self._within_end(occurrence(index))


@dataclass(frozen=True)
class CronCycle(TimerSchedule):
    """A Quartz cron timeCycle: due at every match, in the engine's zone."""

    definition: str
    cron: QuartzCron
    zone: tzinfo

    def first_due(self, now: datetime) -> datetime | None:
        """Return the first match after `now`."""
        return self.cron.next_after(require_aware(now, "now"), self.zone)

    def next_due(self, previous_due: datetime, fired_count: int) -> datetime | None:
        """Return the first match after `previous_due`."""
        return self.cron.next_after(require_aware(previous_due, "previous_due"), self.zone)


def _instant(moment: datetime) -> datetime:
    """Return the moment in UTC: Python compares two datetimes of one zone by their wall clocks."""
    return moment.astimezone(UTC)


def _checked(schedule: TimerSchedule, compute: Any) -> datetime:
    """Run a date computation, reporting a date beyond the calendar as a definition error."""
    try:
        return compute()
    except ValueError as error:
        accepted = "a date within the calendar"
        raise TimerDefinitionError("timer", schedule.definition, str(error), accepted) from None


def schedule_for(kind: TimerKind, value: str | date | timedelta, *, zone: tzinfo) -> TimerSchedule:
    """Read a timer definition (its `${...}` already evaluated) into a schedule in the engine's zone."""
    readers = {"timeDate": _time_date, "timeDuration": _time_duration, "timeCycle": _time_cycle}
    if kind not in readers:
        raise ValueError(f"a timer definition is timeDate, timeDuration or timeCycle, not {kind!r}")
    accepted = ACCEPTED_FORMS[kind].format(zone=getattr(zone, "key", zone))
    if isinstance(value, str) and not value.strip():
        raise TimerDefinitionError(kind, value, "the definition is empty", accepted)
    try:
        return readers[kind](value, zone)
    except ValueError as error:
        raise TimerDefinitionError(kind, value, str(error), accepted) from None


def _time_date(value: Any, zone: tzinfo) -> TimerSchedule:
    return DueAt(str(value), parse_date_time(value, zone))


def _time_duration(value: Any, zone: tzinfo) -> TimerSchedule:
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise ValueError("the duration is negative; a timer can only wait forward")
        return DueAfter(str(value), IsoDuration(seconds=value.total_seconds()), zone)
    if not isinstance(value, str):
        raise ValueError(f"{'null' if value is None else 'a ' + type(value).__name__} is not a duration")
    return DueAfter(value, parse_duration(value), zone)


def _time_cycle(value: Any, zone: tzinfo) -> TimerSchedule:
    if not isinstance(value, str):
        raise ValueError(f"{'null' if value is None else 'a ' + type(value).__name__} is not a cycle")
    text = value.strip()
    if not text.startswith("R"):
        if text.startswith("P"):
            raise ValueError(f"a cycle repeats a duration: write R/{text} (forever) or R3/{text} (3 times)")
        return CronCycle(text, parse_quartz(text), zone)
    head, *parts = text.split("/")
    repeat = _REPEAT.fullmatch(head)
    if repeat is None or not 1 <= len(parts) <= 2:
        raise ValueError("an ISO 8601 cycle is Rn/<duration>, Rn/<start>/<duration> or Rn/<duration>/<end>")
    repetitions = int(repeat["times"]) if repeat["times"] else None
    if repetitions == 0:
        raise ValueError("R0 repeats zero times, so the timer would never fire")
    start = end = None
    if len(parts) == 1:
        period = parse_duration(parts[0])
    elif parts[0].strip().startswith("P"):
        period, end = parse_duration(parts[0]), parse_date_time(parts[1], zone)
    else:
        start, period = parse_date_time(parts[0], zone), parse_duration(parts[1])
    if period.is_zero:
        raise ValueError("the period is zero, so the timer would fire endlessly at one moment")
    return RepeatingInterval(text, period, repetitions, zone, start, end)
