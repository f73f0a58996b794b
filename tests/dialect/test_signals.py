"""Signals are broadcast: one thrown in a case reaches every other case and signal start event waiting."""

from __future__ import annotations

from tests.dialect import drive


def _deployed(orchestrator):
    drive.deploy(orchestrator, "signal_catch")
    drive.deploy(orchestrator, "signal_throw")
    drive.deploy(orchestrator, "signal_start")


def test_a_signal_thrown_in_one_case_reaches_every_case_waiting_for_it(orchestrator):
    _deployed(orchestrator)
    waiting = [orchestrator.start_case("dialect_signal_catch", f"W-{n}") for n in range(2)]
    assert drive.open_tasks(orchestrator) == []

    thrower = orchestrator.start_case("dialect_signal_throw")

    assert drive.status(orchestrator, thrower) == "completed"
    for case_id in waiting:
        assert drive.open_elements(orchestrator, case_id) == ["answer"]


def test_a_signal_starts_a_case_of_each_process_with_a_signal_start_event(orchestrator):
    _deployed(orchestrator)

    orchestrator.start_case("dialect_signal_throw")
    orchestrator.start_case("dialect_signal_throw")

    reports = drive.case_ids(orchestrator, "dialect_signal_start")
    assert len(reports) == 2
    assert [drive.open_elements(orchestrator, c) for c in reports] == [["report"], ["report"]]


def test_a_signal_boundary_event_interrupts_the_task_it_is_attached_to(orchestrator):
    _deployed(orchestrator)
    case_id = orchestrator.start_case("dialect_signal_catch", "W-9")
    orchestrator.signal("embargo_lifted")
    assert drive.open_elements(orchestrator, case_id) == ["answer"]

    orchestrator.start_case("dialect_signal_throw")

    assert drive.status(orchestrator, case_id) == "completed"
    assert drive.completed_elements(orchestrator, case_id)[-2:] == ["lifted_again", "cut_short"]


def test_a_signal_end_event_reaches_the_waiting_cases(orchestrator):
    drive.deploy(orchestrator, "signal_catch")
    drive.deploy(orchestrator, "signal_end")
    case_id = orchestrator.start_case("dialect_signal_catch", "W-7")

    orchestrator.start_case("dialect_signal_end")

    assert drive.open_elements(orchestrator, case_id) == ["answer"]


def test_a_non_interrupting_signal_boundary_runs_beside_its_task(orchestrator):
    orchestrator.deploy(drive.edited("signal_catch", "lifted_again", attributes={"cancelActivity": "false"}))
    case_id = orchestrator.start_case("dialect_signal_catch", "W-8")
    orchestrator.signal("embargo_lifted")

    orchestrator.signal("embargo_lifted")

    assert drive.open_elements(orchestrator, case_id) == ["answer"]
    assert "cut_short" in drive.completed_elements(orchestrator, case_id)


def test_a_signal_event_sub_process_stops_the_work_of_every_waiting_case(orchestrator):
    drive.deploy(orchestrator, "signal_event_subprocess")
    cases = [orchestrator.start_case("dialect_signal_handler", f"O-{n}") for n in range(2)]

    reached = orchestrator.signal("office_closed")

    assert sorted(reached) == sorted(cases)
    assert [drive.open_elements(orchestrator, c) for c in cases] == [["park"], ["park"]]


def test_a_non_interrupting_signal_event_sub_process_runs_beside_the_work(orchestrator):
    orchestrator.deploy(
        drive.edited("signal_event_subprocess", "office_closed", attributes={"isInterrupting": "false"})
    )
    case_id = orchestrator.start_case("dialect_signal_handler", "O-9")

    orchestrator.signal("office_closed")

    assert drive.open_elements(orchestrator, case_id) == ["park", "review"]
