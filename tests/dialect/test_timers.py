"""Timer events with ISO values as the Modeler writes them: intermediate, boundary, event sub-process."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from engine.runtime.timers import fire_due_timers
from tests.dialect import drive

MORNING = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def _at(hours: float):
    return time_machine.travel(MORNING.timestamp() + hours * 3600, tick=False)


def test_an_intermediate_timer_waits_its_duration(orchestrator):
    drive.deploy(orchestrator, "timer_catch")
    with _at(0):
        case_id = orchestrator.start_case("dialect_timer_catch")
    with _at(0.5):
        fire_due_timers(orchestrator.store)
        assert drive.open_tasks(orchestrator, case_id) == []
    with _at(1.01):
        fire_due_timers(orchestrator.store)

    assert drive.open_elements(orchestrator, case_id) == ["answer"]


def test_a_variable_changed_while_a_timer_waits_keeps_its_value_when_it_fires(orchestrator):
    drive.deploy(orchestrator, "timer_catch")
    with _at(0):
        case_id = orchestrator.start_case("dialect_timer_catch", variables={"tone": "formal", "draft": "x"})
        orchestrator.change_variables(case_id, {"tone": "friendly"}, ["draft"], "officer1")
    with _at(1.01):
        fire_due_timers(orchestrator.store)

    assert drive.open_elements(orchestrator, case_id) == ["answer"]
    assert drive.variables(orchestrator, case_id) == {"tone": "friendly"}


def test_a_non_interrupting_timer_boundary_reminds_and_the_task_stays(orchestrator):
    drive.deploy(orchestrator, "timer_catch")
    with _at(0):
        case_id = orchestrator.start_case("dialect_timer_catch")
    with _at(1.01):
        fire_due_timers(orchestrator.store)
    with _at(25.02):
        fire_due_timers(orchestrator.store)

    assert drive.topics(orchestrator, case_id) == ["dialect.remind"]
    assert drive.open_elements(orchestrator, case_id) == ["answer"]


def test_a_timer_event_sub_process_interrupts_the_work_when_due(orchestrator):
    drive.deploy(orchestrator, "timer_event_subprocess")
    with _at(0):
        case_id = orchestrator.start_case("dialect_timer_handler")
    with _at(24.01):
        fire_due_timers(orchestrator.store)

        assert drive.open_tasks(orchestrator, case_id) == []
        assert drive.topics(orchestrator, case_id) == ["dialect.escalate"]
        drive.work(orchestrator, "dialect.escalate")
        assert drive.status(orchestrator, case_id) == "completed"


def test_a_non_interrupting_timer_event_sub_process_runs_beside_the_work(orchestrator):
    documents = drive.edited("timer_event_subprocess", "a_day_later", attributes={"isInterrupting": "false"})
    orchestrator.deploy(documents)
    with _at(0):
        case_id = orchestrator.start_case("dialect_timer_handler")
    with _at(24.01):
        fire_due_timers(orchestrator.store)

        assert drive.open_elements(orchestrator, case_id) == ["review"]
        assert drive.topics(orchestrator, case_id) == ["dialect.escalate"]
