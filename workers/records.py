"""Keeping and destroying records (para 6; Order No. 236 of 25 August 2023).

After 3 years the documents licflow wrote for the case (the license or the refusal) are
deleted, and so are the documents attached to the case since (the licensee's reports on
the license's execution, received through the portal); an act of destruction naming
them all is returned into the case, where its history keeps it.
"""

from __future__ import annotations

from pathlib import Path

from engine.worker import TaskContext, WorkerRegistry, today

registry = WorkerRegistry()


@registry.topic("records.destroy")
def destroy_records(
    license_document, refusal_document, license_ended_on, license_end_reason, context: TaskContext
):
    """Delete the case's documents (a retried task finds them gone) and record the act."""
    documents = [Path(d) for d in (license_document, refusal_document) if d]
    for document in documents:
        document.unlink(missing_ok=True)
    # para 6: the documents confirming the license was executed go with the license's records
    attached = context.destroy_case_documents()
    return {
        "destruction_act": {
            "destroyed_on": today().isoformat(),
            "kept_since": license_ended_on,
            "reason": license_end_reason,
            "documents": [document.name for document in documents],
            "execution_documents": [
                {key: d[key] for key in ("reference", "kind", "digest", "received_at")} for d in attached
            ],
            "rule": "para 6: kept 3 years after expiry, termination or suspension",
        },
        "records_destroyed_on": today().isoformat(),
    }
