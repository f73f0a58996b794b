"""The whole record of one case for an auditor: events, chain, replay verdict and deadlines."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import clock
from engine.history.chain_check import check_chain, row_of
from engine.history.replay import Replay, load_recording, recorded_calls, replay_events
from engine.history.verdict import deadline_clause, verdict
from engine.runtime.definitions import specs_of
from engine.runtime.history import findings_of

# the deadlines the license procedure computes; each names its paragraph in the diagram
DEADLINE_VARIABLES = {
    "statutory_due_at": "para 9, para 13: the result is due",
    "deadline_warning_at": "para 9, para 13: officers and heads are warned",
    "hearing_notice_due_at": "para 13: the hearing notice is sent at the latest",
    "hearing_at": "para 13: the hearing",
}


def case_record(session: Session, case_id: str) -> dict[str, Any]:
    """Return the case's record as a JSON-ready dict."""
    row, definition, events = load_recording(session, case_id)
    chain = check_chain(case_id, events, row=row_of(row))
    replay = replay_events(
        case_id, events, *specs_of(definition), calls=recorded_calls(session, definition, events)
    )
    return {
        "case": {
            "id": row.id,
            "business_key": row.business_key,
            "process": definition.key,
            "version": definition.version,
            "status": row.status,
            "started_at": clock.as_utc(row.started_at).isoformat(),
            "ended_at": clock.as_utc(row.ended_at).isoformat() if row.ended_at else None,
        },
        "exported_at": clock.now().isoformat(),
        "chain": {
            "intact": chain.intact,
            "head_seq": chain.head_seq,
            "head_hash": chain.head_hash,
            "finding": chain.sentence() if not chain.intact else None,
        },
        "replay": {"verdict": verdict(replay), "reproduced": replay.reproduced, "steps": replay.steps},
        "deadlines": deadlines(replay),
        "findings": [finding.to_dict() for finding in findings_of(events, replay.variables)],
        "events": [event_record(e) for e in events],
    }


def deadlines(replay: Replay) -> dict[str, Any]:
    """Return each deadline the case computed, with its explanation, and the decision time."""
    found = {
        name: {"at": replay.variables[name], "meaning": meaning}
        for name, meaning in DEADLINE_VARIABLES.items()
        if replay.variables.get(name)
    }
    explained = replay.variables.get("statutory_due_explained")
    if explained and "statutory_due_at" in found:
        found["statutory_due_at"]["explanation"] = explained
    return {
        "due": found,
        "decided_at": replay.decided_at.isoformat() if replay.decided_at else None,
        "summary": deadline_clause(replay),
    }


def event_record(event) -> dict[str, Any]:
    """Return one history event as a JSON-ready dict, its hashes included."""
    return {
        "seq": event.seq,
        "at": clock.as_utc(event.at).isoformat(),
        "actor": event.actor,
        "kind": event.kind,
        "element_id": event.element_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
