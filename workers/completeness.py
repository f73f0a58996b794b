"""Completeness of the set of documents (para 8; Law on Permits and Notifications art. 25).

The set holds the application, the contract or other basis document, the proof of
the fee unless it was paid through the payment gateway, and for an exclusive license
the Government decision. What the state registries hold is never asked for.
"""

from __future__ import annotations

from engine.worker import WorkerRegistry

registry = WorkerRegistry()


def required_documents(kind: str, payment_reference: str | None) -> list[str]:
    """Return the documents a set must hold for this application."""
    required = ["application", "contract"]
    if not payment_reference:
        required.append("fee_receipt")  # para 8: unless paid through the payment gateway
    if kind == "exclusive":
        required.append("government_decision")
    return required


@registry.topic("documents.completeness")
def check_completeness(documents, kind, payment_reference):
    """Return whether the set is complete and which documents are missing."""
    submitted = set(documents or [])
    missing = [name for name in required_documents(kind, payment_reference) if name not in submitted]
    return {"documents_complete": not missing, "missing_documents": missing}
