"""The history of one case as steps an auditor walks through, with the state after each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine import clock
from engine.history.chain_check import check_chain, row_of
from engine.history.record import deadlines
from engine.history.replay import load_recording, recorded_calls, replay_events
from engine.history.replay_steps import steps_of
from engine.history.verdict import local, verdict
from engine.runtime.definitions import main_diagram, specs_of
from engine.runtime.history import findings_of

ACTED_ON = ("user_task_completed", "external_task_completed", "bpmn_error_thrown", "timer_fired")


@dataclass(frozen=True)
class AuditStep:
    """One command of the case: who did what and when, the data that came in, where it led."""

    number: int
    seq: int
    at: str  # Asia/Almaty, to the minute
    actor: str
    kind: str
    element_id: str | None
    data: dict[str, Any]
    completed: list[str]  # elements this step completed
    finished: list[str]  # every element completed up to and including this step
    active: list[str]  # where the case waits after this step, as recorded


def audit_trail(session: Session, case_id: str) -> dict[str, Any]:
    """Return the case's steps, diagram, chain check, replay verdict and deadlines for the page."""
    row, definition, events = load_recording(session, case_id)
    replay = replay_events(
        case_id, events, *specs_of(definition), calls=recorded_calls(session, definition, events)
    )
    chain = check_chain(case_id, events, row=row_of(row))
    finished: list[str] = []
    steps = []
    for step in steps_of(events):
        # the element a person or worker completed is finished by the command, before the engine runs
        done = [step.input.element_id] if step.input.kind in ACTED_ON else []
        finished = finished + [e for e in done + step.completed if e and e not in finished]
        data = {k: v for k, v in (step.input.data or {}).items() if k != "clock"}
        steps.append(
            AuditStep(
                step.number,
                step.input.seq,
                local(step.clock),
                step.input.actor,
                step.input.kind,
                step.input.element_id,
                data,
                step.completed,
                finished,
                sorted((step.state or {}).get("waiting", [])),
            )  # fmt: skip
        )
    return {
        "case": row,
        "definition": definition,
        "diagram_xml": main_diagram(definition),
        "steps": steps,
        "chain": chain.sentence(),
        "intact": chain.intact,
        "verdict": verdict(replay),
        "reproduced": replay.reproduced,
        "deadlines": deadlines(replay),
        "findings": findings_of(events, replay.variables),
        "started_at": local(clock.as_utc(row.started_at)),
    }
