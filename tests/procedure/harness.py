"""Drive the license procedure through time: submit, let workers and timers run, decide."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import time_machine
from sqlalchemy import select

from engine.external.worker_loop import WorkerLoop
from engine.orchestrator import Orchestrator
from engine.runtime.definitions import read_documents
from engine.runtime.timers import fire_due_timers
from store.models import Case, HistoryEvent, Timer, UserTask
from tests.procedure.world import World

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


def application(**fields: Any) -> dict[str, Any]:
    """Return the variables the portal starts a case with; `fields` override the defaults."""
    variables = {
        "submitted_at": "2025-04-14T10:00:00+05:00",
        "kind": "one_time",
        "direction": "export",
        "list_section": "2.16",
        "applicant_id": "123456789012",
        "applicant_name": "Dala Trade LLP",
        "applicant_email": "office@dala.example",
        "contract_number": "C-17",
        "contract_end": "2026-12-31",
        "government_decision_until": None,
        "payment_reference": "PAY-1",
        "documents": ["application", "contract"],
    }
    variables.update(fields)
    return variables


class Procedure:
    """One case of the license procedure, with a clock the test moves."""

    def __init__(self, orchestrator: Orchestrator, world: World) -> None:
        self.orchestrator = orchestrator
        self.world = world
        self.loop = WorkerLoop(orchestrator.store, world.registry(), "scenario")
        orchestrator.deploy(read_documents(sorted(BPMN.glob("*.bpmn")) + sorted(BPMN.glob("*.dmn"))))
        self.case_id: str | None = None
        self.business_key = "APP-1"

    def submit(self, **fields: Any) -> str:
        """Start the case at its submission time and let it run until it waits."""
        variables = application(**fields)
        with self.at(datetime.fromisoformat(variables["submitted_at"])):
            self.case_id = self.orchestrator.start_case(
                "license_issuance", self.business_key, variables, actor="portal"
            )
        return self.case_id

    def at(self, moment: datetime):
        """Stop the clock at `moment`; on leaving, workers and due timers have run."""
        procedure = self

        class _At:
            def __enter__(self):
                self.traveller = time_machine.travel(moment, tick=False)
                self.traveller.start()

            def __exit__(self, *exc):
                if exc[0] is None:
                    procedure.settle()
                self.traveller.stop()

        return _At()

    def settle(self) -> None:
        """Run workers and fire due timers until nothing more happens now."""
        while self.loop.drain() + fire_due_timers(self.orchestrator.store):
            pass

    def wait_until(self, moment: datetime) -> None:
        """Let time pass until `moment`, firing what falls due on the way."""
        with self.at(moment):
            pass

    def decide(self, moment: datetime, element_id: str, actor: str = "officer.aigerim", **data: Any) -> None:
        """Complete the open user task `element_id` at `moment` with the form's data."""
        with self.at(moment):
            task = self.open_task(element_id)
            assert task is not None, f"{element_id} is not open; open: {self.open_tasks()}"
            self.orchestrator.complete_user_task(task.id, data, actor)

    def answer(self, moment: datetime, positive: bool, reasons: str = "") -> None:
        """The consulted body's answer arrives at `moment`."""
        with self.at(moment):
            self.orchestrator.correlate_message(
                "consultation_answer",
                {"consultation_positive": positive, "consultation_reasons": reasons},
                business_key=self.business_key,
                actor="nsc",
            )

    def _rows(self, model, **where) -> list:
        with self.orchestrator.store.unit_of_work() as session:
            return list(session.scalars(select(model).filter_by(case_id=self.case_id, **where)))

    def open_task(self, element_id: str) -> UserTask | None:
        found = self._rows(UserTask, element_id=element_id, status="open")
        return found[0] if found else None

    def open_tasks(self) -> list[str]:
        return [t.element_id for t in self._rows(UserTask, status="open")]

    def timers(self, element_id: str) -> list[Timer]:
        return self._rows(Timer, element_id=element_id)

    def history(self) -> list[tuple[str, str | None]]:
        with self.orchestrator.store.unit_of_work() as session:
            events = session.scalars(
                select(HistoryEvent).where(HistoryEvent.case_id == self.case_id).order_by(HistoryEvent.seq)
            )
            return [(e.kind, e.element_id) for e in events]

    def case(self) -> Case:
        with self.orchestrator.store.unit_of_work() as session:
            return session.get(Case, self.case_id)

    def variables(self) -> dict[str, Any]:
        """Return the case's variables as the main process sees them now."""
        from engine.runtime.cases import case_variables, open_case

        with self.orchestrator.store.unit_of_work() as session:
            return case_variables(open_case(session, self.case_id).workflow)
