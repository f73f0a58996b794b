"""The working-day explanation of a deadline in a person's language (para 9, para 13).

A deadline's explanation is stored as it was counted (`Deadline.to_dict`): the rule, the
start, the number of working days, and each skipped day with why, worded in English by
the calendar. These turn it into a sentence of the reader's language when a page shows
it; the stored explanation itself never changes.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from engine.i18n import N_, day_text, moment_text, translate, translations

# The holidays of Kazakhstan as the `holidays` library names them in English (en_US).
HOLIDAY_NAMES = (
    N_("New Year's Day"),
    N_("Orthodox Christmas"),
    N_("International Women's Day"),
    N_("Nowruz Holiday"),
    N_("Kazakhstan's People Solidarity Holiday"),
    N_("Defender of the Fatherland Day"),
    N_("Victory Day"),
    N_("Capital Day"),
    N_("Eid al-Adha"),
    N_("Constitution Day"),
    N_("Republic Day"),
    N_("First President Day"),
    N_("Independence Day"),
)
SUFFIXES = {" (observed)": N_("%(holiday)s (carried over)"), " (estimated)": N_("%(holiday)s (estimated)")}
TRANSFER = re.compile(
    r"(?:day off by transfer: from|working day by transfer: day off moved to) \w+ (\d{4}-\d\d-\d\d)"
)


COUNTED = N_(
    "%(days)s working days from %(start)s (%(rule)s); due %(due)s = %(due_utc)s; calendar %(calendar)s."
)


def reason_text(reason: str, language: str | None) -> str:
    """Say in `language` why a day was not worked ("weekend", "holiday: Nowruz Holiday", ...)."""
    if reason == "weekend":
        return translate(language, N_("weekend"))
    if reason.startswith("holiday: "):
        names = "; ".join(_holiday(name, language) for name in reason.removeprefix("holiday: ").split("; "))
        return translate(language, N_("holiday: %(names)s"), names=names)
    if match := TRANSFER.match(reason):
        worked = day_text(date.fromisoformat(match.group(1)), language)
        return translate(language, N_("day off by transfer from %(day)s"), day=worked)
    if reason.startswith("override: "):
        return translate(language, N_("by decree: %(source)s"), source=reason.removeprefix("override: "))
    return reason


def explanation_text(explanation: dict[str, Any], language: str | None) -> str:
    """Say how a deadline was counted: working days from the start, by which rule, skipping what."""
    sentence = translate(
        language,
        COUNTED,
        days=explanation.get("working_days"),
        start=day_text(date.fromisoformat(explanation["start"]), language),
        rule=translations(language).gettext(explanation.get("rule", "")),
        due=moment_text(datetime.fromisoformat(explanation["due_at"]), language),
        due_utc=explanation.get("due_at_utc", "").replace("+00:00", " UTC"),
        calendar=explanation.get("calendar_version", ""),
    )
    skipped = [
        f"{day_text(date.fromisoformat(day['date']), language)} ({reason_text(day['reason'], language)})"
        for day in explanation.get("skipped", [])
    ]
    if skipped:
        sentence += " " + translate(language, N_("Skipped: %(days)s."), days=", ".join(skipped))
    return sentence


def _holiday(name: str, language: str | None) -> str:
    for suffix, wording in SUFFIXES.items():
        if name.endswith(suffix):
            return translate(language, wording, holiday=_holiday(name.removesuffix(suffix), language))
    return translations(language).gettext(name)
