"""The engine's door for a procedure: what a procedure may plug in, and the one installed.

The engine runs any Camunda 7 diagram and knows no procedure. A procedure (for licflow,
the license procedure in `procedure/`) adds what only it can know, through these points:
- `expression_functions`: functions that diagram expressions and scripts may call;
- `form_rules`: rules across the fields of a form submission, by form key;
- `case_label`: the label a new case gets, so task lists filter without loading state;
- `days_left` and `urgency`: how time left to a deadline is counted and a task's urgency shown;
- `deadline_variables`, `task_variables` and `field_note`: what a person's pages show of a case;
- `task_deadlines`: by form key, the deadlines a task's page counts the days left to;
- `findings`: by element id, the sentence a case's history records when that element completes;
- `zone`: the engine's local time zone (dates without offset, "today", daily history heads).
The composition root (`licflow/`) calls `install(...)` once at start-up; until then the engine
runs with `Procedure()`, which plugs in nothing and counts time in calendar days in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

FormRule = Callable[[dict[str, Any]], dict[str, str]]
ON_TIME, DUE_SOON, OVERDUE = "on_time", "due_soon", "overdue"


def calendar_days_left(now: datetime, due_at: datetime) -> int:
    """Return the whole calendar days from `now` until `due_at` (0 when it has passed)."""
    return max(0, (due_at - now).days)


def calendar_urgency(due_at: datetime | None, now: datetime) -> tuple[str, int | None]:
    """Return (on_time | due_soon | overdue, days left), due soon being a day or less left."""
    if due_at is None:
        return ON_TIME, None
    left = calendar_days_left(now, due_at)
    if now >= due_at:
        return OVERDUE, left
    return (DUE_SOON if left <= 1 else ON_TIME), left


@dataclass(frozen=True)
class FieldNote:
    """What a procedure says of one form field: a number it stands for and its wording."""

    number: int
    text: str


@dataclass(frozen=True)
class Procedure:
    """Everything a procedure plugs into the engine; each point has a neutral default."""

    name: str = "none"
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    expression_functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    form_rules: Mapping[str, FormRule] = field(default_factory=dict)
    case_label: Callable[[dict[str, Any]], dict[str, str | None]] | None = None
    case_kinds: tuple[str, ...] = ()
    days_left: Callable[[datetime, datetime], int | None] = calendar_days_left
    urgency: Callable[[datetime | None, datetime], tuple[str, int | None]] = calendar_urgency
    # variable -> how a person's page names it; explained: variable -> the variable explaining it
    deadline_variables: Mapping[str, str] = field(default_factory=dict)
    explained_deadlines: Mapping[str, str] = field(default_factory=dict)
    # (what the case brought, what checks found): the variables a task's page shows beside its form
    task_variables: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    field_note: Callable[[str], FieldNote | None] = lambda field_id: None
    # form key -> {variable holding a due time: how the task's page names it}
    task_deadlines: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # element id -> the sentence its completion is a finding of, written from the case's variables
    findings: Mapping[str, Callable[[dict[str, Any]], str]] = field(default_factory=dict)


_installed = Procedure()


def install(procedure: Procedure) -> None:
    """Make `procedure` the one the engine consults (the composition root calls this)."""
    global _installed
    _installed = procedure


def current() -> Procedure:
    """Return the installed procedure, or the neutral one."""
    return _installed
