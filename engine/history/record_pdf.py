"""Write a case's record as a PDF a person can file, in the language of who asked for it.

The headings and labels are translated (Kazakh by default); times are local, zone named.
What the record quotes stays as it was recorded: element ids, event kinds, the data.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.i18n import DEFAULT_LANGUAGE, checked, moment_text, translator
from engine.pdf_text import PdfText

DATA_SHOWN = 400  # characters of an event's data printed; the JSON export has it all


def write_record_pdf(record: dict[str, Any], path: Path, language: str | None = DEFAULT_LANGUAGE) -> Path:
    """Write the record (from `case_record`) to `path` in `language`; return the path."""
    language = checked(language)
    _ = translator(language)
    text = PdfText()
    case = record["case"]

    def line(value: str, size: float = 9, height: float = 5) -> None:
        text.line(value, size, height)

    def at(iso: str | None) -> str:
        return moment_text(datetime.fromisoformat(iso) if iso else None, language)

    line(_("Case history %(case)s") % {"case": case["business_key"] or case["id"]}, 15, 9)
    line(
        _("Case %(id)s: %(process)s version %(version)s, %(status)s")
        % {"id": case["id"], "process": case["process"], "version": case["version"], "status": case["status"]}
    )
    line(
        _("Started %(started)s; exported %(exported)s")
        % {"started": at(case["started_at"]), "exported": at(record["exported_at"])}
    )
    text.space(3)
    chain = record["chain"]
    line(
        _("Chain: %(state)s") % {"state": _("intact") if chain["intact"] else chain["finding"]},
        11,
        6,
    )
    line(_("Head: event %(seq)s, %(hash)s") % {"seq": chain["head_seq"], "hash": chain["head_hash"]})
    line(_("Replay: %(verdict)s") % {"verdict": record["replay"]["verdict"]}, 11, 6)
    text.space(2)
    line(_("Deadlines"), 11, 6)
    for name, due in record["deadlines"]["due"].items():
        line(f"{_(due['meaning'])}: {at(due['at'])} ({name})")
        for skipped in (due.get("explanation") or {}).get("skipped", []):
            line(
                "    "
                + _("skipped %(day)s: %(reason)s") % {"day": skipped["date"], "reason": _(skipped["reason"])}
            )
    if record["deadlines"]["summary"]:
        line(record["deadlines"]["summary"])
    if record["findings"]:
        text.space(2)
        line(_("Findings"), 11, 6)
        for finding in record["findings"]:
            line(f"{finding['seq']}. {at(finding['at'])} {finding['element_id']}: {finding['text']}")
    text.space(2)
    line(_("Events"), 11, 6)
    for event in record["events"]:
        where = f" {event['element_id']}" if event["element_id"] else ""
        line(f"{event['seq']}. {at(event['at'])} {event['actor']}: {event['kind']}{where}")
        if event["data"]:
            shown = json.dumps(event["data"], ensure_ascii=False, sort_keys=True)
            line("    " + (shown if len(shown) <= DATA_SHOWN else shown[:DATA_SHOWN] + " ..."), 7, 4)
        line("    " + _("hash %(hash)s") % {"hash": event["hash"]}, 6, 3)
    return text.save(path)
