"""Write a case's record as a PDF a person can file."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from engine.history.verdict import local
from engine.pdf_text import document_font, printable

DATA_SHOWN = 400  # characters of an event's data printed; the JSON export has it all


def write_record_pdf(record: dict[str, Any], path: Path) -> Path:
    """Write the record (from `case_record`) to `path`; return the path."""
    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    font = document_font(pdf)
    case = record["case"]

    def line(text: str, size: int = 9, height: float = 5) -> None:
        pdf.set_font(font, size=size)
        pdf.multi_cell(0, height, printable(text, font), new_x="LMARGIN", new_y="NEXT")

    line(f"Case history {case['business_key'] or case['id']}", 15, 9)
    line(f"Case {case['id']}: {case['process']} version {case['version']}, {case['status']}")
    line(f"Started {_local(case['started_at'])}; exported {_local(record['exported_at'])}")
    pdf.ln(3)
    chain = record["chain"]
    line("Chain: " + ("intact" if chain["intact"] else chain["finding"]), 11, 6)
    line(f"Head: event {chain['head_seq']}, {chain['head_hash']}")
    line(f"Replay: {record['replay']['verdict']}", 11, 6)
    pdf.ln(2)
    line("Deadlines", 11, 6)
    for name, due in record["deadlines"]["due"].items():
        line(f"{name}: {_local(due['at'])} ({due['meaning']})")
        for skipped in (due.get("explanation") or {}).get("skipped", []):
            line(f"    skipped {skipped['date']}: {skipped['reason']}")
    if record["deadlines"]["summary"]:
        line(record["deadlines"]["summary"])
    if record["findings"]:
        pdf.ln(2)
        line("Findings", 11, 6)
        for finding in record["findings"]:
            line(f"{finding['seq']}. {_local(finding['at'])} {finding['element_id']}: {finding['text']}")
    pdf.ln(2)
    line("Events", 11, 6)
    for event in record["events"]:
        where = f" {event['element_id']}" if event["element_id"] else ""
        line(f"{event['seq']}. {_local(event['at'])} {event['actor']}: {event['kind']}{where}")
        if event["data"]:
            shown = json.dumps(event["data"], ensure_ascii=False, sort_keys=True)
            line("    " + (shown if len(shown) <= DATA_SHOWN else shown[:DATA_SHOWN] + " ..."), 7, 4)
        line(f"    hash {event['hash']}", 6, 3)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _local(iso: str) -> str:
    return local(datetime.fromisoformat(iso))
