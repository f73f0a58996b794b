"""`licflow calendar`: Kazakhstan working days and statutory due times from the shell."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from procedure.calendar import ALMATY, calendar_version, year_listing
from procedure.deadlines import registration_day, statutory_due


class AwareDateTime(click.ParamType):
    """An ISO 8601 datetime that carries its UTC offset."""

    name = "datetime"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                self.fail(f"{value!r} is not an ISO 8601 datetime", param, ctx)
        if moment.tzinfo is None or moment.utcoffset() is None:
            self.fail(
                f"{value!r} has no UTC offset; write it like 2025-03-20T16:05:00+05:00",
                param,
                ctx,
            )
        return moment


class IsoDate(click.ParamType):
    """An ISO 8601 calendar date, YYYY-MM-DD."""

    name = "date"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO date (YYYY-MM-DD)", param, ctx)


@click.group("calendar")
def calendar() -> None:
    """Kazakhstan working days and statutory due times (Asia/Almaty)."""


@calendar.command("due")
@click.option("--submitted", type=AwareDateTime(), help="Submission time with UTC offset.")
@click.option("--registered", type=IsoDate(), help="Registration day, instead of --submitted.")
@click.option("--days", type=click.IntRange(min=1), required=True, help="Term in working days.")
def due(submitted: datetime | None, registered: date | None, days: int) -> None:
    """Print the statutory due time of an application, with its explanation, as JSON."""
    if (submitted is None) == (registered is None):
        raise click.UsageError("give exactly one of --submitted or --registered")
    registered_on = registration_day(submitted) if submitted else registered
    try:
        deadline = statutory_due(registered_on, days)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'--registered'") from error
    explained = {
        "submitted_at": submitted.isoformat() if submitted else None,
        "submitted_at_local": submitted.astimezone(ALMATY).isoformat() if submitted else None,
        "registered_on": registered_on.isoformat(),
        **deadline.to_dict(),
    }
    click.echo(json.dumps(explained, ensure_ascii=False, indent=2))


@calendar.command("days")
@click.argument("year", type=click.IntRange(1991, 2100))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
def days(year: int, as_json: bool) -> None:
    """List the weekdays off and the working weekend days of YEAR, with reasons."""
    listing = year_listing(year)
    if as_json:
        entries = [
            {
                "date": entry.day.isoformat(),
                "weekday": entry.day.strftime("%a"),
                "working": entry.working,
                "reason": entry.reason,
            }
            for entry in listing
        ]
        document = {"year": year, "calendar_version": calendar_version(), "days": entries}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for entry in listing:
        status = "working" if entry.working else "day off"
        click.echo(f"{entry.day.isoformat()} {entry.day:%a}  {status:<7}  {entry.reason}")
