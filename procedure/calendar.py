"""Working days of the Republic of Kazakhstan, in the time zone Asia/Almaty.

The days come from the `holidays` package (`holidays.Kazakhstan`): public holidays, the
carry-over of a holiday that falls on a Saturday or Sunday, the days off without
carry-over (7 January, the first day of Kurban Ait) and the yearly transfers of days off,
including the Saturdays and Sundays a transfer makes working days. No holiday table is
written here by hand.

A transfer decree can appear before a library release has it. `calendar_overrides.json`,
next to this module, is applied on top of the library::

    {
      "version": "2",
      "days_off": [{"date": "2026-12-31", "source": "Government decree No. 1 of 2.01.2026"}],
      "working_days": [{"date": "2026-12-26", "source": "Government decree No. 1 of 2.01.2026"}]
    }

A date in `days_off` is not a working day and a date in `working_days` is one, whatever
the library says. Every entry names its legal source; a date may not be in both lists.
Bump `version` with every edit: each deadline records the calendar version,
"holidays-<library version>+overrides-<overrides version>".

Counting conventions:
- `add_working_days(d, n)`: for n > 0 the n-th working day after d (d itself never
  counts); for n < 0 the |n|-th working day before d; for n == 0, d if it is a working
  day, else the next working day.
- `working_days_between(a, b)`: the working days stepped on going from a to b, a not
  counted and b counted: those in (a, b] when a <= b (0 when a == b), minus those in
  [b, a) when b < a; so `add_working_days(a, working_days_between(a, b))` is b for every
  working day b.

Why a day is not worked (`non_working_day_reason`): "weekend", "holiday: <name>" (a
holiday on a Saturday or Sunday reports the holiday; a carried-over day is named
"<holiday> (observed)"), "day off by transfer: <source>" or "override: <source>".

The deadline rules (`Deadline`, `registration_day`, `statutory_due`, the hearing terms,
`retention_end`, `working_days_left`, `TIMER_FUNCTIONS`) live in `procedure.deadlines`,
which builds on this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

# Asia/Almaty: UTC+6 until 1 March 2024, UTC+5 since; tzdata knows both.
ALMATY = ZoneInfo("Asia/Almaty")
# para 8, appendix 1 item 7: the provider works Monday to Friday 9:00 to 18:30,
# lunch 13:00 to 14:30, except days off and holidays.
OFFICE_OPENS = time(9, 0)
LUNCH_STARTS = time(13, 0)
LUNCH_ENDS = time(14, 30)
OFFICE_CLOSES = time(18, 30)
# para 8, appendix 1 item 7: an application received after 16:00 is registered the next
# working day; 16:00:00.000000 itself is still on time.
REGISTRATION_CUTOFF = time(16, 0)

OVERRIDES_FILE = "calendar_overrides.json"
_ONE_DAY = timedelta(days=1)
_LIBRARY = f"holidays {holidays.__version__}"


@dataclass(frozen=True)
class Overrides:
    """Days off and working days set by decrees the installed library does not know."""

    version: str
    days_off: dict[date, str]
    working_days: dict[date, str]

    @classmethod
    def from_json(cls, text: str) -> Overrides:
        """Read overrides from JSON text; a malformed file fails here, not when counting."""
        document = json.loads(text)
        version = document.get("version")
        if not isinstance(version, str) or not version:
            raise ValueError("calendar overrides need a non-empty string 'version'")
        days_off = _dated_sources(document.get("days_off", []), "days_off")
        working_days = _dated_sources(document.get("working_days", []), "working_days")
        if both := sorted(days_off.keys() & working_days.keys()):
            raise ValueError(f"dates both off and working in calendar overrides: {both}")
        return cls(version, days_off, working_days)

    @classmethod
    def load(cls, path: Path | None = None) -> Overrides:
        """Read the override file shipped with the engine, or the one at `path`."""
        if path is None:
            return cls.from_json(resources.files("procedure").joinpath(OVERRIDES_FILE).read_text())
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _dated_sources(entries: list[dict[str, str]], key: str) -> dict[date, str]:
    dated: dict[date, str] = {}
    for entry in entries:
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise ValueError(f"calendar override {entry!r} in '{key}' needs a legal 'source'")
        day = date.fromisoformat(entry["date"])
        if day in dated:
            raise ValueError(f"calendar override {day} is listed twice in '{key}'")
        dated[day] = source
    return dated


class CalendarDay(NamedTuple):
    """A day that breaks the Monday-to-Friday pattern, and why."""

    day: date
    working: bool
    reason: str


@dataclass(frozen=True)
class _Year:
    days_off: dict[date, str]  # every day that is not worked, with its reason
    worked_weekend: dict[date, str]  # Saturdays and Sundays that are worked, with reason


class WorkingCalendar:
    """Kazakhstan working days: the `holidays` library with the overrides on top."""

    def __init__(self, overrides: Overrides) -> None:
        self.overrides = overrides
        self.version = f"holidays-{holidays.__version__}+overrides-{overrides.version}"
        self._years: dict[int, _Year] = {}

    def is_working_day(self, day: date) -> bool:
        """Tell whether the provider works on `day`."""
        return day not in self._year(day).days_off

    def non_working_day_reason(self, day: date) -> str | None:
        """Say why `day` is not worked, or None when it is a working day."""
        return self._year(day).days_off.get(day)

    def add_working_days(self, day: date, n: int) -> date:
        """Return the n-th working day after `day` (before it when n < 0)."""
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        if n == 0:
            while not self.is_working_day(day):
                day += step
            return day
        remaining = abs(n)
        while remaining:
            day += step
            remaining -= self.is_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count the working days stepped on from `start` to `end` (signed; see module doc)."""
        if end < start:
            stepped_on = _days_after(end - _ONE_DAY, start - _ONE_DAY)  # [end, start)
            return -sum(self.is_working_day(day) for day in stepped_on)
        return sum(self.is_working_day(day) for day in _days_after(start, end))

    def skipped_between(self, start: date, end: date) -> tuple[tuple[date, str], ...]:
        """List the days strictly between `start` and `end` that are not worked, with why."""
        low, high = sorted((start, end))
        return tuple(
            (day, reason)
            for day in _days_after(low, high - _ONE_DAY)
            if (reason := self.non_working_day_reason(day)) is not None
        )

    def year_listing(self, year: int) -> list[CalendarDay]:
        """List the weekdays that are not worked and the weekend days that are, in order."""
        table = self._year(date(year, 1, 1))
        listing = [
            CalendarDay(day, False, reason) for day, reason in table.days_off.items() if day.weekday() < 5
        ]
        listing += [CalendarDay(day, True, reason) for day, reason in table.worked_weekend.items()]
        return sorted(listing)

    def _year(self, day: date) -> _Year:
        if isinstance(day, datetime):
            raise TypeError(f"pass a date, not a datetime ({day!r}); use .astimezone(ALMATY)")
        if day.year not in self._years:
            self._years[day.year] = _build_year(day.year, self.overrides)
        return self._years[day.year]


def _days_after(start: date, end: date):
    day = start + _ONE_DAY
    while day <= end:
        yield day
        day += _ONE_DAY


def _build_year(year: int, overrides: Overrides) -> _Year:
    # Neighbour years too: a transfer can swap days across New Year (2013-12-28 / 2014-01-03).
    library = holidays.Kazakhstan(years=range(year - 1, year + 2), language="en_US")
    transfers = _library_transfers(library)
    moved_to = {worked: off for off, worked in transfers.items()}
    days_off: dict[date, str] = {}
    worked_weekend: dict[date, str] = {}
    for day in _days_after(date(year - 1, 12, 31), date(year, 12, 31)):
        weekend = day.weekday() >= 5
        if day in overrides.working_days:
            if weekend:
                worked_weekend[day] = f"override: {overrides.working_days[day]}"
        elif day in overrides.days_off:
            days_off[day] = f"override: {overrides.days_off[day]}"
        elif not library.is_working_day(day):
            days_off[day] = _library_reason(library, day, transfers)
        elif weekend:
            off = moved_to.get(day)
            where = f"{off:%A} {off.isoformat()}" if off else "another day"
            worked_weekend[day] = f"working day by transfer: day off moved to {where} ({_LIBRARY})"
    return _Year(days_off, worked_weekend)


def _library_reason(library: holidays.HolidayBase, day: date, transfers: dict[date, date]) -> str:
    if day in transfers:
        worked = transfers[day]
        return f"day off by transfer: from {worked:%A} {worked.isoformat()} ({_LIBRARY})"
    if names := library.get_list(day):
        return "holiday: " + "; ".join(names)
    return "weekend"


def _library_transfers(library: holidays.HolidayBase) -> dict[date, date]:
    """Map each day off made by a transfer to the weekend day that was worked instead."""
    label = library.tr(getattr(library, "substituted_label", "") or "")
    date_format = library.tr(getattr(library, "substituted_date_format", "") or "")
    if "%s" not in label or not date_format:
        return {}
    pattern = re.compile(re.escape(label).replace(re.escape("%s"), "(.+?)"))
    transfers: dict[date, date] = {}
    for day in library:
        for name in library.get_list(day):
            if match := pattern.fullmatch(name):
                transfers[day] = datetime.strptime(match.group(1), date_format).date()
    return transfers


@cache
def default_calendar() -> WorkingCalendar:
    """Return the calendar built from the library and the shipped override file."""
    return WorkingCalendar(Overrides.load())


def calendar_version() -> str:
    """Return the version string recorded with every deadline."""
    return default_calendar().version


def is_working_day(day: date) -> bool:
    """Tell whether the provider works on `day`."""
    return default_calendar().is_working_day(day)


def non_working_day_reason(day: date) -> str | None:
    """Say why `day` is not worked, or None when it is a working day."""
    return default_calendar().non_working_day_reason(day)


def add_working_days(day: date, n: int) -> date:
    """Return the n-th working day after `day` (before it when n < 0; see module doc)."""
    return default_calendar().add_working_days(day, n)


def working_days_between(start: date, end: date) -> int:
    """Count the working days stepped on from `start` to `end` (signed; see module doc)."""
    return default_calendar().working_days_between(start, end)


def year_listing(year: int) -> list[CalendarDay]:
    """List the weekdays that are not worked and the weekend days that are, in `year`."""
    return default_calendar().year_listing(year)


def office_close(day: date) -> datetime:
    """Return 18:30 in Asia/Almaty on `day`, the end of the provider's working day."""
    return datetime.combine(day, OFFICE_CLOSES, tzinfo=ALMATY)
