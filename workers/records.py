"""Keeping and destroying records (para 6; Order No. 236 of 25 August 2023).

After 3 years the documents licflow wrote for the case (the license or the refusal) are
deleted, and so are the documents attached to the case since (the licensee's reports on
the license's execution, received through the portal); an act of destruction naming
them all is returned into the case, where its history keeps it, and written as a PDF
document in Kazakh and Russian beside where the documents were.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from engine.worker import N_, TaskContext, WorkerRegistry, day_text, moment_text, today, translator
from workers.documents import Document, case_folder, write_document
from workers.settings import settings

registry = WorkerRegistry()
RULE = N_("para 6: kept 3 years after expiry, termination or suspension")
# license_retention.bpmn: why the license's records began their 3 years
END_REASONS = {
    "expired": N_("the license expired"),
    "terminated": N_("the license was terminated"),
    "suspended": N_("the license was suspended"),
    "refused": N_("the license was refused"),
}


@registry.topic("records.destroy")
def destroy_records(
    license_document, refusal_document, license_ended_on, license_end_reason, language, context: TaskContext
):
    """Delete the case's documents (a retried task finds them gone) and record the act."""
    documents = [Path(d) for d in (license_document, refusal_document) if d]
    for document in documents:
        document.unlink(missing_ok=True)
    # para 6: the documents confirming the license was executed go with the license's records
    attached = context.destroy_case_documents()
    act = {
        "destroyed_on": today().isoformat(),
        "kept_since": license_ended_on,
        "reason": license_end_reason,
        "documents": [document.name for document in documents],
        "execution_documents": [
            {key: d[key] for key in ("reference", "kind", "digest", "received_at")} for d in attached
        ],
        "rule": RULE,
    }
    written = write_document(
        settings().documents_dir / case_folder(context) / "destruction-act.pdf", _act(act), language
    )
    return {
        "destruction_act": {**act, "act_document": str(written)},
        "records_destroyed_on": today().isoformat(),
    }


def _act(act: dict) -> Document:
    reason = act["reason"]
    return Document(
        N_("Act of destruction of documents"),
        [
            (N_("Destroyed on"), lambda lang: day_text(_day(act["destroyed_on"]), lang)),
            (N_("Kept since"), lambda lang: day_text(_day(act["kept_since"]), lang)),
            (N_("Reason"), lambda lang: _translated(END_REASONS.get(reason), lang) or reason or "—"),
            (N_("Documents destroyed"), list(act["documents"])),
            (
                N_("Reports on the license's execution destroyed"),
                [_report(d) for d in act["execution_documents"]],
            ),
            (N_("Rule"), lambda lang: _translated(RULE, lang)),
        ],
    )


def _report(document: dict):
    return lambda lang: f"{document['reference']} ({moment_text(_moment(document['received_at']), lang)})"


def _translated(message: str | None, language: str) -> str:
    return translator(language)(message) if message else ""


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
