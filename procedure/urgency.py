"""How urgent a task is by its statutory due time, counted in working days."""

from __future__ import annotations

from datetime import datetime

from engine import clock
from engine.extensions import DUE_SOON, ON_TIME, OVERDUE
from procedure.deadlines import working_days_left

# [assumed] "due soon" is one working day left or less (today counts while the office is
# open, so: the due day itself), the margin of the statutory warning of the main diagram.
DUE_SOON_WORKING_DAYS = 1


def urgency(due_at: datetime | None, now: datetime | None = None) -> tuple[str, int | None]:
    """Return (on_time | due_soon | overdue, working days left) for a task due at `due_at`."""
    if due_at is None:
        return ON_TIME, None
    now = now or clock.now()
    due_at = clock.as_utc(due_at)
    left = working_days_left(now, due_at)
    if now >= due_at:
        return OVERDUE, left
    return (DUE_SOON if left <= DUE_SOON_WORKING_DAYS else ON_TIME), left
